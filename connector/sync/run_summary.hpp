#pragma once

#include "core/ledger.hpp"
#include "core/record.hpp"
#include "core/sink.hpp"
#include "core/value.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace connector::sync {

/// How a run ended, as far as the exit code is concerned. Errors that stop a run (warehouse,
/// Klaviyo key, ledger) are exceptions, not statuses.
enum class RunStatus {
    Success,     ///< everything read was sent, unchanged or skipped on purpose (exit 0)
    Partial,     ///< finished, but some rows were rejected or records failed (exit 5)
    Interrupted, ///< SIGINT/SIGTERM stopped it (exit 7)
};

/// "success", "partial", "interrupted".
const char *to_string(RunStatus status) noexcept;
/// 0, 5 or 7 (core/error.hpp exit_code).
int exit_code_for(RunStatus status) noexcept;

/// One example of a reason: which row or record, which column, what was wrong.
struct Example {
    std::uint64_t row_number = 0; ///< 0 when the record did not come from this run's query
    std::string key;              ///< the record key, when known
    std::string column;
    std::string message;
};

/// How often a reason occurred, with the first few examples.
struct ReasonCount {
    std::uint64_t count = 0;
    std::vector<Example> examples;
};

/// Reason code ("invalid_email", "http_503") -> count and examples, sorted by code.
using ReasonMap = std::map<std::string, ReasonCount>;

/// Wall-clock seconds spent in each phase of the run.
struct PhaseDurations {
    double read = 0;  ///< running the query and fetching rows
    double map = 0;   ///< rows to records
    double diff = 0;  ///< ledger diff
    double send = 0;  ///< sink: resumed jobs, queuing, leftovers and the final drain
    double total = 0; ///< begin_run to end_run
};

/// A record a dry run would have sent, as a sample of the plan.
struct PlannedRecord {
    Decision decision = Decision::New; ///< New, Changed or Retry
    std::uint64_t row_number = 0;      ///< 0 for a leftover from an earlier run
    std::string key;
    std::string profile; ///< JSON, as it would be sent
    std::string event;   ///< JSON, events only
};

/// Everything a run did, for the summary, the report and the exit code.
struct RunSummary {
    std::string sync_name;
    Target target = Target::Profiles;
    std::int64_t run_id = 0;
    bool dry_run = false;
    bool limited = false; ///< stopped reading at --limit rows
    Timestamp started_at;
    Timestamp last_success_started_at;
    RunStatus status = RunStatus::Success;

    RunCounts counts;
    ReasonMap rejected;         ///< rejected rows by reason
    ReasonMap warnings;         ///< non-fatal row warnings by code (e.g. "invalid_phone_dropped")
    ReasonCount duplicates;     ///< keys seen twice in this run (the later rows, not sent)
    ReasonCount skipped_failed; ///< failed before with the same data: not sent again
    ReasonMap failed;           ///< permanent failures by Klaviyo's code
    ReasonMap transient;        ///< records left for the next run, by code
    std::vector<std::string> gone_examples;
    std::uint64_t jobs_resumed = 0;  ///< bulk jobs from earlier runs followed in this run
    std::uint64_t open_jobs = 0;     ///< bulk jobs from earlier runs found at the start
    std::uint64_t notices = 0;       ///< sink notices logged
    std::uint64_t to_send = 0;       ///< records handed to the sink (or planned, in a dry run)
    std::vector<PlannedRecord> plan; ///< dry run: a few sample records per decision

    SinkStats sink;
    PhaseDurations seconds;

    /// 0, 5 or 7 (a limited run: 0, or 5 when it was partial).
    int exit_code() const noexcept { return exit_code_for(status); }
    /// What the ledger records and the log line, summary and report say: "success", "partial",
    /// "interrupted", or "limited" for a run that stopped at --limit and was not interrupted
    /// (it did not see the whole result, whatever else happened; the exit code tells that).
    const char *status_text() const noexcept;
};

} // namespace connector::sync
