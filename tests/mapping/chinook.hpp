#pragma once

#include "core/row_source.hpp"

#include <string>
#include <vector>

namespace connector::test {

/// A query result held in memory (tests only).
struct Table {
    std::vector<Column> columns;
    std::vector<Row> rows;
};

/// Runs `sql` on the Chinook SQLite file in ../shared/data/chinook with the sqlite3 C API and
/// converts each cell the way the ODBC source does for the declared type: INTEGER -> integer,
/// NUMERIC(p,s) -> Decimal with s digits, DATETIME -> Timestamp (UTC), text -> UTF-8, NULL ->
/// Null. The mapper's tests thus need no ODBC driver.
Table query_chinook(const std::string &sql);

} // namespace connector::test
