#pragma once

#include "core/record.hpp"
#include "core/row_source.hpp"

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace connector::sync {

/// Reads and maps the query's rows on a thread of its own, so that reading and mapping the next
/// rows overlaps the ledger diff and the hand-over of the last ones (the run's two heaviest
/// halves, on two cores). Results come out in row order, in chunks; at most `max_chunks` wait,
/// so memory stays flat however slow the consumer is. What the thread throws (a warehouse
/// error mid-result) is thrown by next() once the chunks read before it were taken.
///
/// The source and the mapper are used by the reading thread only, from construction until
/// destruction (which stops and joins it), and must outlive this object.
class MappedRows {
  public:
    struct Options {
        std::uint64_t limit = 0;      ///< read at most this many rows; 0 = all
        std::size_t chunk_size = 128; ///< results per chunk
        std::size_t max_chunks = 16;  ///< chunks waiting at most
    };

    MappedRows(RowSource &source, Mapper &mapper, Options options);
    MappedRows(const MappedRows &) = delete;
    MappedRows &operator=(const MappedRows &) = delete;
    /// Stops the reading thread after its current row and joins it (see stop()).
    ~MappedRows();

    /// Stops the reading thread after its current row and joins it. Idempotent.
    void stop() noexcept;

    /// Replaces `chunk` with the next results; false when the rows are exhausted, the limit or
    /// a stop request (core/interrupt.hpp) ended them. Rethrows the reading thread's error.
    bool next(std::vector<MapResult> &chunk);

    /// After next() returned false: whether the result had rows beyond the limit.
    bool limited() const noexcept { return limited_; }
    /// Seconds the reading thread spent in the source and in the mapper; read them after
    /// next() returned false or threw, or after stop().
    double read_seconds() const noexcept { return read_seconds_; }
    double map_seconds() const noexcept { return map_seconds_; }

  private:
    void work() noexcept;
    bool push(std::vector<MapResult> &chunk); ///< false when cancelled

    RowSource &source_;
    Mapper &mapper_;
    Options options_;

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::vector<MapResult>> ready_;
    bool done_ = false;      ///< the thread pushed its last chunk
    bool cancelled_ = false; ///< the consumer is gone
    std::exception_ptr error_;

    // Written by the thread before it sets done_, read after next() saw done_.
    bool limited_ = false;
    double read_seconds_ = 0;
    double map_seconds_ = 0;

    std::thread thread_; // last: started once everything above is initialised
};

} // namespace connector::sync
