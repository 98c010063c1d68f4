#pragma once

#include "core/ledger.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace connector::ledger {

/// The life of a record in the ledger. The values are the codes stored in records.state (see
/// the record_states table of sql/ledger/001_initial.sql); the unsent states come first, so
/// "state <= 3" selects what a later run must resend.
enum class RecordState {
    Pending = 1,
    InFlight = 2,
    Transient = 3,
    Sent = 4,
    Failed = 5,
    Rejected = 6,
};

/// "pending", "in_flight", "sent", "failed", "transient", "rejected" (record_states.name).
const char *to_string(RecordState state) noexcept;
/// The state stored as `code`; nullopt for anything else.
std::optional<RecordState> state_from_code(std::int64_t code) noexcept;
/// The state named `name`; nullopt for anything else.
std::optional<RecordState> parse_state(const std::string &name) noexcept;

/// What the ledger knows about a key before this record is diffed.
struct StoredRecord {
    std::string hash;
    RecordState state = RecordState::Pending;
    bool seen_in_this_run = false; ///< the query already returned this key in this run
    bool ever_sent = false;        ///< Klaviyo accepted some version of it (last_sent_run set)
    bool in_open_job = false;      ///< in flight in a bulk job not finished yet
};

/// The diff rules (pure; the ledger applies the result). `stored` is null for an unknown key.
/// Profiles: unknown -> New; sent with the same hash -> Unchanged, else Changed; failed with the
/// same hash -> SkipFailed (Retry with retry_failed), else Changed; pending, in flight or
/// transient -> Retry, except in flight in an open bulk job: Unchanged with the same hash (the
/// job will report it), else Changed; rejected -> New when never sent, else as sent. Events: the
/// same, except a sent event is Unchanged whatever its hash. full_resync turns Unchanged and
/// SkipFailed into Retry. A key seen earlier in this run is a Duplicate whatever else holds.
Decision decide(const StoredRecord *stored,
                const std::string &hash,
                Target target,
                bool full_resync,
                bool retry_failed) noexcept;

} // namespace connector::ledger
