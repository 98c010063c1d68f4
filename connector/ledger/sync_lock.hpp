#pragma once

#include <string>

namespace connector::ledger {

/// The run lock of one sync in one ledger file: an exclusive flock(2) on a lock file beside
/// the ledger ("<ledger>.<sync>.lock", mode 0600). The kernel drops it when the process dies,
/// even by SIGKILL, so a killed run never leaves a stale lock. The holder writes its pid, host
/// and start time into the file so that a refused run can name it.
class SyncLock {
  public:
    /// Takes the lock, waiting up to `wait_seconds` (0: fail at once). Throws
    /// LedgerLockedError naming the holder, LedgerError when the lock file cannot be opened, and
    /// InterruptedError when a stop is requested while waiting.
    SyncLock(const std::string &ledger_path, const std::string &sync_name, int wait_seconds);
    ~SyncLock();
    SyncLock(const SyncLock &) = delete;
    SyncLock &operator=(const SyncLock &) = delete;

    /// The lock file of `sync_name` beside `ledger_path` (the name is percent-encoded).
    static std::string lock_path(const std::string &ledger_path, const std::string &sync_name);

  private:
    int fd_ = -1;
};

} // namespace connector::ledger
