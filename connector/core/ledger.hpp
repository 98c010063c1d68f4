#pragma once

#include "record.hpp"
#include "sink.hpp"
#include "value.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace connector {

/// What the ledger says to do with a freshly mapped record.
enum class Decision {
    New,        ///< never seen: send
    Changed,    ///< seen with another payload hash: send
    Retry,      ///< pending, in flight or transient from an earlier run, or failed and
                ///< `--retry-failed`/`--full-resync`: send
    Unchanged,  ///< already sent with the same hash (an event: sent once, ever): skip
    SkipFailed, ///< failed permanently with the same hash: skip until it changes
    Duplicate,  ///< the same key was already seen in this run: report, do not send
};

/// True for New, Changed and Retry.
bool should_send(Decision d) noexcept;
/// "new", "changed", "retry", "unchanged", "skip_failed", "duplicate".
const char *to_string(Decision d) noexcept;

/// How a run treats the ledger.
struct RunOptions {
    Target target = Target::Profiles;
    bool full_resync = false;  ///< every record is sent again (Duplicate still applies)
    bool retry_failed = false; ///< permanent failures are sent again even when unchanged
    bool dry_run = false;      ///< diff as usual, but nothing written survives the run
    Timestamp started_at;
};

/// What begin_run returns.
struct RunStart {
    std::int64_t run_id = 0;
    Timestamp last_success_started_at; ///< the Unix epoch when the sync never succeeded
};

/// Per-run counters, stored with the run and shown by `connector status`.
struct RunCounts {
    std::uint64_t rows_read = 0;
    std::uint64_t rejected = 0;
    std::uint64_t duplicates = 0;
    std::uint64_t unchanged = 0;
    std::uint64_t skipped_failed = 0;
    std::uint64_t new_records = 0;
    std::uint64_t changed = 0;
    std::uint64_t retried = 0; ///< sent again: leftovers from earlier runs and Retry decisions
    std::uint64_t sent = 0;
    std::uint64_t failed = 0;
    std::uint64_t transient = 0;
    std::uint64_t gone = 0;
};

/// How many rejections a ledger buffers at most before writing them (see record_rejection).
inline constexpr std::size_t max_buffered_rejections = 4096;

/// The state of one sync (the ledger port). One instance serves one sync (name + target) and
/// holds its lock for its lifetime. The DeliveryListener half records what the sink reports.
/// Every method throws LedgerError when the file cannot be read or written.
class Ledger : public DeliveryListener {
  public:
    /// Starts a run: records it and returns its id and the start of the last successful run.
    virtual RunStart begin_run(const RunOptions &options) = 0;
    /// Bulk profile jobs submitted by earlier runs and not finished yet.
    virtual std::vector<std::string> open_jobs() = 0;
    /// Keys of the records waiting for a job.
    virtual std::vector<std::string> job_keys(const std::string &job_id) = 0;
    /// Decides for each record of a batch (same order) and marks them seen in this run.
    /// A batch is written in one transaction.
    virtual std::vector<Decision> diff(const std::vector<Record> &batch) = 0;
    /// Records a rejected row (state "rejected" when the rejection has a key). Buffered: the
    /// next diff applies the buffered rejections between its records by row number, so the first
    /// row with a key wins whether it was rejected or not. Once max_buffered_rejections are
    /// buffered they are written as they stand, so a caller holding records back in a batch
    /// diffs that batch before that many rejections pile up (a diff of no records writes them).
    virtual void record_rejection(const Rejection &rejection) = 0;
    /// Calls `fn` for every record left pending, in flight or transient by an earlier run and
    /// not seen in this run, with the payload stored when it was first sent. Streams: never
    /// loads them all.
    virtual void for_each_leftover(const std::function<void(const Record &)> &fn) = 0;
    /// Counts records that the last successful run saw and this run did not, and fills up to
    /// `max_examples` of their keys.
    virtual std::uint64_t gone(std::vector<std::string> &examples, std::size_t max_examples) = 0;
    /// Ends the run with a status ("success", "partial", "failed", "interrupted", or "limited" for
    /// a --limit run, which does not move last_success_started_at) and counts.
    /// In a dry run this discards everything the run wrote.
    virtual void end_run(const std::string &status, const RunCounts &counts) = 0;
    /// Records outcomes as on_outcomes does and says, for each, whether it was set aside: an
    /// outcome of an earlier run's bulk job for a record this run has since sent again with new
    /// data, which is about the old version and changes nothing. The caller counts the others.
    virtual std::vector<bool> record_outcomes(const std::vector<RecordOutcome> &outcomes) = 0;
};

} // namespace connector
