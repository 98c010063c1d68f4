#pragma once

#include <cstddef>
#include <string>
#include <vector>

// Internal to the warehouse module: what the source does differently per driver. Everything
// here is documented in drivers/<driver>.md.
namespace connector::warehouse::detail {

/// Drivers with known quirks; everything else is Generic (plain ODBC 3).
enum class DriverFamily { Generic, Sqlite, Postgres };

const char *to_string(DriverFamily family) noexcept;

/// Guesses the family from a driver name or library path as it appears in `Driver=` or in
/// odbcinst.ini ("PostgreSQL Unicode", "/usr/lib/.../psqlodbcw.so", "SQLite3").
DriverFamily family_from_driver(const std::string &driver);

/// The family of a connected driver, from SQLGetInfo (SQL_DRIVER_NAME, SQL_DBMS_NAME).
DriverFamily family_from_info(const std::string &driver_name, const std::string &dbms_name);

/// Attributes to append to the connection string before connecting, each "Key=Value", left
/// out when the user's string already sets that key:
/// - PostgreSQL: UseDeclareFetch=1 and Fetch=<fetch_rows> (psqlODBC otherwise reads the whole
///   result into memory), BoolsAsChar=0 (booleans as SQL_BIT);
/// - SQLite: StepAPI=1 (otherwise the driver reads the whole result first), NoCreat=1 (a
///   mistyped path must fail, not create an empty database) and LongNames=1 (otherwise the
///   driver cuts an alias like "location.city" to "city").
std::vector<std::string> connection_additions(DriverFamily family,
                                              const std::string &connection_string,
                                              std::size_t fetch_rows);

/// Statements run right after connecting: the read-only session and, for PostgreSQL, the UTC
/// session time zone that makes timestamptz values come back as UTC.
std::vector<std::string> session_statements(DriverFamily family);

/// True when text goes through the driver's narrow (ANSI) entry points as UTF-8 bytes: the SQL
/// text, column names and text values. SQLite ODBC exports no wide (W) functions, so the driver
/// manager would convert our wide calls one byte per character (Latin-1), mangling every
/// non-ASCII character of the query and of invalid UTF-8 values; its narrow API passes SQLite's
/// own UTF-8 through untouched.
bool uses_narrow_text(DriverFamily family);

/// The name a result column goes by. SQLite with LongNames=1 names a plain table column
/// "Table.Column" (aliases stay as written): the table's name and the dot are taken off. Other
/// drivers' names are returned as they are.
std::string
result_column_name(DriverFamily family, const std::string &name, const std::string &table_name);

/// False for drivers that accept SQL_ATTR_QUERY_TIMEOUT and ignore it (SQLite ODBC): the
/// connector then enforces --query-timeout itself, until the first row arrives.
bool honours_query_timeout(DriverFamily family);

/// True when the driver converts values to C types lossily or silently (SQLite ODBC turns text
/// in an INTEGER column into NULL and 2.5 into 2), so every value is read as text and parsed.
bool reads_values_as_text(DriverFamily family);

} // namespace connector::warehouse::detail
