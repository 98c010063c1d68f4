#include "odbc_handle.hpp"
#include "utf16.hpp"

#include <algorithm>
#include <cstdio>

namespace connector::warehouse::detail {

namespace {

std::string trim_message(std::string s) {
    // psqlODBC ends messages with ";\nError while executing the query" and newlines.
    while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ' ||
                          s.back() == ';' || s.back() == '\0'))
        s.pop_back();
    for (auto &c : s)
        if (c == '\n' || c == '\r' || c == '\t')
            c = ' ';
    return s;
}

const char *rc_name(SQLRETURN rc) {
    switch (rc) {
    case SQL_SUCCESS:
        return "SQL_SUCCESS";
    case SQL_SUCCESS_WITH_INFO:
        return "SQL_SUCCESS_WITH_INFO";
    case SQL_NO_DATA:
        return "SQL_NO_DATA";
    case SQL_ERROR:
        return "SQL_ERROR";
    case SQL_INVALID_HANDLE:
        return "SQL_INVALID_HANDLE";
    case SQL_NEED_DATA:
        return "SQL_NEED_DATA";
    case SQL_STILL_EXECUTING:
        return "SQL_STILL_EXECUTING";
    default:
        return "unknown return code";
    }
}

} // namespace

std::vector<DiagRecord>
collect_diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle, std::size_t max_records) {
    std::vector<DiagRecord> records;
    if (handle == SQL_NULL_HANDLE)
        return records;
    std::u16string message(512, u'\0');
    for (SQLSMALLINT i = 1; i > 0 && static_cast<std::size_t>(i) <= max_records; ++i) {
        SQLWCHAR state[6] = {0};
        SQLINTEGER native = 0;
        SQLSMALLINT length = 0;
        SQLRETURN rc = SQLGetDiagRecW(handle_type, handle, i, state, &native,
                                      reinterpret_cast<SQLWCHAR *>(message.data()),
                                      static_cast<SQLSMALLINT>(message.size()), &length);
        if (rc == SQL_SUCCESS_WITH_INFO && length >= static_cast<SQLSMALLINT>(message.size()) &&
            length < 32000) {
            // The message was cut: ask once more with room for all of it.
            message.assign(static_cast<std::size_t>(length) + 1, u'\0');
            rc = SQLGetDiagRecW(handle_type, handle, i, state, &native,
                                reinterpret_cast<SQLWCHAR *>(message.data()),
                                static_cast<SQLSMALLINT>(message.size()), &length);
        }
        if (!SQL_SUCCEEDED(rc))
            break;
        DiagRecord r;
        char16_t state16[5];
        for (int k = 0; k < 5; ++k)
            state16[k] = static_cast<char16_t>(state[k]);
        std::size_t state_length = 0;
        while (state_length < 5 && state16[state_length] != 0)
            ++state_length;
        utf16_to_utf8(state16, state_length, r.sqlstate);
        r.native_code = static_cast<std::int32_t>(native);
        // The buffer is zero-filled before each call, so its last unit is always a terminator.
        std::size_t n =
            length > 0 ? std::min<std::size_t>(static_cast<std::size_t>(length), message.size() - 1)
                       : 0;
        n = std::min(n, std::char_traits<char16_t>::length(message.data()));
        std::string text;
        utf16_to_utf8(message.data(), n, text);
        r.message = trim_message(std::move(text));
        records.push_back(std::move(r));
        std::fill(message.begin(), message.end(), u'\0');
    }
    return records;
}

SQLRETURN
check(SQLRETURN rc, SQLSMALLINT handle_type, SQLHANDLE handle, const char *call, bool no_data_ok) {
#ifdef CONNECTOR_ODBC_TRACE
    std::fprintf(stderr, "odbc: %s -> %s\n", call, rc_name(rc));
#endif
    if (SQL_SUCCEEDED(rc) || (no_data_ok && rc == SQL_NO_DATA))
        return rc;
    std::vector<DiagRecord> records;
    if (rc != SQL_INVALID_HANDLE)
        records = collect_diagnostics(handle_type, handle);
    const OdbcFailure failure = classify_failure(records, OdbcPhase::Query);
    // The message is built before `records` is moved into the exception.
    const std::string message =
        std::string(call) + " returned " + rc_name(rc) + ": " + format_diagnostics(records);
    throw OdbcError(message, call, std::move(records), failure);
}

} // namespace connector::warehouse::detail
