#pragma once

#include "core/ledger.hpp"
#include "core/record.hpp"
#include "core/row_source.hpp"
#include "core/sink.hpp"
#include "sync/delivery_recorder.hpp"
#include "sync/run_observer.hpp"
#include "sync/run_summary.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace connector::sync {

/// Creates the row source once the query parameters are known (the query binds them).
using SourceFactory = std::function<std::unique_ptr<RowSource>(const QueryParams &)>;
/// Creates the mapper for the result's columns.
using MapperFactory = std::function<std::unique_ptr<Mapper>(const std::vector<Column> &)>;
/// Creates the sink; it reports every record's life to `listener` (the sync's recorder).
/// Not called in a dry run.
using SinkFactory = std::function<std::unique_ptr<Sink>(DeliveryListener &listener)>;

/// The concrete stages of one run, created by the CLI (the only wiring point).
struct Stages {
    Ledger *ledger = nullptr; ///< required; outlives the Sync
    SourceFactory source;
    MapperFactory mapper;
    SinkFactory sink;
    RunObserver *observer = nullptr; ///< optional log sink
};

/// What one run does.
struct SyncConfig {
    std::string sync_name; ///< for the summary and the log
    Target target = Target::Profiles;
    bool full_resync = false;
    bool retry_failed = false;
    bool dry_run = false;
    std::uint64_t limit = 0;        ///< read at most this many rows; 0 = all
    std::size_t batch_size = 1000;  ///< records per ledger diff transaction
    std::size_t max_examples = 5;   ///< examples kept per reason
    std::size_t plan_samples = 3;   ///< dry run: sample payloads kept per decision
    std::function<Timestamp()> now; ///< the run's start time; the system clock when empty
};

/// A snapshot of a run in progress, for the progress line. Safe to take from any thread.
struct Progress {
    enum class Phase { Starting, Resuming, Reading, Leftovers, Finishing, Done };
    Phase phase = Phase::Starting;
    std::uint64_t rows_read = 0;
    std::uint64_t to_send = 0; ///< records handed to the sink so far
    std::uint64_t done = 0;    ///< outcomes received (sent + failed + transient)
    std::uint64_t sent = 0;
    double seconds = 0;      ///< since the run started
    double send_seconds = 0; ///< since the first record was handed to the sink
};

/// "starting", "resuming jobs", "reading", "resending leftovers", "finishing", "done".
const char *to_string(Progress::Phase phase) noexcept;

/// One run of a sync: begin the run in the ledger, finish bulk jobs left open by an earlier run,
/// run the query with its parameters, map rows, diff them against the ledger in batches, send
/// what is new or changed, resend what earlier runs left unfinished, drain the sink, count what
/// is gone, end the run. Every record's outcome goes to the ledger as it happens.
class Sync {
  public:
    /// Throws std::invalid_argument when `stages` lacks the ledger or a factory.
    explicit Sync(Stages stages);
    Sync(const Sync &) = delete;
    Sync &operator=(const Sync &) = delete;
    ~Sync();

    /// Runs once. Returns the summary for success, partial and interrupted runs. Throws what the
    /// stages throw (ConfigError, SourceError, AuthError, LedgerError, LedgerLockedError...)
    /// after ending the run as "failed" in the ledger when it had begun.
    RunSummary run(const SyncConfig &config);

    /// What the run has done so far; callable from another thread while run() works.
    Progress progress() const noexcept;

    /// The summary of the last run() as far as it got, also when it threw (for the report).
    const RunSummary &last_summary() const noexcept { return last_summary_; }

  private:
    class Run;

    Stages stages_;
    DeliveryRecorder recorder_;
    RunSummary last_summary_;
    std::atomic<int> phase_{0};
    std::atomic<std::uint64_t> rows_read_{0};
    std::atomic<std::uint64_t> to_send_{0};
    std::atomic<std::int64_t> started_ns_{0};
    std::atomic<std::int64_t> send_started_ns_{0};
};

} // namespace connector::sync
