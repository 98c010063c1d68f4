#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace connector::warehouse {

/// One diagnostic record of an ODBC handle (SQLGetDiagRec), text in UTF-8.
struct DiagRecord {
    std::string sqlstate; ///< five characters, e.g. "42P01"
    std::int32_t native_code = 0;
    std::string message; ///< the driver's text, trimmed, secrets scrubbed
};

/// What a failure most likely means for the user; chooses the advice in the message.
enum class OdbcFailure {
    DriverMissing,     ///< the driver is not registered or its library is not installed
    DataSourceMissing, ///< no DSN with that name in odbc.ini
    LoginFailed,       ///< user name or password refused
    Unreachable,       ///< server not reachable (refused, DNS, network, login timeout)
    DatabaseMissing,   ///< the database (or SQLite file) does not exist or cannot be opened
    MissingObject,     ///< a table, view, column or function named by the query does not exist
    PermissionDenied,  ///< the user may not read something the query uses
    ReadOnly,          ///< the query tried to write in the connector's read-only session
    Timeout,           ///< the query ran past the query timeout
    Syntax,            ///< the SQL does not parse
    Other,             ///< anything else: the driver's own words
};

/// Stable lower-case name ("driver_missing", "login_failed", ...), for logs and tests.
const char *to_string(OdbcFailure failure) noexcept;

/// Where a failure happened, which changes how it reads (SQLSTATE 08001 means different things).
enum class OdbcPhase { Connect, Query };

/// Classifies diagnostics by SQLSTATE first and the driver's message second (drivers disagree
/// on SQLSTATEs: SQLite reports nearly everything as HY000, psqlODBC login failures as 08001).
OdbcFailure classify_failure(const std::vector<DiagRecord> &records, OdbcPhase phase);

/// One sentence telling the user what to do about `failure`.
std::string advice_for(OdbcFailure failure);

/// A failed ODBC call. Carries the call's name and every diagnostic record read (capped), so
/// callers and tests can look at SQLSTATE, native code and the driver's message.
class OdbcError : public SourceError {
  public:
    OdbcError(const std::string &what,
              std::string call,
              std::vector<DiagRecord> records,
              OdbcFailure failure);

    /// The ODBC function that failed ("SQLDriverConnect", "SQLExecute", ...).
    const std::string &call() const noexcept { return call_; }
    /// Every diagnostic record read for the failure, first is the most relevant.
    const std::vector<DiagRecord> &records() const noexcept { return records_; }
    OdbcFailure failure() const noexcept { return failure_; }
    /// SQLSTATE of the first record, or "" when the driver gave none.
    std::string sqlstate() const;
    /// Native error code of the first record, or 0.
    std::int32_t native_code() const;
    /// The driver's message of the first record, or "".
    std::string driver_message() const;

  private:
    std::string call_;
    std::vector<DiagRecord> records_;
    OdbcFailure failure_;
};

/// "[SQLSTATE 42P01, native error 1] ERROR: relation ... ; [SQLSTATE ...] ..." for at most
/// `max_records` records, in a single line.
std::string format_diagnostics(const std::vector<DiagRecord> &records, std::size_t max_records = 3);

} // namespace connector::warehouse
