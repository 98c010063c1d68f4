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

bool is_identifier(const std::string &name) {
    const auto &names = ProfileStore::identifier_names();
    return std::find(names.begin(), names.end(), name) != names.end();
}

// The values a patch applies: the elements of an array, or the value itself.
std::vector<Poco::Dynamic::Var> patch_values(const Poco::Dynamic::Var &v) {
    std::vector<Poco::Dynamic::Var> out;
    if (auto arr = as_array(v)) {
        for (const auto &e : *arr)
            out.push_back(e);
    } else {
        out.push_back(v);
    }
    return out;
}

void merge_fields(std::map<std::string, Poco::Dynamic::Var> &into, const Poco::JSON::Object &from) {
    for (const auto &kv : from) {
        if (kv.second.isEmpty())
            into.erase(kv.first);
        else
            into[kv.first] = kv.second;
    }
}

Poco::JSON::Object::Ptr to_object(const std::map<std::string, Poco::Dynamic::Var> &fields) {
    auto obj = new_object();
    for (const auto &kv : fields)
        obj->set(kv.first, kv.second);
    return obj;
}

} // namespace

const std::vector<std::string> &ProfileStore::identifier_names() {
    static const std::vector<std::string> names = {"external_id", "email", "phone_number",
                                                   "anonymous_id", "_kx"};
    return names;
}

std::string ProfileStore::index_key(const std::string &name, const std::string &value) {
    // Emails match whatever their case, as Klaviyo's do.
    return name + '\x1f' + (name == "email" ? lower(value) : value);
}

const Profile *ProfileStore::find(const std::string &id) const {
    auto it = profiles_.find(id);
    return it == profiles_.end() ? nullptr : &it->second;
}

const Profile *ProfileStore::find_by(const std::string &name, const std::string &value) const {
    auto it = index_.find(index_key(name, value));
    return it == index_.end() ? nullptr : find(it->second);
}

void ProfileStore::clear() {
    profiles_.clear();
    order_.clear();
    index_.clear();
}

ProfileStore::Result ProfileStore::upsert(const ProfileInput &input,
                                          const Poco::Timestamp &now,
                                          IdGenerator &ids,
                                          bool resolve_conflicts) {
    Result result;
    // Every profile the given identifiers already point at, in precedence order.
    std::vector<std::pair<std::string, std::string>> matches; // (identifier name, profile id)
    for (const auto &name : identifier_names()) {
        auto value = member_string(input.attributes, name);
        if (!value || value->empty())
            continue;
        auto it = index_.find(index_key(name, *value));
        if (it != index_.end())
            matches.emplace_back(name, it->second);
    }
    std::string target;
    if (input.id && !input.id->empty()) {
        if (!profiles_.count(*input.id)) {
            result.outcome = Outcome::NotFound;
            return result;
        }
        target = *input.id;
    } else if (!matches.empty()) {
        target = matches.front().second;
    }
    std::set<std::string> skip; // identifiers that belong to another profile
    for (const auto &m : matches) {
        if (m.second == target)
            continue;
        if (!resolve_conflicts) {
            result.outcome = Outcome::Conflict;
            result.conflict_id = m.second;
            result.conflict_key = m.first;
            return result;
        }
        skip.insert(m.first);
    }
    if (target.empty()) {
        target = ids.ulid();
        Profile p;
        p.id = target;
        p.created = now;
        profiles_.emplace(target, std::move(p));
        order_.push_back(target);
        result.outcome = Outcome::Created;
    } else {
        result.outcome = Outcome::Updated;
    }
    Profile &p = profiles_.at(target);
    apply(p, input, skip);
    p.updated = now;
    ++p.writes;
    result.profile_id = target;
    return result;
}

void ProfileStore::apply(Profile &p, const ProfileInput &input, const std::set<std::string> &skip) {
    if (input.attributes) {
        for (const auto &kv : *input.attributes) {
            const std::string &name = kv.first;
            const Poco::Dynamic::Var &v = kv.second;
            if (is_identifier(name)) {
                if (skip.count(name))
                    continue;
                auto old = p.identifiers.find(name);
                if (old != p.identifiers.end())
                    index_.erase(index_key(name, old->second));
                if (v.isEmpty() || v.extract<std::string>().empty()) {
                    p.identifiers.erase(name);
                } else {
                    // Klaviyo keeps emails in lower case.
                    const std::string value = name == "email" ? lower(v.extract<std::string>())
                                                              : v.extract<std::string>();
                    p.identifiers[name] = value;
                    index_[index_key(name, value)] = p.id;
                }
            } else if (name == "properties") {
                if (v.isEmpty())
                    p.properties.clear();
                else if (auto props = as_object(v))
                    merge_fields(p.properties, *props);
            } else if (name == "location") {
                auto loc = as_object(v);
                if (!loc) {
                    p.attributes.erase(name);
                    continue;
                }
                std::map<std::string, Poco::Dynamic::Var> fields;
                if (auto current = p.attributes.find(name); current != p.attributes.end()) {
                    for (const auto &f : *as_object(current->second))
                        fields[f.first] = f.second;
                }
                merge_fields(fields, *loc);
                if (fields.empty())
                    p.attributes.erase(name);
                else
                    p.attributes[name] = to_object(fields);
            } else if (name == "meta") {
                continue; // event profiles carry meta inside attributes; the caller passes it
            } else if (v.isEmpty()) {
                p.attributes.erase(name);
            } else {
                p.attributes[name] = v;
            }
        }
    }
    auto patch = member_object(input.meta, "patch_properties");
    if (!patch)
        return;
    if (auto append = member_object(patch, "append")) {
        for (const auto &kv : *append) {
            auto list = new_array();
            auto current = p.properties.find(kv.first);
            if (current != p.properties.end()) {
                for (const auto &e : patch_values(current->second))
                    list->add(e);
            }
            for (const auto &e : patch_values(kv.second))
                list->add(e);
            p.properties[kv.first] = list;
        }
    }
    if (auto unappend = member_object(patch, "unappend")) {
        for (const auto &kv : *unappend) {
            auto current = p.properties.find(kv.first);
            if (current == p.properties.end())
                continue;
            std::set<std::string> drop;
            for (const auto &e : patch_values(kv.second))
                drop.insert(to_json(e));
            auto list = new_array();
            for (const auto &e : patch_values(current->second)) {
                if (!drop.count(to_json(e)))
                    list->add(e);
            }
            p.properties[kv.first] = list;
        }
    }
    if (patch->has("unset")) {
        for (const auto &key : patch_values(patch->get("unset"))) {
            if (key.isString())
                p.properties.erase(key.extract<std::string>());
        }
    }
}

void ProfileStore::add_to_list(const std::string &profile_id, const std::string &list_id) {
    auto it = profiles_.find(profile_id);
    if (it != profiles_.end())
        it->second.lists.insert(list_id);
}

Poco::JSON::Object::Ptr ProfileStore::resource(const Profile &p,
                                               const std::string &base_url) const {
    auto attrs = new_object();
    auto ident = [&](const std::string &name) {
        auto it = p.identifiers.find(name);
        attrs->set(name, it == p.identifiers.end() ? Poco::Dynamic::Var()
                                                   : Poco::Dynamic::Var(it->second));
    };
    auto attr = [&](const std::string &name) {
        auto it = p.attributes.find(name);
        attrs->set(name, it == p.attributes.end() ? Poco::Dynamic::Var() : it->second);
    };
    ident("email");
    ident("phone_number");
    ident("external_id");
    for (const char *name : {"first_name", "last_name", "organization", "locale", "title", "image"})
        attr(name);
    attrs->set("created", iso_time(p.created));
    attrs->set("updated", iso_time(p.updated));
    attrs->set("last_event_date", Poco::Dynamic::Var());
    auto location = new_object();
    Poco::JSON::Object::Ptr stored;
    if (auto it = p.attributes.find("location"); it != p.attributes.end())
        stored = as_object(it->second);
    for (const char *name : {"address1", "address2", "city", "country", "latitude", "longitude",
                             "region", "zip", "timezone", "ip"})
        location->set(name, stored && stored->has(name) ? stored->get(name) : Poco::Dynamic::Var());
    attrs->set("location", location);
    attrs->set("properties", to_object(p.properties));
    auto data = new_object();
    data->set("type", "profile");
    data->set("id", p.id);
    data->set("attributes", attrs);
    auto links = new_object();
    links->set("self", base_url + "/api/profiles/" + p.id + "/");
    data->set("links", links);
    auto doc = new_object();
    doc->set("data", data);
    return doc;
}

Poco::JSON::Object::Ptr ProfileStore::state(const Profile &p) {
    auto obj = new_object();
    obj->set("id", p.id);
    for (const auto &name : identifier_names()) {
        auto it = p.identifiers.find(name);
        obj->set(name,
                 it == p.identifiers.end() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(it->second));
    }
    obj->set("attributes", to_object(p.attributes));
    obj->set("properties", to_object(p.properties));
    auto lists = new_array();
    for (const auto &l : p.lists)
        lists->add(l);
    obj->set("lists", lists);
    obj->set("created", iso_time(p.created));
    obj->set("updated", iso_time(p.updated));
    obj->set("writes", p.writes);
    return obj;
}

Poco::JSON::Array::Ptr ProfileStore::state_all() const {
    auto arr = new_array();
    for (const auto &id : order_)
        arr->add(state(profiles_.at(id)));
    return arr;
}

} // namespace fake_klaviyo
