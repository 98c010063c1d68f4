#pragma once

#include "odbc_connection.hpp"

#include <deque>
#include <string>

// Internal to the warehouse module.
namespace connector::warehouse::detail {

/// A result column as SQLDescribeColW and SQLColAttributeW report it.
struct ColumnDescription {
    std::string name;
    SQLSMALLINT sql_type = SQL_UNKNOWN_TYPE;
    SQLULEN column_size = 0; ///< characters for text, bytes for binary, digits for numbers
    SQLSMALLINT decimal_digits = 0;
    bool is_unsigned = false;
    std::string type_name;  ///< SQL_DESC_TYPE_NAME: the database's own name ("int8", "TEXT")
    std::string table_name; ///< SQL_DESC_TABLE_NAME: empty for an expression (where reported)
};

/// One statement on a connection. Holds a reference to the connection, which must outlive it;
/// freeing the handle closes any open cursor.
class OdbcStatement {
  public:
    /// Throws OdbcError when the handle cannot be allocated.
    explicit OdbcStatement(const OdbcConnection &connection);

    /// SQL_ATTR_QUERY_TIMEOUT in seconds (0: none). Returns false when the driver refused it.
    bool set_query_timeout(int seconds);
    /// SQLPrepareW, or SQLPrepare with the UTF-8 bytes when `narrow` (see uses_narrow_text).
    /// Throws OdbcError.
    void prepare(const std::string &sql, bool narrow);
    /// Binds parameter `number` (1-based) to a timestamp. The value is copied and kept alive
    /// by the statement. Throws OdbcError.
    void bind_timestamp(SQLUSMALLINT number, const SQL_TIMESTAMP_STRUCT &value);
    /// SQLExecute. Throws OdbcError.
    void execute();
    /// SQLNumResultCols.
    SQLSMALLINT result_columns();
    /// Describes result column `number` (1-based); with `narrow`, the name is read through
    /// SQLDescribeCol as UTF-8 bytes.
    ColumnDescription describe(SQLUSMALLINT number, bool narrow);

    SQLHSTMT native() const noexcept { return stmt_.get(); }
    const StmtHandle &handle() const noexcept { return stmt_; }

  private:
    /// The column's name through SQLDescribeColW / SQLDescribeCol; fills type, size, digits.
    std::string wide_name(SQLUSMALLINT number, ColumnDescription &d);
    std::string narrow_name(SQLUSMALLINT number, ColumnDescription &d);

    const OdbcConnection &connection_;
    // Parameter buffers: a deque never moves its elements, which the driver points into.
    std::deque<SQL_TIMESTAMP_STRUCT> parameters_;
    std::deque<SQLLEN> parameter_lengths_;
    StmtHandle stmt_;
};

} // namespace connector::warehouse::detail
