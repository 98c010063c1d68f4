#pragma once

#include "core/ledger.hpp"
#include "core/value.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace connector::ledger {

/// One run as the ledger recorded it.
struct RunSummary {
    std::int64_t id = 0;
    Timestamp started_at;
    bool ended = false;
    Timestamp ended_at; ///< valid when `ended`
    /// "running", "success", "partial", "failed", "interrupted", or "crashed" (a later run found
    /// it still running: the process died). A run killed a moment ago shows "running" until the
    /// next run of its sync starts.
    std::string status;
    std::int64_t pid = 0;
    std::string host;
    bool full_resync = false;
    bool retry_failed = false;
    RunCounts counts;
};

/// How many records of a sync are in one state.
struct StateCount {
    std::string state; ///< "pending", "in_flight", "sent", "failed", "transient", "rejected"
    std::uint64_t count = 0;
};

/// Records that failed for one reason, with one of them as an example. Delivery failures
/// ("failed", "transient") count records in that state now; rejections ("rejected") count the
/// rows the latest run rejected, keyed or not.
struct FailureReason {
    std::string state; ///< "failed", "transient" or "rejected"
    std::string code;  ///< Klaviyo's or the mapper's code; empty when none was given
    std::uint64_t count = 0;
    std::string example_key; ///< empty for a row rejected before a key could be derived
    std::string example_message;
    std::uint64_t example_row = 0; ///< rejections only: the row number in the query result
    std::string example_column;    ///< rejections only: the column at fault, if one
};

/// A bulk job submitted and not finished yet.
struct OpenJob {
    std::string job_id;
    std::int64_t run_id = 0;
    Timestamp submitted_at;
    std::uint64_t records_waiting = 0; ///< records still in flight in this job
};

/// Everything `connector status` shows for one sync.
struct SyncStatus {
    std::string name;
    std::string target;                       ///< "klaviyo_profiles" / "klaviyo_events"
    std::vector<RunSummary> runs;             ///< newest first
    std::vector<StateCount> records_by_state; ///< all six states, in the order listed above
    std::uint64_t records_total = 0;
    std::vector<FailureReason> top_failures; ///< most common first
    std::vector<OpenJob> open_jobs;          ///< oldest first
};

/// The status of a ledger file.
struct StatusReport {
    std::string ledger_path;
    int schema_version = 0;
    std::vector<SyncStatus> syncs; ///< by name
};

/// Reads the status of `sync_name` (every sync when empty) with its last `last_runs` runs (all
/// when negative) and
/// its `max_reasons` most common failure reasons. Read-only: takes no lock and never writes, so
/// it works while a run is going on. Throws LedgerError when the file is missing, unreadable or
/// newer than this build, ConfigError when `sync_name` is not in the file (naming those that
/// are).
StatusReport read_status(const std::string &path,
                         const std::string &sync_name,
                         int last_runs,
                         int max_reasons = 10);

} // namespace connector::ledger
