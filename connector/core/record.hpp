#pragma once

#include "row_source.hpp"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace connector {

/// Which Klaviyo object the sync writes.
enum class Target { Profiles, Events };

/// "klaviyo_profiles" / "klaviyo_events".
const char *to_string(Target t) noexcept;

/// A non-fatal problem with a row that is still sent (e.g. an invalid phone dropped while an
/// email remains).
struct Warning {
    std::uint64_t row_number = 0;
    std::string column;
    std::string code;    ///< stable reason code, e.g. "invalid_phone_dropped"
    std::string message; ///< human text naming the value's problem
};

/// A row that cannot be sent. The run counts it, records it and goes on.
struct Rejection {
    std::uint64_t row_number = 0;
    std::string column; ///< the column at fault; empty when the row as a whole is at fault
    std::string code;   ///< stable reason code, e.g. "missing_identifier", "invalid_email"
    std::string message;
    std::string key; ///< the record key when one could be derived, else empty
};

/// A mapped row, ready to diff and send. JSON fragments are serialised deterministically (same
/// row, same bytes) so the ledger can compare hashes.
struct Record {
    std::uint64_t row_number = 0; ///< 0 for a record resent from the ledger (not from this query)
    /// Ledger key (design §2): profiles: "external_id:<id>", else "email:<lower-case email>",
    /// else "phone:<E.164>"; events: the event's unique_id.
    std::string key;
    /// Hex digest of the payload (profile + event bytes).
    std::string hash;
    /// The profile resource object: {"type":"profile","attributes":{...}} plus "meta" when the
    /// mapping unsets properties. For events: the event's profile in the same shape.
    std::string profile;
    /// Events only: {"type":"event","attributes":{"properties":..,"metric":..,"time":..,
    /// "value":..,"value_currency":..,"unique_id":..}} without the profile.
    std::string event;
    std::vector<Warning> warnings;
};

/// The outcome of mapping one row.
using MapResult = std::variant<Record, Rejection>;

/// Rows to records (the mapping port). Constructed for one result's columns.
class Mapper {
  public:
    virtual ~Mapper() = default;
    /// Maps one row. Never throws for a bad row: returns a Rejection naming row, column and rule.
    virtual MapResult map(const Row &row) = 0;
};

/// The profile key rule of design §2, shared by the mapper and by the client when it maps a
/// bulk import error's original payload back to its record. Arguments may be empty.
/// Returns "" when all three are empty.
std::string profile_key(const std::string &external_id,
                        const std::string &email,
                        const std::string &phone_e164);

} // namespace connector
