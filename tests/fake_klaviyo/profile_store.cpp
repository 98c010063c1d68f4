#include "profile_store.hpp"

#include "json_util.hpp"

#include <algorithm>
#include <cctype>

namespace fake_klaviyo {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

int identifier_slot(const std::string &name) {
    const auto &names = ProfileStore::identifier_names();
    auto it = std::find(names.begin(), names.end(), name);
    return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

bool hidden_attribute(const std::string &name) {
    return name == "properties" || name == "meta" || identifier_slot(name) >= 0;
}

// The values a patch applies: the elements of an array, or the value itself.
Json::Array patch_values(const Json &v) {
    return v.is_array() ? v.items() : Json::Array{v};
}

// The set (non-null) members of `from`, optionally leaving out the hidden attributes.
Json set_members(const Json &from, bool skip_hidden) {
    Json out = Json::object();
    for (const auto &kv : from.members()) {
        if (kv.second.is_null() || (skip_hidden && hidden_attribute(kv.first)))
            continue;
        out.add(kv.first, kv.second);
    }
    return out;
}

// `base` with the members of `update` applied: null removes, a value replaces.
Json merged(const Json &base, const Json &update) {
    Json out = set_members(base, false);
    for (const auto &kv : update.members()) {
        if (kv.second.is_null())
            out.remove(kv.first);
        else
            out.set(kv.first, kv.second);
    }
    return out;
}

} // namespace

const std::string *Profile::identifier(const std::string &name) const {
    const int slot = identifier_slot(name);
    if (slot < 0 || identifiers[static_cast<std::size_t>(slot)].empty())
        return nullptr;
    return &identifiers[static_cast<std::size_t>(slot)];
}

Json Profile::attribute_view() const {
    Json view = set_members(attributes, true);
    if (const Json *location = view.find("location"); location && location->is_object())
        view.set("location", set_members(*location, false));
    return view;
}

Json Profile::property_view() const {
    return set_members(properties, false);
}

const std::vector<std::string> &ProfileStore::identifier_names() {
    static const std::vector<std::string> names = {"external_id", "email", "phone_number",
                                                   "anonymous_id", "_kx"};
    return names;
}

std::string ProfileStore::index_value(std::size_t slot, const std::string &value) {
    // Emails match whatever their case, as Klaviyo's do.
    const bool email = identifier_names()[slot] == "email";
    if (!email ||
        std::none_of(value.begin(), value.end(), [](unsigned char c) { return std::isupper(c); }))
        return value;
    return lower(value);
}

std::optional<std::size_t> ProfileStore::lookup(std::size_t slot, const std::string &value) const {
    const Index &idx = indexes_[slot];
    auto it = idx.find(identifier_names()[slot] == "email" ? index_value(slot, value) : value);
    if (it == idx.end())
        return std::nullopt;
    return it->second;
}

const Profile *ProfileStore::find(const std::string &id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &profiles_[it->second];
}

const Profile *ProfileStore::find_by(const std::string &name, const std::string &value) const {
    const int slot = identifier_slot(name);
    if (slot < 0)
        return nullptr;
    auto pos = lookup(static_cast<std::size_t>(slot), value);
    return pos ? &profiles_[*pos] : nullptr;
}

void ProfileStore::clear() {
    profiles_.clear();
    by_id_.clear();
    for (auto &idx : indexes_)
        idx.clear();
}

ProfileStore::Result ProfileStore::upsert(const ProfileInput &input,
                                          const Poco::Timestamp &now,
                                          IdGenerator &ids,
                                          bool resolve_conflicts) {
    Result result;
    // Every profile the given identifiers already point at, in precedence order.
    std::vector<std::pair<std::size_t, std::size_t>> matches; // (identifier slot, position)
    for (std::size_t slot = 0; slot < identifier_names().size(); ++slot) {
        const Json &v = input.attributes[identifier_names()[slot]];
        if (!v.is_string() || v.as_string().empty())
            continue;
        if (auto pos = lookup(slot, v.as_string()))
            matches.emplace_back(slot, *pos);
    }
    std::optional<std::size_t> target;
    if (input.id && !input.id->empty()) {
        auto it = by_id_.find(*input.id);
        if (it == by_id_.end()) {
            result.outcome = Outcome::NotFound;
            return result;
        }
        target = it->second;
    } else if (!matches.empty()) {
        target = matches.front().second;
    }
    std::set<std::string> skip; // identifiers that belong to another profile
    for (const auto &m : matches) {
        if (m.second == *target)
            continue;
        if (!resolve_conflicts) {
            result.outcome = Outcome::Conflict;
            result.conflict_id = profiles_[m.second].id;
            result.conflict_key = identifier_names()[m.first];
            return result;
        }
        skip.insert(identifier_names()[m.first]);
    }
    const bool fresh = !target;
    if (fresh) {
        target = profiles_.size();
        profiles_.emplace_back();
        Profile &p = profiles_.back();
        p.id = ids.ulid();
        p.created = now;
        by_id_.emplace(p.id, *target);
        result.outcome = Outcome::Created;
    } else {
        result.outcome = Outcome::Updated;
    }
    Profile &p = profiles_[*target];
    apply(p, *target, input, skip, fresh);
    p.updated = now;
    ++p.writes;
    result.profile_id = p.id;
    return result;
}

void ProfileStore::apply(Profile &p,
                         std::size_t position,
                         const ProfileInput &input,
                         const std::set<std::string> &skip,
                         bool fresh) {
    bool other_attributes = false;
    for (const auto &kv : input.attributes.members()) {
        const std::string &name = kv.first;
        const int slot = identifier_slot(name);
        if (slot < 0) {
            other_attributes = other_attributes || (name != "properties" && name != "meta");
            continue;
        }
        if (skip.count(name))
            continue;
        const auto s = static_cast<std::size_t>(slot);
        std::string &current = p.identifiers[s];
        if (!current.empty())
            index(s).erase(current);
        if (!kv.second.is_string() || kv.second.as_string().empty()) {
            current.clear();
        } else {
            // Klaviyo keeps emails in lower case (index_value lowers them).
            current = index_value(s, kv.second.as_string());
            index(s)[current] = position;
        }
    }
    if (other_attributes) {
        if (fresh) {
            p.attributes = input.attributes; // shared as is: the view leaves out what is hidden
        } else {
            Json next = set_members(p.attributes, true);
            for (const auto &kv : input.attributes.members()) {
                if (hidden_attribute(kv.first))
                    continue;
                const Json *old_location = next.find("location");
                if (kv.second.is_null()) {
                    next.remove(kv.first);
                } else if (kv.first == "location" && kv.second.is_object() && old_location) {
                    Json loc = merged(*old_location, kv.second);
                    if (loc.size() == 0)
                        next.remove("location");
                    else
                        next.set("location", std::move(loc));
                } else {
                    next.set(kv.first, kv.second);
                }
            }
            p.attributes = std::move(next);
        }
    }
    if (const Json *props = input.attributes.find("properties")) {
        if (props->is_null())
            p.properties = Json();
        else if (props->is_object())
            p.properties = p.properties.is_object() ? merged(p.properties, *props) : *props;
    }
    const Json &patch = input.meta["patch_properties"];
    if (!patch.is_object())
        return;
    Json next = set_members(p.properties, false);
    for (const auto &kv : patch["append"].members()) {
        Json list = Json::array();
        if (const Json *current = next.find(kv.first)) {
            for (const auto &e : patch_values(*current))
                list.push(e);
        }
        for (const auto &e : patch_values(kv.second))
            list.push(e);
        next.set(kv.first, std::move(list));
    }
    for (const auto &kv : patch["unappend"].members()) {
        const Json *current = next.find(kv.first);
        if (!current)
            continue;
        const Json::Array drop = patch_values(kv.second);
        Json list = Json::array();
        for (const auto &e : patch_values(*current)) {
            if (std::find(drop.begin(), drop.end(), e) == drop.end())
                list.push(e);
        }
        next.set(kv.first, std::move(list));
    }
    for (const auto &key : patch_values(patch["unset"])) {
        if (key.is_string())
            next.remove(key.as_string());
    }
    p.properties = std::move(next);
}

void ProfileStore::add_to_list(const std::string &profile_id, const std::string &list_id) {
    auto it = by_id_.find(profile_id);
    if (it != by_id_.end())
        profiles_[it->second].lists.insert(list_id);
}

Json ProfileStore::resource(const Profile &p, const std::string &base_url) {
    const Json view = p.attribute_view();
    Json attrs = Json::object();
    for (const char *name : {"email", "phone_number", "external_id"}) {
        const std::string *v = p.identifier(name);
        attrs.add(name, v ? Json(*v) : Json());
    }
    for (const char *name : {"first_name", "last_name", "organization", "locale", "title", "image"})
        attrs.add(name, view[name]);
    attrs.add("created", iso_time(p.created));
    attrs.add("updated", iso_time(p.updated));
    attrs.add("last_event_date", Json());
    Json location = Json::object();
    for (const char *name : {"address1", "address2", "city", "country", "latitude", "longitude",
                             "region", "zip", "timezone", "ip"})
        location.add(name, view["location"][name]);
    attrs.add("location", std::move(location));
    attrs.add("properties", p.property_view());
    Json links = Json::object();
    links.add("self", base_url + "/api/profiles/" + p.id + "/");
    Json data = Json::object();
    data.add("type", "profile");
    data.add("id", p.id);
    data.add("attributes", std::move(attrs));
    data.add("links", std::move(links));
    Json doc = Json::object();
    doc.add("data", std::move(data));
    return doc;
}

Json ProfileStore::state(const Profile &p) {
    Json obj = Json::object();
    obj.add("id", p.id);
    for (const auto &name : identifier_names()) {
        const std::string *v = p.identifier(name);
        obj.add(name, v ? Json(*v) : Json());
    }
    obj.add("attributes", p.attribute_view());
    obj.add("properties", p.property_view());
    Json lists = Json::array();
    for (const auto &l : p.lists)
        lists.push(l);
    obj.add("lists", std::move(lists));
    obj.add("created", iso_time(p.created));
    obj.add("updated", iso_time(p.updated));
    obj.add("writes", p.writes);
    return obj;
}

Json ProfileStore::state_all() const {
    Json arr = Json::array();
    for (const auto &p : profiles_)
        arr.push(state(p));
    return arr;
}

} // namespace fake_klaviyo
