#pragma once

#include "core/record.hpp"
#include "core/sink.hpp"

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

namespace connector::test {

/// A DeliveryListener that remembers everything and fails the test if two calls overlap or a
/// record gets two final outcomes.
class RecordingListener : public DeliveryListener {
  public:
    /// Called at on_in_flight time, e.g. to read how many requests the server has seen.
    std::function<void()> on_in_flight_hook;

    void on_in_flight(const std::vector<const Record *> &records) override {
        Guard g(*this);
        if (on_in_flight_hook)
            on_in_flight_hook();
        std::vector<std::string> keys;
        for (const Record *r : records)
            keys.push_back(r->key);
        in_flight.push_back(keys);
    }
    void on_job_submitted(const std::string &job_id,
                          const std::vector<std::string> &keys) override {
        Guard g(*this);
        submitted[job_id] = keys;
    }
    void on_job_finished(const std::string &job_id) override {
        Guard g(*this);
        finished.push_back(job_id);
    }
    void on_outcomes(const std::vector<RecordOutcome> &list) override {
        Guard g(*this);
        for (const auto &o : list) {
            if (outcomes.count(o.key))
                duplicates.push_back(o.key);
            outcomes[o.key] = o;
        }
        ++outcome_calls;
    }
    void on_notice(const std::string &message) override {
        Guard g(*this);
        notices.push_back(message);
    }

    std::size_t count(Outcome o) const {
        std::size_t n = 0;
        for (const auto &[key, outcome] : outcomes)
            n += outcome.outcome == o ? 1 : 0;
        return n;
    }
    bool has_notice(const std::string &part) const {
        for (const auto &n : notices)
            if (n.find(part) != std::string::npos)
                return true;
        return false;
    }

    std::vector<std::vector<std::string>> in_flight;
    std::map<std::string, std::vector<std::string>> submitted;
    std::vector<std::string> finished;
    std::map<std::string, RecordOutcome> outcomes;
    std::vector<std::string> duplicates; ///< keys reported twice (must stay empty)
    std::vector<std::string> notices;
    std::size_t outcome_calls = 0;
    std::atomic<int> overlaps{0};

  private:
    struct Guard {
        explicit Guard(RecordingListener &l) : l_(l) {
            if (l_.busy_.exchange(true))
                ++l_.overlaps;
        }
        ~Guard() { l_.busy_.store(false); }
        RecordingListener &l_;
    };
    std::atomic<bool> busy_{false};
};

/// A profile record keyed by email, as the mapper makes it.
inline Record profile_record(const std::string &email, const std::string &extra = "") {
    Record r;
    r.key = "email:" + email;
    r.profile = R"({"type":"profile","attributes":{"email":")" + email + R"(")" +
                (extra.empty() ? "" : "," + extra) + "}}";
    return r;
}

/// An event record for `email` with unique_id `id`.
inline Record event_record(const std::string &email,
                           const std::string &id,
                           const std::string &metric = "Placed Order") {
    Record r;
    r.key = id;
    r.profile = R"({"type":"profile","attributes":{"email":")" + email + R"("}})";
    r.event = R"({"type":"event","attributes":{"properties":{"order_id":")" + id +
              R"("},"metric":{"data":{"type":"metric","attributes":{"name":")" + metric +
              R"("}}},"time":"2026-04-30T17:05:09Z","unique_id":")" + id + R"("}})";
    return r;
}

} // namespace connector::test
