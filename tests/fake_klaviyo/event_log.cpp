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

Json EventLog::state_all(const ProfileStore &profiles) const {
    Json arr = Json::array();
    for (const auto &e : events_) {
        Json profile = Json::object();
        const Profile *p = profiles.find(e.profile_id);
        for (const char *name : {"email", "phone_number", "external_id"}) {
            const std::string *v = p ? p->identifier(name) : nullptr;
            profile.add(name, v ? Json(*v) : Json());
        }
        Json obj = Json::object();
        obj.add("id", e.id);
        obj.add("metric", e.metric);
        obj.add("service", e.service);
        obj.add("profile_id", e.profile_id);
        obj.add("profile", std::move(profile));
        obj.add("properties", e.properties.is_object() ? e.properties : Json::object());
        obj.add("time", iso_time(e.time));
        obj.add("value", e.value);
        obj.add("value_currency", e.value_currency ? Json(*e.value_currency) : Json());
        obj.add("unique_id", e.unique_id ? Json(*e.unique_id) : Json());
        obj.add("backfill", e.backfill);
        obj.add("endpoint", e.endpoint);
        obj.add("received", iso_time(e.received));
        arr.push(std::move(obj));
    }
    return arr;
}

} // namespace fake_klaviyo
