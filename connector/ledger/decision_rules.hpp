#pragma once

#include "core/ledger.hpp"

#include <optional>
#include <string>

namespace connector::ledger {

/// The life of a record in the ledger (records.state).
enum class RecordState { Pending, InFlight, Sent, Failed, Transient, Rejected };

/// "pending", "in_flight", "sent", "failed", "transient", "rejected" (the stored spelling).
const char *to_string(RecordState state) noexcept;
/// Parses the stored spelling; nullopt for anything else.
std::optional<RecordState> parse_state(const std::string &text) noexcept;

/// What the ledger knows about a key before this record is diffed.
struct StoredRecord {
    std::string hash;
    RecordState state = RecordState::Pending;
    bool seen_in_this_run = false; ///< the query already returned this key in this run
    bool ever_sent = false;        ///< Klaviyo accepted some version of it (last_sent_run set)
};

/// The diff rules (pure; the ledger applies the result). `stored` is null for an unknown key.
/// Profiles: unknown -> New; sent with the same hash -> Unchanged, else Changed; failed with the
/// same hash -> SkipFailed (Retry with retry_failed), else Changed; pending, in flight or
/// transient -> Retry; rejected -> New when never sent, else as sent. Events: the same, except a
/// sent event is Unchanged whatever its hash. full_resync turns Unchanged and SkipFailed into
/// Retry. A key seen earlier in this run is a Duplicate whatever else holds.
Decision decide(const StoredRecord *stored,
                const std::string &hash,
                Target target,
                bool full_resync,
                bool retry_failed) noexcept;

} // namespace connector::ledger
