#pragma once

#include "ids.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>

#include <map>
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
    Poco::JSON::Object::Ptr attributes; ///< may be null
    Poco::JSON::Object::Ptr meta;       ///< may be null
};

/// One stored profile.
struct Profile {
    std::string id;
    std::map<std::string, std::string> identifiers;       ///< email, phone_number, external_id, ...
    std::map<std::string, Poco::Dynamic::Var> attributes; ///< first_name, ..., location (set only)
    std::map<std::string, Poco::Dynamic::Var> properties; ///< custom properties (set only)
    std::set<std::string> lists; ///< list ids from bulk-import relationships
    Poco::Timestamp created;
    Poco::Timestamp updated;
    long long writes = 0; ///< how many times it was created or updated
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

    /// The JSON:API profile resource, as profile-import returns it.
    Poco::JSON::Object::Ptr resource(const Profile &p, const std::string &base_url) const;
    /// The state view: {id, email, phone_number, external_id, anonymous_id, _kx, attributes,
    /// properties, lists, created, updated, writes}.
    static Poco::JSON::Object::Ptr state(const Profile &p);
    /// All profiles in creation order (state view).
    Poco::JSON::Array::Ptr state_all() const;

  private:
    static std::string index_key(const std::string &name, const std::string &value);
    void apply(Profile &p, const ProfileInput &input, const std::set<std::string> &skip);

    std::unordered_map<std::string, Profile> profiles_;
    std::vector<std::string> order_;
    std::unordered_map<std::string, std::string> index_; ///< index_key -> profile id
};

} // namespace fake_klaviyo
