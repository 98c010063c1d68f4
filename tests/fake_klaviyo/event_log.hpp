#pragma once

#include "json.hpp"

#include <Poco/Timestamp.h>

#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

namespace fake_klaviyo {

class ProfileStore;

/// One accepted event, tied to the profile it was recorded on.
struct StoredEvent {
    std::string id;
    std::string profile_id;
    std::string metric;
    std::string service;
    Json properties;
    Poco::Timestamp time;
    Json value; ///< null when not sent
    std::optional<std::string> value_currency;
    std::optional<std::string> unique_id; ///< as sent
    bool backfill = false;
    std::string endpoint; ///< "create_event" or "bulk_create_events"
    Poco::Timestamp received;
};

/// Accepted events with Klaviyo's de-duplication: a repeat of (profile, metric, unique_id) is
/// dropped (the first one wins); without a unique_id the key is the event time to the second.
/// Not thread-safe (Account locks around it).
class EventLog {
  public:
    /// Stores `e` unless it repeats an earlier event; returns false (and counts it) when dropped.
    bool add(StoredEvent e);
    std::size_t size() const { return events_.size(); }
    long long duplicates_dropped() const { return duplicates_; }
    void clear();

    /// The de-duplication key of an event.
    static std::string key(const std::string &profile_id,
                           const std::string &metric,
                           const std::optional<std::string> &unique_id,
                           const Poco::Timestamp &time);

    /// All events in arrival order, each with the current identifiers of its profile.
    Json state_all(const ProfileStore &profiles) const;

  private:
    std::vector<StoredEvent> events_;
    std::unordered_set<std::string> keys_;
    long long duplicates_ = 0;
};

} // namespace fake_klaviyo
