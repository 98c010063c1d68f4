#include "odbc_statement.hpp"

#include "utf16.hpp"

#include <algorithm>

namespace connector::warehouse::detail {

OdbcStatement::OdbcStatement(const OdbcConnection &connection)
    : connection_(connection), stmt_(connection.native_dbc()) {}

bool OdbcStatement::set_query_timeout(int seconds) {
    if (seconds <= 0)
        return true;
    const SQLRETURN rc =
        SQLSetStmtAttrW(stmt_.get(), SQL_ATTR_QUERY_TIMEOUT,
                        reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(seconds)), 0);
    return rc == SQL_SUCCESS;
}

void OdbcStatement::prepare(const std::string &sql, bool narrow) {
    if (narrow) {
        std::string text = sql; // the driver takes a non-const pointer
        stmt_.check(SQLPrepare(stmt_.get(), reinterpret_cast<SQLCHAR *>(text.data()),
                               static_cast<SQLINTEGER>(text.size())),
                    "SQLPrepare");
        return;
    }
    std::u16string wide = utf8_to_utf16(sql);
    stmt_.check(SQLPrepareW(stmt_.get(), reinterpret_cast<SQLWCHAR *>(wide.data()),
                            static_cast<SQLINTEGER>(wide.size())),
                "SQLPrepare");
}

void OdbcStatement::bind_timestamp(SQLUSMALLINT number, const SQL_TIMESTAMP_STRUCT &value) {
    parameters_.push_back(value);
    parameter_lengths_.push_back(static_cast<SQLLEN>(sizeof(SQL_TIMESTAMP_STRUCT)));
    // Column size 26 and 6 decimal digits: "YYYY-MM-DD HH:MM:SS.ffffff", microseconds being the
    // finest precision most warehouses keep.
    stmt_.check(SQLBindParameter(stmt_.get(), number, SQL_PARAM_INPUT, SQL_C_TYPE_TIMESTAMP,
                                 SQL_TYPE_TIMESTAMP, 26, 6, &parameters_.back(), 0,
                                 &parameter_lengths_.back()),
                "SQLBindParameter");
}

void OdbcStatement::execute() {
    // SQL_NO_DATA is what a searched statement that matched nothing returns; the caller then
    // finds no result columns.
    stmt_.check(SQLExecute(stmt_.get()), "SQLExecute", true);
}

SQLSMALLINT OdbcStatement::result_columns() {
    SQLSMALLINT n = 0;
    stmt_.check(SQLNumResultCols(stmt_.get(), &n), "SQLNumResultCols");
    return n;
}

std::string OdbcStatement::wide_name(SQLUSMALLINT number, ColumnDescription &d) {
    std::u16string name(256, u'\0');
    SQLSMALLINT name_length = 0;
    SQLSMALLINT nullable = 0;
    stmt_.check(SQLDescribeColW(stmt_.get(), number, reinterpret_cast<SQLWCHAR *>(name.data()),
                                static_cast<SQLSMALLINT>(name.size()), &name_length, &d.sql_type,
                                &d.column_size, &d.decimal_digits, &nullable),
                "SQLDescribeCol");
    if (name_length >= static_cast<SQLSMALLINT>(name.size())) {
        name.assign(static_cast<std::size_t>(name_length) + 1, u'\0');
        stmt_.check(SQLDescribeColW(stmt_.get(), number, reinterpret_cast<SQLWCHAR *>(name.data()),
                                    static_cast<SQLSMALLINT>(name.size()), &name_length,
                                    &d.sql_type, &d.column_size, &d.decimal_digits, &nullable),
                    "SQLDescribeCol");
    }
    name.resize(std::min(static_cast<std::size_t>(std::max<SQLSMALLINT>(name_length, 0)),
                         std::char_traits<char16_t>::length(name.data())));
    return utf16_to_utf8(name);
}

std::string OdbcStatement::narrow_name(SQLUSMALLINT number, ColumnDescription &d) {
    std::string name(1024, '\0');
    SQLSMALLINT name_length = 0;
    SQLSMALLINT nullable = 0;
    stmt_.check(SQLDescribeCol(stmt_.get(), number, reinterpret_cast<SQLCHAR *>(name.data()),
                               static_cast<SQLSMALLINT>(name.size()), &name_length, &d.sql_type,
                               &d.column_size, &d.decimal_digits, &nullable),
                "SQLDescribeCol");
    if (name_length >= static_cast<SQLSMALLINT>(name.size())) {
        name.assign(static_cast<std::size_t>(name_length) + 1, '\0');
        stmt_.check(SQLDescribeCol(stmt_.get(), number, reinterpret_cast<SQLCHAR *>(name.data()),
                                   static_cast<SQLSMALLINT>(name.size()), &name_length, &d.sql_type,
                                   &d.column_size, &d.decimal_digits, &nullable),
                    "SQLDescribeCol");
    }
    name.resize(std::min(static_cast<std::size_t>(std::max<SQLSMALLINT>(name_length, 0)),
                         std::char_traits<char>::length(name.data())));
    return name;
}

ColumnDescription OdbcStatement::describe(SQLUSMALLINT number, bool narrow) {
    ColumnDescription d;
    d.name = narrow ? narrow_name(number, d) : wide_name(number, d);

    SQLLEN is_unsigned = SQL_FALSE;
    if (SQL_SUCCEEDED(SQLColAttributeW(stmt_.get(), number, SQL_DESC_UNSIGNED, nullptr, 0, nullptr,
                                       &is_unsigned)))
        d.is_unsigned = is_unsigned == SQL_TRUE;
    char16_t type_name[256] = {0};
    SQLSMALLINT type_bytes = 0;
    if (SQL_SUCCEEDED(SQLColAttributeW(stmt_.get(), number, SQL_DESC_TYPE_NAME, type_name,
                                       sizeof type_name - sizeof(char16_t), &type_bytes,
                                       nullptr))) {
        type_name[255] = 0;
        utf16_to_utf8(type_name, std::char_traits<char16_t>::length(type_name), d.type_name);
    }
    if (narrow) {
        char table[1024] = {0};
        SQLSMALLINT bytes = 0;
        if (SQL_SUCCEEDED(SQLColAttribute(stmt_.get(), number, SQL_DESC_TABLE_NAME, table,
                                          sizeof table - 1, &bytes, nullptr)))
            d.table_name = table;
        return d;
    }
    char16_t table_name[256] = {0};
    SQLSMALLINT table_bytes = 0;
    if (SQL_SUCCEEDED(SQLColAttributeW(stmt_.get(), number, SQL_DESC_TABLE_NAME, table_name,
                                       sizeof table_name - sizeof(char16_t), &table_bytes,
                                       nullptr))) {
        table_name[255] = 0;
        utf16_to_utf8(table_name, std::char_traits<char16_t>::length(table_name), d.table_name);
    }
    return d;
}

} // namespace connector::warehouse::detail
