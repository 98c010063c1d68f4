#pragma once

#include "ids.hpp"
#include "json.hpp"

#include <Poco/Timestamp.h>

#include <array>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace fake_klaviyo {

/// What a request says about one profile: the JSON:API resource's id, attributes and meta
/// (patch_properties), already validated.
struct ProfileInput {
    std::optional<std::string> id;
    Json attributes; ///< an object, or null
    Json meta;       ///< an object, or null
};

/// One stored profile. `attributes` and `properties` share the objects a request carried (a
/// bulk import copies nothing); an update replaces them with merged copies. Read them through
/// the views: a member counts only when it is not null, and the attribute view leaves out the
/// identifiers, "properties" and "meta".
struct Profile {
    std::string id;
    std::array<std::string, 5> identifiers; ///< by ProfileStore::identifier_names(); "" = none
    Json attributes;
    Json properties;
    std::set<std::string> lists; ///< list ids from bulk-import relationships
    Poco::Timestamp created;
    Poco::Timestamp updated;
    long long writes = 0; ///< how many times it was created or updated

    /// The identifier `name` ("email", ...), or nullptr when the profile has none.
    const std::string *identifier(const std::string &name) const;
    /// The set attributes (first_name, ..., location).
    Json attribute_view() const;
    /// The set custom properties.
    Json property_view() const;
};

/// Profiles merged by identifier the way Klaviyo's upserts do: any identifier finds the profile
/// and the others are updated on it; an explicit null clears a field, an omitted one keeps it;
/// meta.patch_properties appends, unappends and unsets properties. Not thread-safe (Account
/// locks around it).
class ProfileStore {
  public:
    enum class Outcome { Created, Updated, Conflict, NotFound };
    struct Result {
        Outcome outcome = Outcome::Created;
        std::string profile_id;   ///< the profile written (Created/Updated)
        std::string conflict_id;  ///< Conflict: the other profile that holds an identifier
        std::string conflict_key; ///< Conflict: which identifier ("email", ...)
    };

    /// The identifier attributes, in the order they are used to find a profile.
    static const std::vector<std::string> &identifier_names();

    /// Creates or updates one profile. When identifiers point at different profiles the result
    /// is Conflict and nothing changes, unless `resolve_conflicts` (events do that): then the
    /// first matching profile is updated and the identifiers that belong to others stay where
    /// they are.
    Result upsert(const ProfileInput &input,
                  const Poco::Timestamp &now,
                  IdGenerator &ids,
                  bool resolve_conflicts);
    /// Adds a profile to a list (bulk-import relationships).
    void add_to_list(const std::string &profile_id, const std::string &list_id);

    const Profile *find(const std::string &id) const;
    /// The profile holding identifier `name` = `value`, if any.
    const Profile *find_by(const std::string &name, const std::string &value) const;
    std::size_t size() const { return profiles_.size(); }
    void clear();

    /// The JSON:API profile resource document, as profile-import returns it.
    static Json resource(const Profile &p, const std::string &base_url);
    /// The state view: {id, email, phone_number, external_id, anonymous_id, _kx, attributes,
    /// properties, lists, created, updated, writes}.
    static Json state(const Profile &p);
    /// All profiles in creation order (state view).
    Json state_all() const;

  private:
    using Index = std::unordered_map<std::string, std::size_t>; ///< value -> position in profiles_

    /// The index of identifier `slot`, and the key a value has in it (emails in lower case).
    Index &index(std::size_t slot) { return indexes_[slot]; }
    static std::string index_value(std::size_t slot, const std::string &value);
    std::optional<std::size_t> lookup(std::size_t slot, const std::string &value) const;
    void apply(Profile &p,
               std::size_t position,
               const ProfileInput &input,
               const std::set<std::string> &skip,
               bool fresh);

    std::deque<Profile> profiles_; ///< in creation order
    std::unordered_map<std::string, std::size_t> by_id_;
    std::array<Index, 5> indexes_; ///< one per identifier_names() entry
};

} // namespace fake_klaviyo
