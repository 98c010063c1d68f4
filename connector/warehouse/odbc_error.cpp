#include "odbc_error.hpp"

#include <algorithm>
#include <cctype>

namespace connector::warehouse {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool contains(const std::string &haystack, const char *needle) {
    return haystack.find(needle) != std::string::npos;
}

bool starts_with(const std::string &s, const char *prefix) {
    return s.rfind(prefix, 0) == 0;
}

OdbcFailure classify_one(const DiagRecord &r, OdbcPhase phase) {
    const std::string &state = r.sqlstate;
    const std::string msg = lower(r.message);

    // Driver manager (unixODBC) failures come first: they mean no driver was even loaded.
    if (contains(msg, "can't open lib") || state == "IM003" ||
        contains(msg, "specified driver could not be loaded"))
        return OdbcFailure::DriverMissing;
    if (state == "IM002")
        return contains(msg, "data source name not found") ? OdbcFailure::DataSourceMissing
                                                           : OdbcFailure::DriverMissing;

    if (state == "HYT00" || state == "57014" || contains(msg, "statement timeout") ||
        contains(msg, "query timeout") ||
        (contains(msg, "timeout expired") && phase == OdbcPhase::Query))
        return OdbcFailure::Timeout;
    if (state == "28000" || state == "28P01" || contains(msg, "password authentication failed") ||
        contains(msg, "authentication failed") || contains(msg, "login failed") ||
        contains(msg, "access denied for user") || contains(msg, "no password supplied"))
        return OdbcFailure::LoginFailed;
    if (state == "3D000" || (contains(msg, "database") && contains(msg, "does not exist")) ||
        contains(msg, "unknown database") ||
        (contains(msg, "[sqlite]") && (r.native_code == 14 || contains(msg, "connect failed"))))
        return OdbcFailure::DatabaseMissing;
    if (state == "HYT01" || state == "08S01" || state == "08004" ||
        (phase == OdbcPhase::Connect && starts_with(state, "08")) ||
        contains(msg, "connection refused") || contains(msg, "could not translate host name") ||
        contains(msg, "could not connect") || contains(msg, "no route to host"))
        return OdbcFailure::Unreachable;

    if (state == "25006" || contains(msg, "read-only transaction") ||
        contains(msg, "readonly database") || contains(msg, "read-only database") ||
        contains(msg, "attempt to write"))
        return OdbcFailure::ReadOnly;
    if (state == "42501" || contains(msg, "permission denied") || contains(msg, "not authorized") ||
        contains(msg, "insufficient privilege") || contains(msg, "access denied"))
        return OdbcFailure::PermissionDenied;
    if (state == "42P01" || state == "42S02" || state == "42S22" || state == "42703" ||
        state == "42883" || state == "3F000" || contains(msg, "no such table") ||
        contains(msg, "no such column") || contains(msg, "no such function") ||
        (contains(msg, "does not exist") && !contains(msg, "database")) ||
        contains(msg, "invalid object name") || contains(msg, "doesn't exist"))
        return OdbcFailure::MissingObject;
    if (state == "42601" || state == "37000" || contains(msg, "syntax error") ||
        contains(msg, "incomplete input") || contains(msg, "unrecognized token"))
        return OdbcFailure::Syntax;
    return OdbcFailure::Other;
}

} // namespace

const char *to_string(OdbcFailure failure) noexcept {
    switch (failure) {
    case OdbcFailure::DriverMissing:
        return "driver_missing";
    case OdbcFailure::DataSourceMissing:
        return "data_source_missing";
    case OdbcFailure::LoginFailed:
        return "login_failed";
    case OdbcFailure::Unreachable:
        return "unreachable";
    case OdbcFailure::DatabaseMissing:
        return "database_missing";
    case OdbcFailure::MissingObject:
        return "missing_object";
    case OdbcFailure::PermissionDenied:
        return "permission_denied";
    case OdbcFailure::ReadOnly:
        return "read_only";
    case OdbcFailure::Timeout:
        return "timeout";
    case OdbcFailure::Syntax:
        return "syntax";
    case OdbcFailure::Other:
        break;
    }
    return "other";
}

OdbcFailure classify_failure(const std::vector<DiagRecord> &records, OdbcPhase phase) {
    // The first record that says something specific wins; a generic first record (HY000
    // "general error", 01000 warnings) must not hide a precise second one.
    for (const auto &r : records) {
        const OdbcFailure f = classify_one(r, phase);
        if (f != OdbcFailure::Other)
            return f;
    }
    return OdbcFailure::Other;
}

std::string advice_for(OdbcFailure failure) {
    switch (failure) {
    case OdbcFailure::DriverMissing:
        return "the ODBC driver is not installed or not registered: list the registered "
               "drivers with `odbcinst -q -d`, install the driver's package and add its "
               "odbcinst.ini entry (see drivers/)";
    case OdbcFailure::DataSourceMissing:
        return "no data source (DSN) of that name is defined: list them with `odbcinst -q -s`, "
               "see which odbc.ini files are read with `odbcinst -j`, or pass --connection "
               "\"Driver=...;...\" instead (see drivers/)";
    case OdbcFailure::LoginFailed:
        return "the warehouse refused the user name or password: check Uid/Pwd (or the "
               "${VAR} they are read from) and that this user may log in";
    case OdbcFailure::Unreachable:
        return "the warehouse server could not be reached: check Server/Host and Port, the "
               "network or VPN, and that the server is running (--login-timeout bounds the wait)";
    case OdbcFailure::DatabaseMissing:
        return "the database does not exist or cannot be opened: check Database= (for SQLite, "
               "the file's path; the connector opens it read-only and never creates it)";
    case OdbcFailure::MissingObject:
        return "the query names a table, view, column or function that does not exist or that "
               "this user cannot see: check the spelling, the schema (or search path) and the "
               "database the connection points at";
    case OdbcFailure::PermissionDenied:
        return "the warehouse user may not read something the query uses: GRANT SELECT on the "
               "tables or views (and USAGE on their schema) to the connector's user";
    case OdbcFailure::ReadOnly:
        return "the connector runs queries in a read-only session: the query must only read "
               "(SELECT or WITH ... SELECT)";
    case OdbcFailure::Timeout:
        return "the query ran longer than the query timeout: raise --query-timeout, or make the "
               "query cheaper (filter on {{last_success_started_at}}, pre-aggregate in a view)";
    case OdbcFailure::Syntax:
        return "the SQL does not parse: run the file in the warehouse's own client to find the "
               "error";
    case OdbcFailure::Other:
        break;
    }
    return "see the driver's message";
}

OdbcError::OdbcError(const std::string &what,
                     std::string call,
                     std::vector<DiagRecord> records,
                     OdbcFailure failure)
    : SourceError(what), call_(std::move(call)), records_(std::move(records)), failure_(failure) {}

std::string OdbcError::sqlstate() const {
    return records_.empty() ? "" : records_[0].sqlstate;
}

std::int32_t OdbcError::native_code() const {
    return records_.empty() ? 0 : records_[0].native_code;
}

std::string OdbcError::driver_message() const {
    return records_.empty() ? "" : records_[0].message;
}

std::string format_diagnostics(const std::vector<DiagRecord> &records, std::size_t max_records) {
    if (records.empty())
        return "[the driver gave no diagnostic record]";
    std::string out;
    const std::size_t n = std::min(records.size(), max_records);
    for (std::size_t i = 0; i < n; ++i) {
        const auto &r = records[i];
        if (i)
            out += "; ";
        out += "[SQLSTATE " + (r.sqlstate.empty() ? std::string("?????") : r.sqlstate) +
               ", native error " + std::to_string(r.native_code) + "] " + r.message;
    }
    if (records.size() > n)
        out += "; (" + std::to_string(records.size() - n) + " more)";
    return out;
}

} // namespace connector::warehouse
