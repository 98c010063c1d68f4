#pragma once

#include "core/record.hpp"

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace connector::klaviyo {

/// Caps of one bulk request.
struct BatchLimits {
    std::size_t max_records = 0; ///< 10,000 profiles or 1,000 events
    std::size_t max_bytes = 0;   ///< body bytes, below Klaviyo's 5 MB with a margin
};

/// Klaviyo's caps for a target's bulk endpoint: 10,000 profiles or 1,000 events, and 5 MB less
/// a 5% margin for what the estimate does not count.
BatchLimits bulk_limits(Target target) noexcept;

/// Cuts the record stream into bulk requests. A record whose key is already in the open batch
/// (the same profile twice in a job, or the same event unique_id, which would fail a whole
/// event request) is held for the next batch, in order. Events are grouped by profile in the
/// body, so a new profile costs more bytes than another event of a known one.
class Batcher {
  public:
    Batcher(Target target, BatchLimits limits);

    /// What add() and flush() hand back.
    struct Output {
        std::vector<std::vector<Record>> batches; ///< full batches, ready to send
        std::vector<Record> too_large; ///< records that alone exceed the byte cap: never sent
    };

    /// Adds a record; returns the batches that became full.
    Output add(Record record);
    /// Returns everything still open or held, as batches.
    Output flush();
    /// Records waiting in the open batch and the held queue.
    std::size_t pending() const noexcept { return open_.size() + held_.size(); }

  private:
    std::size_t cost(const Record &record) const;
    void place(Record record, Output &out);
    void cut(Output &out);

    Target target_;
    BatchLimits limits_;
    std::vector<Record> open_;
    std::size_t open_bytes_ = 0;
    std::unordered_set<std::string> open_keys_;
    std::unordered_map<std::string, std::size_t> open_profiles_; ///< events: profile -> count
    std::deque<Record> held_;
};

} // namespace connector::klaviyo
