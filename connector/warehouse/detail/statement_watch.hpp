#pragma once

#include <sql.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

// Internal to the warehouse module.
namespace connector::warehouse::detail {

/// Cancels a running statement (SQLCancel, from a thread of its own) when the run is asked to
/// stop (core/interrupt.hpp), and, for drivers that ignore SQL_ATTR_QUERY_TIMEOUT, when the
/// query has not returned its first row within the timeout. Without it a query stuck in the
/// driver (SQLite's step, a long PostgreSQL statement) would keep the run past a SIGINT.
/// The statement handle must outlive the watch.
class StatementWatch {
  public:
    /// `timeout_seconds` 0: no timeout of our own.
    StatementWatch(SQLHSTMT statement, int timeout_seconds);
    StatementWatch(const StatementWatch &) = delete;
    StatementWatch &operator=(const StatementWatch &) = delete;
    ~StatementWatch();

    /// The first row (or the end) arrived: the timeout no longer applies.
    void first_row() noexcept { first_row_ = true; }
    /// Whether the watch cancelled the statement, and why.
    bool cancelled_for_stop() const noexcept { return stopped_; }
    bool timed_out() const noexcept { return timed_out_; }

  private:
    void watch();

    SQLHSTMT statement_;
    std::chrono::steady_clock::time_point deadline_;
    bool has_deadline_;
    std::atomic<bool> first_row_{false};
    std::atomic<bool> stopped_{false};
    std::atomic<bool> timed_out_{false};
    std::mutex mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;
    std::thread thread_; // last: starts once the rest is set
};

} // namespace connector::warehouse::detail
