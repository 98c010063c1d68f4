#include "mapped_rows.hpp"

#include "core/interrupt.hpp"

#include <algorithm>
#include <chrono>
#include <utility>

namespace connector::sync {

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

} // namespace

MappedRows::MappedRows(RowSource &source, Mapper &mapper, Options options)
    : source_(source), mapper_(mapper), options_(options) {
    options_.chunk_size = std::max<std::size_t>(options_.chunk_size, 1);
    options_.max_chunks = std::max<std::size_t>(options_.max_chunks, 1);
    thread_ = std::thread([this] { work(); });
}

MappedRows::~MappedRows() {
    stop();
}

void MappedRows::stop() noexcept {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        cancelled_ = true;
    }
    changed_.notify_all();
    if (thread_.joinable())
        thread_.join();
}

bool MappedRows::next(std::vector<MapResult> &chunk) {
    chunk.clear();
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !ready_.empty() || done_; });
    if (!ready_.empty()) {
        chunk = std::move(ready_.front());
        ready_.pop_front();
        lock.unlock();
        changed_.notify_all(); // room for the thread's next chunk
        return true;
    }
    if (error_)
        std::rethrow_exception(error_);
    return false;
}

bool MappedRows::push(std::vector<MapResult> &chunk) {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return ready_.size() < options_.max_chunks || cancelled_; });
    if (cancelled_)
        return false;
    ready_.push_back(std::move(chunk));
    lock.unlock();
    changed_.notify_all();
    chunk = {};
    chunk.reserve(options_.chunk_size);
    return true;
}

void MappedRows::work() noexcept {
    std::exception_ptr error;
    std::vector<MapResult> chunk;
    try {
        chunk.reserve(options_.chunk_size);
        Row row;
        std::uint64_t rows = 0;
        while (!stop_requested()) {
            if (options_.limit != 0 && rows == options_.limit) {
                // One row more tells whether the limit cut the result short.
                const Clock::time_point start = Clock::now();
                limited_ = source_.next(row);
                read_seconds_ += seconds_since(start);
                break;
            }
            Clock::time_point start = Clock::now();
            const bool more = source_.next(row);
            read_seconds_ += seconds_since(start);
            if (!more)
                break;
            ++rows;
            start = Clock::now();
            chunk.push_back(mapper_.map(row));
            map_seconds_ += seconds_since(start);
            if (chunk.size() >= options_.chunk_size && !push(chunk))
                return; // the consumer is gone
        }
    } catch (...) {
        error = std::current_exception();
    }
    // The rows read before the end, a stop request or an error go out first, as they would
    // have without the thread.
    if (!chunk.empty() && !push(chunk))
        return;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        error_ = error;
        done_ = true;
    }
    changed_.notify_all();
}

} // namespace connector::sync
