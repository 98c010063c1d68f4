#include "statement_watch.hpp"

#include "core/interrupt.hpp"

#include <sqlext.h>

namespace connector::warehouse::detail {

namespace {

// How often the stop flag and the clock are looked at.
constexpr std::chrono::milliseconds poll{50};

} // namespace

StatementWatch::StatementWatch(SQLHSTMT statement, int timeout_seconds)
    : statement_(statement),
      deadline_(std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds)),
      has_deadline_(timeout_seconds > 0) {
    thread_ = std::thread([this] { watch(); });
}

StatementWatch::~StatementWatch() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        done_ = true;
    }
    done_cv_.notify_all();
    thread_.join();
}

void StatementWatch::watch() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!done_cv_.wait_for(lock, poll, [this] { return done_; })) {
        const bool stop = stop_requested();
        const bool late =
            has_deadline_ && !first_row_ && std::chrono::steady_clock::now() >= deadline_;
        if (!stop && !late)
            continue;
        (stop ? stopped_ : timed_out_) = true;
        // ODBC lets another thread cancel a statement that is executing or fetching; the call
        // in progress then fails (SQLite: "interrupted", PostgreSQL: 57014).
        SQLCancel(statement_);
        return;
    }
}

} // namespace connector::warehouse::detail
