#pragma once

#include "core/ledger.hpp"
#include "defaults.hpp"

#include <memory>
#include <string>

namespace connector::ledger {

/// How the ledger is opened.
struct OpenOptions {
    int wait_lock_seconds = 0; ///< how long to wait for another run of the sync (0: fail at once)
};

/// The ledger port on a SQLite file: what was sent, what failed, what is in flight, per sync.
/// One instance serves one sync of one file and holds that sync's run lock for its lifetime.
/// Thread-safe: the DeliveryListener half may be called from the sink's threads while the run
/// diffs. Every method throws LedgerError when the file cannot be read or written.
class SqliteLedger : public connector::Ledger {
  public:
    /// Opens or creates the file (mode 0600, parent directories 0700, WAL), migrates its
    /// schema forward and takes the run lock of `sync_name`. Throws LedgerError when the file
    /// is not a ledger, is newer than this build, or `sync_name` exists for another target;
    /// LedgerLockedError naming the holder when another run of the sync keeps the lock past
    /// `options.wait_lock_seconds`.
    SqliteLedger(const std::string &path,
                 const std::string &sync_name,
                 connector::Target target,
                 OpenOptions options = {});
    /// Closes the file and releases the lock. A run still open is recorded as "failed".
    ~SqliteLedger() override;
    SqliteLedger(const SqliteLedger &) = delete;
    SqliteLedger &operator=(const SqliteLedger &) = delete;

    /// Records the run (marking runs this sync left "running" as "crashed"). In a dry run
    /// nothing is written and run_id is 0.
    RunStart begin_run(const RunOptions &options) override;
    std::vector<std::string> open_jobs() override;
    std::vector<std::string> job_keys(const std::string &job_id) override;
    std::vector<Decision> diff(const std::vector<Record> &batch) override;
    void record_rejection(const Rejection &rejection) override;
    void for_each_leftover(const std::function<void(const Record &)> &fn) override;
    std::uint64_t gone(std::vector<std::string> &examples, std::size_t max_examples) override;
    void end_run(const std::string &status, const RunCounts &counts) override;

    /// Marks records in flight, committed before it returns (one transaction per call).
    void on_in_flight(const std::vector<const Record *> &records) override;
    void on_job_submitted(const std::string &job_id, const std::vector<std::string> &keys) override;
    void on_job_finished(const std::string &job_id) override;
    void on_outcomes(const std::vector<RecordOutcome> &outcomes) override;
    std::vector<bool> record_outcomes(const std::vector<RecordOutcome> &outcomes) override;
    /// Notices are the sync's to log; the ledger keeps none.
    void on_notice(const std::string &message) override;

    const std::string &path() const noexcept;
    const std::string &sync_name() const noexcept;

  private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace connector::ledger
