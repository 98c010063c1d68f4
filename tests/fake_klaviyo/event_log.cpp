#include "event_log.hpp"

#include "json_util.hpp"
#include "profile_store.hpp"

namespace fake_klaviyo {

std::string EventLog::key(const std::string &profile_id,
                          const std::string &metric,
                          const std::optional<std::string> &unique_id,
                          const Poco::Timestamp &time) {
    const std::string uid = unique_id ? "u:" + *unique_id : "t:" + std::to_string(time.epochTime());
    return profile_id + '\x1f' + metric + '\x1f' + uid;
}

bool EventLog::add(StoredEvent e) {
    if (!keys_.insert(key(e.profile_id, e.metric, e.unique_id, e.time)).second) {
        ++duplicates_;
        return false;
    }
    events_.push_back(std::move(e));
    return true;
}

void EventLog::clear() {
    events_.clear();
    keys_.clear();
    duplicates_ = 0;
}

Poco::JSON::Array::Ptr EventLog::state_all(const ProfileStore &profiles) const {
    auto arr = new_array();
    for (const auto &e : events_) {
        auto obj = new_object();
        obj->set("id", e.id);
        obj->set("metric", e.metric);
        obj->set("service", e.service);
        obj->set("profile_id", e.profile_id);
        auto profile = new_object();
        const Profile *p = profiles.find(e.profile_id);
        for (const char *name : {"email", "phone_number", "external_id"}) {
            Poco::Dynamic::Var v;
            if (p) {
                auto it = p->identifiers.find(name);
                if (it != p->identifiers.end())
                    v = it->second;
            }
            profile->set(name, v);
        }
        obj->set("profile", profile);
        obj->set("properties", e.properties ? e.properties : new_object());
        obj->set("time", iso_time(e.time));
        obj->set("value", e.value);
        obj->set("value_currency",
                 e.value_currency ? Poco::Dynamic::Var(*e.value_currency) : Poco::Dynamic::Var());
        obj->set("unique_id",
                 e.unique_id ? Poco::Dynamic::Var(*e.unique_id) : Poco::Dynamic::Var());
        obj->set("backfill", e.backfill);
        obj->set("endpoint", e.endpoint);
        obj->set("received", iso_time(e.received));
        arr->add(obj);
    }
    return arr;
}

} // namespace fake_klaviyo
