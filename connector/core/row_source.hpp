#pragma once

#include "value.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace connector {

/// A result column as the driver describes it.
struct Column {
    std::string name;     ///< as returned by the driver (the SQL alias)
    std::string sql_type; ///< driver type name, for messages ("VARCHAR", "NUMERIC", ...)
};

/// One result row. `number` is 1-based in result order, used in every rejection message.
struct Row {
    std::uint64_t number = 0;
    std::vector<Value> values; ///< one per column, same order as RowSource::columns()
};

/// Values bound to the query's placeholders (`{{last_success_started_at}}`, `{{run_started_at}}`).
struct QueryParams {
    Timestamp last_success_started_at; ///< the Unix epoch before the first successful run
    Timestamp run_started_at;
};

/// A stream of rows (the warehouse port). Memory use must not grow with the number of rows.
class RowSource {
  public:
    virtual ~RowSource() = default;
    /// Columns of the result; valid once the source is constructed (the query has run).
    virtual const std::vector<Column> &columns() const = 0;
    /// Fills `row` with the next row (reusing its storage) and returns true, or returns false at
    /// the end. Throws SourceError on a driver error.
    virtual bool next(Row &row) = 0;
};

} // namespace connector
