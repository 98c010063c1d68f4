#pragma once

#include "warehouse/odbc_source.hpp"

#include <string>
#include <vector>

// Helpers for the warehouse tests that go through the real driver manager and drivers.
namespace connector::test {

/// Everything a query returned, and what the source logged.
struct QueryResult {
    std::vector<Column> columns;
    std::vector<Row> rows;
    std::vector<std::string> log;
};

/// Options for a connection string, with a verbose log collected into `log`.
warehouse::ConnectionOptions options_for(const std::string &connection_string,
                                         std::vector<std::string> *log = nullptr);

/// Runs `sql` through an OdbcSource and collects every row.
QueryResult read_all(const warehouse::ConnectionOptions &options,
                     const std::string &sql,
                     const QueryParams &params = {});

/// Runs `sql` (a query that takes longer than a second) and asks the run to stop 300 ms into
/// it; returns the InterruptedError's message, or "" when the query ended any other way. The
/// stop flag is clear before and after.
std::string message_when_stopped(const warehouse::ConnectionOptions &options,
                                 const std::string &sql);

/// A name no parallel test uses: prefix_<pid>_<counter>_<random>, lower case.
std::string unique_name(const std::string &prefix);

/// The column index named `name`; fails the test when absent.
std::size_t column_index(const QueryResult &result, const std::string &name);

/// A file under the shared sample data (../shared): $CONNECTOR_SHARED_DIR, else the folder
/// beside the source tree that CMake saw.
std::string shared_file(const std::string &relative);

/// "Driver=SQLite3;Database=<path>" (the driver Debian's libsqliteodbc registers).
std::string sqlite_connection(const std::string &path);
/// Runs SQL on a SQLite file with the SQLite C API (creates it), to set up test data.
void sqlite_exec(const std::string &path, const std::string &sql);

/// $CONNECTOR_TEST_PG (fails loudly when unset).
std::string pg_connection();
/// Runs SQL on the test server through psqlODBC, read-write (fixtures only).
void pg_exec(const std::string &sql, const std::string &connection_string = pg_connection());

/// A fresh schema on the test server, dropped with everything in it at the end of the test.
class PgSchema {
  public:
    PgSchema();
    ~PgSchema();
    PgSchema(const PgSchema &) = delete;
    PgSchema &operator=(const PgSchema &) = delete;
    const std::string &name() const { return name_; }
    /// Runs SQL with this schema first on the search path.
    void exec(const std::string &sql) const;

  private:
    std::string name_;
};

} // namespace connector::test
