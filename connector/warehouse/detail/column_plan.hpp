#pragma once

#include "driver_profile.hpp"
#include "odbc_statement.hpp"
#include "text_value.hpp"

#include <cstddef>
#include <string>

// Internal to the warehouse module.
namespace connector::warehouse::detail {

/// How one result column is read: which Value it becomes and through which C type.
struct ColumnPlan {
    ColumnDescription description;
    ValueKind kind = ValueKind::Text;
    /// SQL_C_SBIGINT, SQL_C_DOUBLE, SQL_C_BIT, SQL_C_TYPE_DATE, SQL_C_TYPE_TIMESTAMP (fixed
    /// size: a bound buffer always holds the whole value), SQL_C_WCHAR (text, parsed into
    /// `kind`), SQL_C_CHAR (the same as UTF-8 bytes, for drivers that use_narrow_text) or
    /// SQL_C_BINARY.
    SQLSMALLINT c_type = SQL_C_WCHAR;
    /// Bytes of one bound element: the struct size, or the text/binary buffer (terminator
    /// included). A longer value is read again with SQLGetData in pieces.
    std::size_t bind_bytes = 0;
    /// The type as shown in messages: the database's name, or the ODBC type's.
    std::string display_type;
    /// Lower-case the text (psqlODBC prints uuid values in upper case, PostgreSQL in lower).
    bool lower_case = false;

    bool is_text() const noexcept { return c_type == SQL_C_WCHAR || c_type == SQL_C_CHAR; }
    bool fixed_width() const noexcept { return !is_text() && c_type != SQL_C_BINARY; }
};

/// "VARCHAR", "WLONGVARCHAR", "TYPE_TIMESTAMP", ... for an ODBC SQL type.
const char *sql_type_name(SQLSMALLINT sql_type) noexcept;

/// Chooses kind and C type for a column. Text-based drivers (SQLite) read everything but binary
/// as text and pick the kind from the declared type, the way SQLite's own affinity rules do.
ColumnPlan plan_column(const ColumnDescription &description, DriverFamily family);

} // namespace connector::warehouse::detail
