#include "decision_rules.hpp"

namespace connector::ledger {

const char *to_string(RecordState state) noexcept {
    switch (state) {
    case RecordState::Pending:
        return "pending";
    case RecordState::InFlight:
        return "in_flight";
    case RecordState::Sent:
        return "sent";
    case RecordState::Failed:
        return "failed";
    case RecordState::Transient:
        return "transient";
    case RecordState::Rejected:
        return "rejected";
    }
    return "pending";
}

std::optional<RecordState> state_from_code(std::int64_t code) noexcept {
    if (code < static_cast<int>(RecordState::Pending) ||
        code > static_cast<int>(RecordState::Rejected))
        return std::nullopt;
    return static_cast<RecordState>(code);
}

std::optional<RecordState> parse_state(const std::string &name) noexcept {
    for (int code = static_cast<int>(RecordState::Pending);
         code <= static_cast<int>(RecordState::Rejected); ++code) {
        const auto s = static_cast<RecordState>(code);
        if (name == to_string(s))
            return s;
    }
    return std::nullopt;
}

namespace {

// The decision before --full-resync is applied.
Decision incremental(const StoredRecord &stored,
                     const std::string &hash,
                     Target target,
                     bool retry_failed) noexcept {
    const bool same = stored.hash == hash;
    switch (stored.state) {
    case RecordState::InFlight:
        if (stored.in_open_job) // the job still runs and will report it: do not send it twice
            return same ? Decision::Unchanged : Decision::Changed;
        return Decision::Retry;
    case RecordState::Pending:
    case RecordState::Transient:
        return Decision::Retry;
    case RecordState::Failed:
        if (!same)
            return Decision::Changed;
        return retry_failed ? Decision::Retry : Decision::SkipFailed;
    case RecordState::Rejected:
        if (!stored.ever_sent)
            return Decision::New;
        [[fallthrough]];
    case RecordState::Sent:
        if (target == Target::Events)
            return Decision::Unchanged; // an event is sent once per unique id, ever
        return same ? Decision::Unchanged : Decision::Changed;
    }
    return Decision::Retry;
}

} // namespace

Decision decide(const StoredRecord *stored,
                const std::string &hash,
                Target target,
                bool full_resync,
                bool retry_failed) noexcept {
    if (!stored)
        return Decision::New;
    if (stored->seen_in_this_run)
        return Decision::Duplicate;
    const Decision d = incremental(*stored, hash, target, retry_failed);
    if (full_resync && (d == Decision::Unchanged || d == Decision::SkipFailed))
        return Decision::Retry;
    return d;
}

} // namespace connector::ledger
