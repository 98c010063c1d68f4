#pragma once

#include "connection_string.hpp"
#include "core/row_source.hpp"
#include "odbc_error.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace connector::warehouse {

/// How to reach the warehouse and how to run the query.
struct ConnectionOptions {
    std::string dsn;               ///< --dsn NAME (a data source in odbc.ini), or
    std::string connection_string; ///< --connection "Driver=...;..." (${VAR} expanded from env)
    int login_timeout_seconds = 30;
    int query_timeout_seconds = 0;          ///< 0 = none
    std::string warehouse_timezone = "UTC"; ///< IANA name; zone-less timestamps are read in it
    std::function<void(const std::string &)> verbose_log; ///< may be empty
    /// Rows per block fetch, and psqlODBC's Fetch= (rows per server round trip).
    std::size_t fetch_rows = 512;
};

/// The warehouse source: runs one query through unixODBC and streams its rows as typed values
/// (see docs/warehouses.md and drivers/). Owns the ODBC environment, connection and statement.
class OdbcSource : public connector::RowSource {
  public:
    /// Connects (read-only where the driver allows it), prepares `sql_text` with
    /// {{last_success_started_at}} and {{run_started_at}} replaced by `?` and bound as
    /// timestamp parameters (UTC), executes it and describes the columns. `query_name` (the
    /// query file) is named in every error message.
    /// Throws OdbcError (a SourceError with SQLSTATE, native code and driver message) when the
    /// driver or the warehouse fails, and ConfigError for bad options (no or two connection
    /// sources, unset ${VAR}, unknown time zone), a bad template, a query without a result set,
    /// and empty or duplicate column names.
    OdbcSource(const ConnectionOptions &options,
               const std::string &sql_text,
               const std::string &query_name,
               const connector::QueryParams &params);
    ~OdbcSource() override;
    OdbcSource(const OdbcSource &) = delete;
    OdbcSource &operator=(const OdbcSource &) = delete;

    /// Column names and database types of the result, in order.
    const std::vector<connector::Column> &columns() const override;
    /// Reads the next row into `row` (reusing its storage); false at the end. Throws OdbcError
    /// naming the query file and the row number.
    bool next(connector::Row &row) override;

    /// Rows returned by next() so far.
    std::uint64_t rows_read() const noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace connector::warehouse
