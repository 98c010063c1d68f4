#pragma once

#include "profile_store.hpp"

#include <Poco/Timestamp.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace fake_klaviyo {

/// Why one profile of a bulk import job failed (an entry of its import-errors).
struct ImportFailure {
    std::string code = "invalid";
    std::string title = "Invalid input.";
    std::string detail;
    std::string pointer; ///< e.g. /data/attributes/profiles/data/17/attributes/email
};

/// What the fault plan decided for a job at submission: profiles to fail asynchronously and how
/// many profiles to leave out of total_count (silently not imported).
struct JobPlan {
    std::map<std::size_t, ImportFailure> failures; ///< by index in the submitted array
    std::size_t dropped = 0;                       ///< the last `dropped` profiles vanish
};

/// One profile bulk import job: queued -> processing -> complete after a delay, computed lazily
/// from the clock. Its profiles are applied to the store when it is first seen complete.
struct BulkJob {
    using Clock = std::chrono::steady_clock;

    std::string id;
    Poco::Timestamp created_at;
    Clock::time_point submitted;
    std::chrono::milliseconds delay{0};
    std::vector<ProfileInput> profiles; ///< released once applied
    std::vector<Json> originals;        ///< the submitted resources (released too)
    std::vector<std::string> list_ids;
    JobPlan plan;

    bool applied = false;
    std::size_t sent = 0;
    std::size_t imported = 0;
    std::map<std::size_t, ImportFailure> failures; ///< final, once applied
    std::map<std::size_t, Json> failed_payloads;
    std::vector<std::string> error_ids; ///< one per failure, in index order

    enum class Status { Queued, Processing, Complete };
    Status status(Clock::time_point now) const;
    /// Wall-clock time the job starts or started processing / completes or completed.
    Poco::Timestamp started_at() const;
    Poco::Timestamp completed_at() const;
    std::size_t total_count() const { return sent - plan.dropped; }

    /// The JSON:API job resource {"data":{"type":"profile-bulk-import-job",...}}.
    Json resource(Clock::time_point now, const std::string &base_url) const;
    /// The state view.
    Json state(Clock::time_point now) const;
};

const char *to_string(BulkJob::Status s);

} // namespace fake_klaviyo
