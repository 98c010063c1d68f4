#include "odbc_fixture.hpp"
#include "support/temp_dir.hpp"
#include "warehouse/detail/odbc_connection.hpp"
#include "warehouse/detail/odbc_handle.hpp"
#include "warehouse/detail/utf16.hpp"

#include <catch2/catch.hpp>

using namespace connector;
using namespace connector::test;
using namespace connector::warehouse;
using namespace connector::warehouse::detail;

namespace {

SQLRETURN exec_direct(const StmtHandle &stmt, const std::string &sql) {
    std::u16string wide = utf8_to_utf16(sql);
    return SQLExecDirectW(stmt.get(), reinterpret_cast<SQLWCHAR *>(wide.data()),
                          static_cast<SQLINTEGER>(wide.size()));
}

} // namespace

TEST_CASE("collect_diagnostics: SQLite ODBC records read again and again, past the last one, "
          "never crash",
          "[warehouse][integration]") {
    TempDir dir;
    OdbcConnection connection;
    connection.connect(sqlite_connection(dir.file("diag.db")));
    StmtHandle stmt(connection.native_dbc());
    REQUIRE(exec_direct(stmt, "SELECT * FROM missing_one") == SQL_ERROR);

    // Ask for far more records than exist, several times (nanodbc saw SQLite and PostgreSQL
    // drivers crash on repeated SQLGetDiagRec).
    for (int round = 0; round < 5; ++round) {
        const auto records = collect_diagnostics(SQL_HANDLE_STMT, stmt.get(), 10000);
        REQUIRE(records.size() == 1);
        CHECK(records[0].sqlstate == "HY000");
        CHECK(records[0].native_code == 1);
        CHECK(records[0].message == "[SQLite]no such table: missing_one (1)");
    }
    CHECK(collect_diagnostics(SQL_HANDLE_STMT, stmt.get(), 0).empty());
    CHECK(collect_diagnostics(SQL_HANDLE_STMT, SQL_NULL_HANDLE, 10).empty());
}

TEST_CASE("collect_diagnostics: a message longer than the first buffer is read whole",
          "[warehouse][integration]") {
    TempDir dir;
    OdbcConnection connection;
    connection.connect(sqlite_connection(dir.file("long.db")));
    StmtHandle stmt(connection.native_dbc());
    const std::string name = "t_" + std::string(3000, 'x');
    REQUIRE(exec_direct(stmt, "SELECT * FROM " + name) == SQL_ERROR);
    const auto records = collect_diagnostics(SQL_HANDLE_STMT, stmt.get());
    REQUIRE(records.size() == 1);
    // NOTE(sqliteodbc 0.9998): the driver cuts its own messages at 512 characters; the first
    // buffer holds 511, so all 512 arrive only through the second, larger read.
    CHECK(records[0].message.size() == 512);
    CHECK_THAT(records[0].message, Catch::StartsWith("[SQLite]no such table: t_xxxx"));
}

TEST_CASE("collect_diagnostics: a rowset full of truncation warnings is read without trouble",
          "[warehouse][integration]") {
    TempDir dir;
    OdbcConnection connection;
    connection.connect(sqlite_connection(dir.file("warn.db")));
    StmtHandle stmt(connection.native_dbc());
    REQUIRE(
        SQL_SUCCEEDED(SQLSetStmtAttrW(stmt.get(), SQL_ATTR_ROW_ARRAY_SIZE,
                                      reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(100)), 0)));
    REQUIRE(SQL_SUCCEEDED(exec_direct(stmt, "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT "
                                            "i + 1 FROM c WHERE i < 100) SELECT 'long text ' || "
                                            "i FROM c")));
    char values[100][2];
    SQLLEN lengths[100];
    REQUIRE(SQL_SUCCEEDED(SQLBindCol(stmt.get(), 1, SQL_C_CHAR, values, 2, lengths)));
    const SQLRETURN rc = SQLFetchScroll(stmt.get(), SQL_FETCH_NEXT, 0);
    CHECK(rc == SQL_SUCCESS_WITH_INFO);
    // check() lets SQL_SUCCESS_WITH_INFO through.
    CHECK(check(rc, SQL_HANDLE_STMT, stmt.get(), "SQLFetchScroll") == SQL_SUCCESS_WITH_INFO);
    const auto records = collect_diagnostics(SQL_HANDLE_STMT, stmt.get(), 1000);
    REQUIRE_FALSE(records.empty());
    CHECK(records.size() <= 1000);
    CHECK(records[0].sqlstate == "01004");
    SQLFreeStmt(stmt.get(), SQL_UNBIND);
}

TEST_CASE("check: a failed call throws OdbcError with the call name and diagnostics",
          "[warehouse][integration]") {
    TempDir dir;
    OdbcConnection connection;
    connection.connect(sqlite_connection(dir.file("check.db")));
    StmtHandle stmt(connection.native_dbc());
    try {
        check(exec_direct(stmt, "SELECT * FROM nowhere"), SQL_HANDLE_STMT, stmt.get(),
              "SQLExecDirect");
        FAIL("no error");
    } catch (const OdbcError &e) {
        CHECK(e.call() == "SQLExecDirect");
        CHECK(e.sqlstate() == "HY000");
        CHECK(e.failure() == OdbcFailure::MissingObject);
        CHECK_THAT(e.what(), Catch::Contains("SQL_ERROR") && Catch::Contains("nowhere"));
    }
    CHECK(check(SQL_NO_DATA, SQL_HANDLE_STMT, stmt.get(), "SQLFetch", true) == SQL_NO_DATA);
    CHECK_THROWS_AS(check(SQL_INVALID_HANDLE, SQL_HANDLE_STMT, stmt.get(), "SQLFetch"), OdbcError);
}
