#include "column_plan.hpp"

#include <algorithm>
#include <cctype>

namespace connector::warehouse::detail {

namespace {

// Bound text and binary buffers stay small; longer values are read in pieces.
constexpr std::size_t max_bound_chars = 512;
constexpr std::size_t default_bound_chars = 256;
constexpr std::size_t max_bound_bytes = 1024;

// NOTE: ODBC 3.8 driver-specific types that drivers return for zoned values.
constexpr SQLSMALLINT sql_ss_time2 = -154;
constexpr SQLSMALLINT sql_ss_timestampoffset = -155;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool contains(const std::string &s, const char *part) {
    return s.find(part) != std::string::npos;
}

bool names_zoned_timestamp(const std::string &type) {
    return contains(type, "timestamptz") || contains(type, "with time zone") ||
           contains(type, "timestamp_tz") || contains(type, "timestamp_ltz") ||
           contains(type, "datetimeoffset");
}

// By ODBC SQL type: what every driver reports.
ValueKind kind_from_sql_type(const ColumnDescription &d) {
    switch (d.sql_type) {
    case SQL_BIT:
        return ValueKind::Boolean;
    case SQL_TINYINT:
    case SQL_SMALLINT:
    case SQL_INTEGER:
    case SQL_BIGINT:
        return ValueKind::Integer;
    case SQL_DECIMAL:
    case SQL_NUMERIC:
        return ValueKind::Decimal;
    case SQL_REAL:
    case SQL_FLOAT:
    case SQL_DOUBLE:
        return ValueKind::Double;
    case SQL_TYPE_DATE:
    case SQL_DATE:
        return ValueKind::Date;
    case SQL_TYPE_TIME:
    case SQL_TIME:
    case sql_ss_time2:
        return ValueKind::Time;
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
        return ValueKind::Timestamp;
    case sql_ss_timestampoffset:
        return ValueKind::TimestampUtc;
    case SQL_BINARY:
    case SQL_VARBINARY:
    case SQL_LONGVARBINARY:
        return ValueKind::Binary;
    default:
        // Character types, GUID, intervals and anything driver-specific arrive as text.
        return ValueKind::Text;
    }
}

// By declared type, following SQLite's affinity rules (https://sqlite.org/datatype3.html §3.1)
// refined for the names people declare: BOOLEAN, DATE, DATETIME, TIMESTAMP, DECIMAL.
ValueKind kind_from_sqlite_declaration(const ColumnDescription &d) {
    // NOTE(sqliteodbc 0.9998, StepAPI=1): an expression has no declared type and is described
    // as "varchar" with no table name; its values are typed one by one.
    if (d.table_name.empty() && lower(d.type_name) == "varchar" && d.sql_type == SQL_VARCHAR)
        return ValueKind::Untyped;
    const std::string t = lower(d.type_name);
    if (t.empty())
        return kind_from_sql_type(d);
    if (contains(t, "bool"))
        return ValueKind::Boolean;
    if (contains(t, "int"))
        return ValueKind::Integer;
    if (contains(t, "char") || contains(t, "clob") || contains(t, "text"))
        return ValueKind::Text;
    if (contains(t, "blob") || contains(t, "binary"))
        return ValueKind::Binary;
    if (contains(t, "real") || contains(t, "floa") || contains(t, "doub"))
        return ValueKind::Double;
    if (contains(t, "dec") || contains(t, "numeric"))
        return ValueKind::Decimal;
    if (names_zoned_timestamp(t))
        return ValueKind::TimestampUtc;
    if (contains(t, "timestamp") || contains(t, "datetime"))
        return ValueKind::Timestamp;
    if (contains(t, "date"))
        return ValueKind::Date;
    if (contains(t, "time"))
        return ValueKind::Time;
    return kind_from_sql_type(d);
}

ValueKind kind_for(const ColumnDescription &d, DriverFamily family) {
    if (family == DriverFamily::Sqlite)
        return kind_from_sqlite_declaration(d);
    const std::string t = lower(d.type_name);
    // psqlODBC reports bool as VARCHAR unless BoolsAsChar=0, money as DOUBLE ("$12.00").
    if (t == "bool" || t == "boolean")
        return ValueKind::Boolean;
    if (t == "money")
        return ValueKind::Text;
    const ValueKind k = kind_from_sql_type(d);
    if (k == ValueKind::Timestamp && names_zoned_timestamp(t))
        return ValueKind::TimestampUtc;
    return k;
}

std::size_t text_chars(const ColumnDescription &d) {
    if (d.column_size == 0)
        return default_bound_chars;
    return std::min<std::size_t>(d.column_size, max_bound_chars);
}

// Text of up to `chars` characters, wide or as UTF-8 bytes (up to 4 a character).
void set_text(ColumnPlan &plan, std::size_t chars, DriverFamily family) {
    if (uses_narrow_text(family)) {
        plan.c_type = SQL_C_CHAR;
        plan.bind_bytes = chars * 4 + 1;
    } else {
        plan.c_type = SQL_C_WCHAR;
        plan.bind_bytes = (chars + 1) * sizeof(char16_t);
    }
}

} // namespace

const char *sql_type_name(SQLSMALLINT t) noexcept {
    switch (t) {
    case SQL_CHAR:
        return "CHAR";
    case SQL_VARCHAR:
        return "VARCHAR";
    case SQL_LONGVARCHAR:
        return "LONGVARCHAR";
    case SQL_WCHAR:
        return "WCHAR";
    case SQL_WVARCHAR:
        return "WVARCHAR";
    case SQL_WLONGVARCHAR:
        return "WLONGVARCHAR";
    case SQL_BIT:
        return "BIT";
    case SQL_TINYINT:
        return "TINYINT";
    case SQL_SMALLINT:
        return "SMALLINT";
    case SQL_INTEGER:
        return "INTEGER";
    case SQL_BIGINT:
        return "BIGINT";
    case SQL_DECIMAL:
        return "DECIMAL";
    case SQL_NUMERIC:
        return "NUMERIC";
    case SQL_REAL:
        return "REAL";
    case SQL_FLOAT:
        return "FLOAT";
    case SQL_DOUBLE:
        return "DOUBLE";
    case SQL_TYPE_DATE:
    case SQL_DATE:
        return "DATE";
    case SQL_TYPE_TIME:
    case SQL_TIME:
    case sql_ss_time2:
        return "TIME";
    case SQL_TYPE_TIMESTAMP:
    case SQL_TIMESTAMP:
        return "TIMESTAMP";
    case sql_ss_timestampoffset:
        return "DATETIMEOFFSET";
    case SQL_BINARY:
        return "BINARY";
    case SQL_VARBINARY:
        return "VARBINARY";
    case SQL_LONGVARBINARY:
        return "LONGVARBINARY";
    case SQL_GUID:
        return "GUID";
    default:
        return (t >= SQL_INTERVAL_YEAR && t <= SQL_INTERVAL_MINUTE_TO_SECOND) ? "INTERVAL"
                                                                              : "OTHER";
    }
}

ColumnPlan plan_column(const ColumnDescription &description, DriverFamily family) {
    ColumnPlan plan;
    plan.description = description;
    plan.kind = kind_for(description, family);
    const std::string type_name = lower(description.type_name);
    plan.display_type = (type_name.empty() || type_name == "unknown")
                            ? sql_type_name(description.sql_type)
                            : description.type_name;

    // NOTE(psqlODBC 13): SQL_GUID values arrive upper-cased; PostgreSQL's own text is lower.
    plan.lower_case = family == DriverFamily::Postgres && description.sql_type == SQL_GUID;
    const bool as_text = reads_values_as_text(family);
    const SQLSMALLINT t = description.sql_type;
    switch (plan.kind) {
    case ValueKind::Binary:
        plan.c_type = SQL_C_BINARY;
        plan.bind_bytes = description.column_size == 0
                              ? max_bound_bytes
                              : std::min<std::size_t>(description.column_size, max_bound_bytes);
        return plan;
    case ValueKind::Boolean:
        if (!as_text && t == SQL_BIT) {
            plan.c_type = SQL_C_BIT;
            plan.bind_bytes = sizeof(SQLCHAR);
            return plan;
        }
        break;
    case ValueKind::Integer:
        // An unsigned BIGINT may not fit: read as text and keep its digits.
        if (!as_text && !(t == SQL_BIGINT && description.is_unsigned) &&
            (t == SQL_TINYINT || t == SQL_SMALLINT || t == SQL_INTEGER || t == SQL_BIGINT)) {
            plan.c_type = SQL_C_SBIGINT;
            plan.bind_bytes = sizeof(SQLBIGINT);
            return plan;
        }
        break;
    case ValueKind::Double:
        if (!as_text && (t == SQL_REAL || t == SQL_FLOAT || t == SQL_DOUBLE)) {
            plan.c_type = SQL_C_DOUBLE;
            plan.bind_bytes = sizeof(SQLDOUBLE);
            return plan;
        }
        break;
    case ValueKind::Date:
        if (!as_text && (t == SQL_TYPE_DATE || t == SQL_DATE)) {
            plan.c_type = SQL_C_TYPE_DATE;
            plan.bind_bytes = sizeof(SQL_DATE_STRUCT);
            return plan;
        }
        break;
    case ValueKind::Timestamp:
        if (!as_text && (t == SQL_TYPE_TIMESTAMP || t == SQL_TIMESTAMP)) {
            plan.c_type = SQL_C_TYPE_TIMESTAMP;
            plan.bind_bytes = sizeof(SQL_TIMESTAMP_STRUCT);
            return plan;
        }
        break;
    case ValueKind::TimestampUtc:
        // psqlODBC gives timestamptz as wall-clock time in the session zone, pinned to UTC.
        if (family == DriverFamily::Postgres && (t == SQL_TYPE_TIMESTAMP || t == SQL_TIMESTAMP)) {
            plan.c_type = SQL_C_TYPE_TIMESTAMP;
            plan.bind_bytes = sizeof(SQL_TIMESTAMP_STRUCT);
            return plan;
        }
        break;
    case ValueKind::Decimal:
        // Digits, sign, point and a leading zero.
        set_text(plan, std::max<std::size_t>(text_chars(description) + 3, 40), family);
        return plan;
    case ValueKind::Time:
    case ValueKind::Text:
    case ValueKind::Untyped:
        break;
    }
    // Everything else is read as text: exact (decimals, times with fractions, zoned timestamps
    // with their offsets) and parsed into `kind`.
    std::size_t chars = text_chars(description);
    if (plan.kind != ValueKind::Text)
        chars = std::max<std::size_t>(chars, 48);
    set_text(plan, chars, family);
    return plan;
}

} // namespace connector::warehouse::detail
