#pragma once

#include "core/ledger.hpp"
#include "core/sink.hpp"
#include "sync/run_observer.hpp"
#include "sync/run_summary.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace connector::sync {

/// Outcome counters of one run, as the recorder saw them. A record counts once, by its last
/// outcome in the run: one reported transient and then sent or failed in the same run (a bulk
/// job of an earlier run that Klaviyo no longer knows, whose records this run sends again) counts
/// as sent or failed only.
struct DeliveryTotals {
    std::uint64_t sent = 0;
    std::uint64_t failed = 0;
    std::uint64_t transient = 0;
    std::uint64_t jobs_finished = 0;
    std::uint64_t notices = 0;
    ReasonMap failed_by_reason;
    ReasonMap transient_by_reason;
};

/// The listener the sink talks to: writes every event to the ledger first (so it is durable),
/// then counts outcomes with a few examples per failure reason and logs notable ones. A ledger
/// error is rethrown to the sink and also kept, so the sync can raise it after the sink drained.
class DeliveryRecorder : public DeliveryListener {
  public:
    /// `observer` may be null.
    DeliveryRecorder(Ledger &ledger, RunObserver *observer, std::size_t max_examples);

    void on_in_flight(const std::vector<const Record *> &records) override;
    void on_job_submitted(const std::string &job_id, const std::vector<std::string> &keys) override;
    void on_job_finished(const std::string &job_id) override;
    void on_outcomes(const std::vector<RecordOutcome> &outcomes) override;
    void on_notice(const std::string &message) override;

    /// Clears the counters for a new run.
    void reset(std::size_t max_examples);

    /// Outcomes received so far (sent + failed + transient); lock-free, for progress.
    std::uint64_t done() const noexcept { return done_.load(); }
    /// Records accepted so far; lock-free, for progress.
    std::uint64_t sent() const noexcept { return sent_.load(); }
    /// A copy of the counters.
    DeliveryTotals totals() const;
    /// The first exception a ledger write threw inside a callback, or null.
    std::exception_ptr ledger_error() const;

  private:
    template <typename F> void guarded(F &&write);
    // A later outcome of a record counted transient: the transient count gives it back.
    void settle_transient(const RecordOutcome &outcome);
    void log(LogLevel level,
             const std::string &event,
             const std::string &message,
             std::vector<LogField> fields = {});

    Ledger &ledger_;
    RunObserver *observer_;
    std::size_t max_examples_;
    mutable std::mutex mutex_;
    DeliveryTotals totals_;
    // std::hash of the keys counted transient in this run -> their reason code, for a later
    // outcome of the same record to take back (up to max_tracked_transient keys: past that a
    // run is in an outage, and a record counted twice only overstates the transient count).
    std::unordered_map<std::size_t, std::string> transient_keys_;
    std::exception_ptr ledger_error_;
    std::atomic<std::uint64_t> done_{0};
    std::atomic<std::uint64_t> sent_{0};
};

} // namespace connector::sync
