#include "batcher.hpp"

#include "request_body.hpp"

namespace connector::klaviyo {

BatchLimits bulk_limits(Target target) noexcept {
    constexpr std::size_t five_mb = 5u * 1024u * 1024u;
    return {target == Target::Profiles ? 10'000u : 1'000u, five_mb - five_mb / 20};
}

Batcher::Batcher(Target target, BatchLimits limits) : target_(target), limits_(limits) {
    if (limits_.max_records == 0)
        limits_.max_records = 1;
    open_bytes_ = bulk_envelope_bytes;
}

std::size_t Batcher::cost(const Record &record) const {
    if (target_ == Target::Profiles)
        return record.profile.size() + 1;
    std::size_t bytes = record.event.size() + 1;
    if (open_profiles_.find(record.profile) == open_profiles_.end())
        bytes += record.profile.size() + event_group_overhead_bytes;
    return bytes;
}

void Batcher::cut(Output &out) {
    if (!open_.empty())
        out.batches.push_back(std::move(open_));
    open_.clear();
    open_bytes_ = bulk_envelope_bytes;
    open_keys_.clear();
    open_profiles_.clear();
    // Held records start the next batch; those that repeat a key again wait once more.
    std::deque<Record> held;
    held.swap(held_);
    for (Record &r : held)
        place(std::move(r), out);
}

void Batcher::place(Record record, Output &out) {
    // The size a record would take in a batch of its own (a new group for an event).
    const std::size_t alone =
        bulk_envelope_bytes + record.profile.size() + 1 +
        (target_ == Target::Events ? record.event.size() + event_group_overhead_bytes : 0);
    if (alone > limits_.max_bytes) {
        out.too_large.push_back(std::move(record));
        return;
    }
    for (;;) {
        if (open_keys_.count(record.key)) {
            held_.push_back(std::move(record));
            return;
        }
        if (open_.empty() || open_bytes_ + cost(record) <= limits_.max_bytes)
            break;
        cut(out); // re-places held records, so check the key and the size again
    }
    open_bytes_ += cost(record);
    open_keys_.insert(record.key);
    if (target_ == Target::Events)
        ++open_profiles_[record.profile];
    open_.push_back(std::move(record));
    if (open_.size() >= limits_.max_records)
        cut(out);
}

Batcher::Output Batcher::add(Record record) {
    Output out;
    place(std::move(record), out);
    return out;
}

Batcher::Output Batcher::flush() {
    Output out;
    while (!open_.empty() || !held_.empty())
        cut(out);
    return out;
}

} // namespace connector::klaviyo
