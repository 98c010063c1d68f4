#include "core/error.hpp"
#include "odbc_fixture.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"
#include "warehouse/odbc_source.hpp"

#include <catch2/catch.hpp>

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <unistd.h>

using namespace connector;
using namespace connector::test;
using connector::warehouse::OdbcError;
using connector::warehouse::OdbcFailure;

namespace {

// NOTE(sqliteodbc 0.9998): reading a DSN from odbc.ini leaks ~1.8 KB inside the driver, whose
// frames (built without frame pointers) LeakSanitizer cannot attribute, so no suppression
// matches. Allocations made while this guard lives are not reported.
class IgnoreDriverLeaks {
  public:
#if defined(__SANITIZE_ADDRESS__)
    IgnoreDriverLeaks() {
        __lsan_disable();
    }
    ~IgnoreDriverLeaks() {
        __lsan_enable();
    }
#endif
};

template <typename T> const T &as(const Value &v) {
    INFO("value holds " << type_name(v));
    REQUIRE(std::holds_alternative<T>(v));
    return std::get<T>(v);
}

std::string repeat(const std::string &piece, std::size_t n) {
    std::string s;
    s.reserve(piece.size() * n);
    for (std::size_t i = 0; i < n; ++i)
        s += piece;
    return s;
}

QueryParams params_at(std::int64_t last, std::int64_t run) {
    QueryParams p;
    p.last_success_started_at = Timestamp{last, 0};
    p.run_started_at = Timestamp{run, 0};
    return p;
}

// Expects the constructor to throw an OdbcError and returns it.
OdbcError expect_odbc_error(const warehouse::ConnectionOptions &options, const std::string &sql) {
    try {
        read_all(options, sql);
    } catch (const OdbcError &e) {
        return e;
    }
    FAIL("no OdbcError");
    throw std::logic_error("unreachable");
}

} // namespace

TEST_CASE("OdbcSource (SQLite): declared column types become typed values, NULLs stay null",
          "[warehouse][integration]") {
    TempDir dir;
    const auto db = dir.file("types.db");
    sqlite_exec(db, "CREATE TABLE t (id INTEGER, r REAL, n NUMERIC(10,2), flag BOOLEAN, d DATE,"
                    " ts TIMESTAMP, tm TIME, v VARCHAR(40), tx TEXT, b BLOB, bi BIGINT);"
                    "INSERT INTO t VALUES (1, 1.5, 0.1, 1, '2024-02-29', "
                    "'2024-01-02 03:04:05.123', '03:04:05.5', 'Zoë', 'é漢😀', x'00ff10', "
                    "9223372036854775807);"
                    "INSERT INTO t VALUES (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                    "NULL, NULL);");
    const auto result = read_all(options_for(sqlite_connection(db)), "SELECT * FROM t ORDER BY id");
    REQUIRE(result.columns.size() == 11);
    CHECK(result.columns[0].name == "id");
    CHECK(result.columns[2].sql_type == "NUMERIC");
    REQUIRE(result.rows.size() == 2);
    const auto &r = result.rows[0].values;
    CHECK(result.rows[0].number == 1);
    CHECK(as<std::int64_t>(r[0]) == 1);
    CHECK(as<double>(r[1]) == 1.5);
    CHECK(as<Decimal>(r[2]).digits == "0.1");
    CHECK(as<bool>(r[3]) == true);
    CHECK(as<Date>(r[4]) == Date{2024, 2, 29});
    CHECK(to_iso8601(as<Timestamp>(r[5])) == "2024-01-02T03:04:05.123Z");
    CHECK(as<Time>(r[6]) == Time{3, 4, 5, 500000000});
    CHECK(as<std::string>(r[7]) == "Zoë");
    CHECK(as<std::string>(r[8]) == "é漢😀");
    CHECK(as<Bytes>(r[9]) == Bytes{0x00, 0xff, 0x10});
    CHECK(as<std::int64_t>(r[10]) == 9223372036854775807LL);
    CHECK(result.rows[1].number == 2);
    for (std::size_t c = 1; c < 11; ++c) {
        INFO("column " << result.columns[c].name);
        CHECK(std::holds_alternative<Null>(result.rows[1].values[c]));
    }
}

TEST_CASE("OdbcSource (SQLite): expressions without a declared type are typed value by value",
          "[warehouse][integration]") {
    const auto result =
        read_all(options_for(sqlite_connection(":memory:")),
                 "SELECT 1+1 AS a, 'a'||'b' AS b, 0.5*2 AS c, '0'||'0123' AS zip, NULL AS n, "
                 "9223372036854775807 AS big, -7 AS neg, 'prénom' AS \"prénom\", 0.1+0.2 AS sum, "
                 "'1.50' AS price, '+7' AS plus, count(*) AS rows_seen, '12'||'345' AS digits");
    REQUIRE(result.rows.size() == 1);
    const auto &r = result.rows[0].values;
    CHECK(as<std::int64_t>(r[0]) == 2);
    CHECK(as<std::string>(r[1]) == "ab");
    CHECK(as<double>(r[2]) == 1.0);
    // Text that is not exactly how SQLite prints a number stays text: zip codes keep zeros.
    CHECK(as<std::string>(r[3]) == "00123");
    CHECK(std::holds_alternative<Null>(r[4]));
    CHECK(as<std::int64_t>(r[5]) == 9223372036854775807LL);
    CHECK(as<std::int64_t>(r[6]) == -7);
    // NOTE(sqliteodbc 0.9998): column names beyond Latin-1 are mangled by the driver itself
    // (documented in drivers/sqlite.md); values are not.
    CHECK(result.columns[7].name == "prénom");
    // SQLite ODBC prints REALs with 15 significant digits.
    CHECK(as<double>(r[8]) == 0.3);
    CHECK(as<std::string>(r[9]) == "1.50");
    CHECK(as<std::string>(r[10]) == "+7");
    CHECK(as<std::int64_t>(r[11]) == 1);
    // The one ambiguity: a string of digits in canonical form reads as an integer (the driver
    // does not say which storage class a value has). It converts back to the same text.
    CHECK(as<std::int64_t>(r[12]) == 12345);
}

TEST_CASE("OdbcSource (SQLite): a blob expression is bytes", "[warehouse][integration]") {
    const auto result = read_all(options_for(sqlite_connection(":memory:")),
                                 "SELECT x'00ff' AS bin, zeroblob(3) AS zeros");
    REQUIRE(result.rows.size() == 1);
    CHECK(as<Bytes>(result.rows[0].values[0]) == Bytes{0x00, 0xff});
    CHECK(as<Bytes>(result.rows[0].values[1]) == Bytes{0, 0, 0});
}

TEST_CASE("OdbcSource (SQLite): a value that does not match its column's type is kept as "
          "stored, never lost",
          "[warehouse][integration]") {
    TempDir dir;
    const auto db = dir.file("mixed.db");
    sqlite_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, d DATE, r REAL);"
                    "INSERT INTO t VALUES (1, 'abc', 'garbage', 'n/a');"
                    "INSERT INTO t VALUES (2, 2.5, 20240102, 3);");
    const auto result =
        read_all(options_for(sqlite_connection(db)),
                 "SELECT i, d, r, CASE id WHEN 1 THEN 10 ELSE 'text' END AS mixed FROM t "
                 "ORDER BY id");
    REQUIRE(result.rows.size() == 2);
    const auto &a = result.rows[0].values;
    const auto &b = result.rows[1].values;
    // ODBC's own conversion would have made 'abc' NULL and 2.5 the integer 2.
    CHECK(as<std::string>(a[0]) == "abc");
    CHECK(as<double>(b[0]) == 2.5);
    CHECK(as<std::string>(a[1]) == "garbage");
    CHECK(as<std::int64_t>(b[1]) == 20240102);
    CHECK(as<std::string>(a[2]) == "n/a");
    CHECK(as<double>(b[2]) == 3.0);
    CHECK(as<std::int64_t>(a[3]) == 10);
    CHECK(as<std::string>(b[3]) == "text");
}

TEST_CASE("OdbcSource (SQLite): a 1 MB text value and a 1 MB blob come through whole",
          "[warehouse][integration]") {
    TempDir dir;
    const auto db = dir.file("big.db");
    // 'é漢😀x' is 10 bytes of UTF-8 and 5 UTF-16 units (the emoji is a surrogate pair).
    sqlite_exec(db, "CREATE TABLE t (id INTEGER, body TEXT, raw BLOB);"
                    "INSERT INTO t SELECT 1, replace(hex(zeroblob(110000)), '00', 'é漢😀x'), "
                    "zeroblob(1100000);"
                    "INSERT INTO t VALUES (2, 'short', x'01');");
    const auto result =
        read_all(options_for(sqlite_connection(db)), "SELECT id, body, raw FROM t ORDER BY id");
    REQUIRE(result.rows.size() == 2);
    const auto &body = as<std::string>(result.rows[0].values[1]);
    CHECK(body.size() == 1100000);
    CHECK(body == repeat("é漢😀x", 110000));
    CHECK(as<Bytes>(result.rows[0].values[2]) == Bytes(1100000, 0));
    CHECK(as<std::string>(result.rows[1].values[1]) == "short");
    CHECK(as<Bytes>(result.rows[1].values[2]) == Bytes{0x01});
}

TEST_CASE("OdbcSource (SQLite): 200,000 generated rows are read in full",
          "[warehouse][integration]") {
    const std::uint64_t n = 200000;
    warehouse::OdbcSource source(
        options_for(sqlite_connection(":memory:")),
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 200000) "
        "SELECT i, 'name-' || i AS name, i * 0.5 AS half FROM c",
        "gen.sql", QueryParams{});
    Row row;
    std::uint64_t count = 0;
    std::uint64_t sum = 0;
    std::uint64_t text_hash = 14695981039346656037ull; // FNV-1a over every name
    std::uint64_t mismatches = 0;
    while (source.next(row)) {
        ++count;
        const auto i = std::get<std::int64_t>(row.values[0]);
        const auto &name = std::get<std::string>(row.values[1]);
        sum += static_cast<std::uint64_t>(i);
        for (unsigned char ch : name)
            text_hash = (text_hash ^ ch) * 1099511628211ull;
        if (row.number != count || name != "name-" + std::to_string(i) ||
            std::get<double>(row.values[2]) != static_cast<double>(i) * 0.5)
            ++mismatches;
    }
    std::uint64_t expected_hash = 14695981039346656037ull;
    for (std::uint64_t i = 1; i <= n; ++i)
        for (unsigned char ch : "name-" + std::to_string(i))
            expected_hash = (expected_hash ^ ch) * 1099511628211ull;
    CHECK(count == n);
    CHECK(source.rows_read() == n);
    CHECK(sum == n * (n + 1) / 2);
    CHECK(text_hash == expected_hash);
    CHECK(mismatches == 0);
}

TEST_CASE("OdbcSource (SQLite): rows stream: an error in row 5 comes after rows 1 to 4",
          "[warehouse][integration]") {
    // Had the driver read the whole result first (its default), the error would come from the
    // constructor, before any row.
    warehouse::OdbcSource source(
        options_for(sqlite_connection(":memory:")),
        "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 10) "
        "SELECT CASE WHEN i < 5 THEN i ELSE abs(-9223372036854775807 - 1) END AS v FROM c",
        "stream.sql", QueryParams{});
    Row row;
    for (std::int64_t i = 1; i <= 4; ++i) {
        REQUIRE(source.next(row));
        CHECK(std::get<std::int64_t>(row.values[0]) == i);
    }
    try {
        source.next(row);
        FAIL("no error");
    } catch (const OdbcError &e) {
        CHECK_THAT(e.what(), Catch::Contains("stream.sql") && Catch::Contains("row 5") &&
                                 Catch::Contains("integer overflow"));
    }
}

TEST_CASE("OdbcSource (SQLite): the two placeholders are bound as UTC timestamp parameters",
          "[warehouse][integration]") {
    TempDir dir;
    const auto db = dir.file("events.db");
    sqlite_exec(db, "CREATE TABLE e (id INTEGER, at TIMESTAMP);"
                    "INSERT INTO e VALUES (1, '2024-01-01 00:00:00'), (2, '2024-01-02 00:00:00'),"
                    " (3, '2024-01-03 00:00:00'), (4, '2024-01-04 00:00:00');");
    // 2024-01-01T12:00:00Z and 2024-01-03T00:00:00Z
    const auto params = params_at(1704110400, 1704240000);
    const auto result = read_all(
        options_for(sqlite_connection(db)),
        "SELECT id FROM e WHERE at > {{last_success_started_at}} AND at <= {{ run_started_at }} "
        "ORDER BY id",
        params);
    REQUIRE(result.rows.size() == 2);
    CHECK(as<std::int64_t>(result.rows[0].values[0]) == 2);
    CHECK(as<std::int64_t>(result.rows[1].values[0]) == 3);
    // The value itself, as the driver received it: a parameter, not text pasted into the SQL.
    const auto echo =
        read_all(options_for(sqlite_connection(db)),
                 "SELECT {{run_started_at}} AS r, {{last_success_started_at}} AS l", params);
    REQUIRE(echo.rows.size() == 1);
    CHECK_THAT(as<std::string>(echo.rows[0].values[0]), Catch::StartsWith("2024-01-03 00:00:00"));
    CHECK_THAT(as<std::string>(echo.rows[0].values[1]), Catch::StartsWith("2024-01-01 12:00:00"));
}

TEST_CASE("OdbcSource (SQLite): zone-less timestamps are read in the warehouse time zone",
          "[warehouse][integration]") {
    TempDir dir;
    const auto db = dir.file("tz.db");
    sqlite_exec(db, "CREATE TABLE t (id INTEGER, at TIMESTAMP);"
                    "INSERT INTO t VALUES (1, '2024-07-01 12:00:00'), "
                    "(2, '2024-07-01T12:00:00+02:00'), (3, '2024-01-15 12:00:00');");
    auto options = options_for(sqlite_connection(db));
    options.warehouse_timezone = "America/New_York";
    const auto result = read_all(options, "SELECT at FROM t ORDER BY id");
    REQUIRE(result.rows.size() == 3);
    CHECK(to_iso8601(as<Timestamp>(result.rows[0].values[0])) == "2024-07-01T16:00:00Z");
    CHECK(to_iso8601(as<Timestamp>(result.rows[1].values[0])) == "2024-07-01T10:00:00Z");
    CHECK(to_iso8601(as<Timestamp>(result.rows[2].values[0])) == "2024-01-15T17:00:00Z");
}

TEST_CASE("OdbcSource (SQLite): the session is read-only", "[warehouse][integration]") {
    TempDir dir;
    const auto db = dir.file("ro.db");
    sqlite_exec(db, "CREATE TABLE t (id INTEGER); INSERT INTO t VALUES (1);");
    const auto error = expect_odbc_error(options_for(sqlite_connection(db)), "DELETE FROM t");
    CHECK(error.failure() == OdbcFailure::ReadOnly);
    CHECK_THAT(error.what(), Catch::Contains("test.sql") && Catch::Contains("read-only"));
    const auto after = read_all(options_for(sqlite_connection(db)), "SELECT count(*) AS n FROM t");
    CHECK(as<std::int64_t>(after.rows.at(0).values.at(0)) == 1);
}

TEST_CASE("OdbcSource (SQLite): a missing table names the query file and the table",
          "[warehouse][integration]") {
    TempDir dir;
    const auto db = dir.file("empty.db");
    sqlite_exec(db, "CREATE TABLE present (x INTEGER);");
    const auto error =
        expect_odbc_error(options_for(sqlite_connection(db)), "SELECT * FROM customers_vip");
    CHECK(error.failure() == OdbcFailure::MissingObject);
    CHECK(error.kind() == ErrorKind::Source);
    CHECK(exit_code_for(error.kind()) == exit_code::warehouse);
    CHECK(error.sqlstate() == "HY000");
    CHECK_THAT(error.driver_message(), Catch::Contains("no such table: customers_vip"));
    CHECK_THAT(error.what(), Catch::StartsWith("test.sql: ") && Catch::Contains("does not exist") &&
                                 Catch::Contains("customers_vip"));
}

TEST_CASE("OdbcSource (SQLite): a syntax error says so", "[warehouse][integration]") {
    const auto error = expect_odbc_error(options_for(sqlite_connection(":memory:")), "SELEC 1");
    CHECK(error.failure() == OdbcFailure::Syntax);
    CHECK_THAT(error.what(), Catch::Contains("does not parse"));
}

TEST_CASE("OdbcSource (SQLite): a missing database file is an error and is not created",
          "[warehouse][integration]") {
    TempDir dir;
    const auto path = dir.file("no-such.db");
    const auto error = expect_odbc_error(options_for(sqlite_connection(path)), "SELECT 1 AS one");
    CHECK(error.failure() == OdbcFailure::DatabaseMissing);
    CHECK_THAT(error.what(), Catch::Contains("Database="));
    CHECK(::access(path.c_str(), F_OK) != 0);
}

TEST_CASE("OdbcSource: an unregistered driver gives the odbcinst advice",
          "[warehouse][integration]") {
    const auto error =
        expect_odbc_error(options_for("Driver=No Such Driver 9;Database=x"), "SELECT 1 AS one");
    CHECK(error.failure() == OdbcFailure::DriverMissing);
    CHECK_THAT(error.what(), Catch::Contains("odbcinst -q -d") &&
                                 Catch::Contains("No Such Driver 9") &&
                                 Catch::Contains("test.sql"));
    CHECK(exit_code_for(error.kind()) == exit_code::warehouse);
}

TEST_CASE("OdbcSource: an unknown DSN gives the odbcinst advice", "[warehouse][integration]") {
    warehouse::ConnectionOptions options;
    options.dsn = "connector_no_such_dsn";
    const auto error = expect_odbc_error(options, "SELECT 1 AS one");
    CHECK(error.failure() == OdbcFailure::DataSourceMissing);
    CHECK(error.sqlstate() == "IM002");
    CHECK_THAT(error.what(),
               Catch::Contains("odbcinst -q -s") && Catch::Contains("connector_no_such_dsn"));
}

TEST_CASE("OdbcSource (SQLite): a DSN from odbc.ini connects", "[warehouse][integration]") {
    TempDir dir;
    const auto db = dir.file("dsn.db");
    sqlite_exec(db, "CREATE TABLE t (name TEXT); INSERT INTO t VALUES ('Bjørn');");
    const auto ini = dir.file("odbc.ini");
    write_file(ini, "[connector_wh_test]\nDriver=SQLite3\nDatabase=" + db + "\n");
    // Only this process's environment; each test case runs in its own process under CTest.
    const char *old = std::getenv("ODBCINI");
    const std::string saved = old ? old : "";
    ::setenv("ODBCINI", ini.c_str(), 1);
    warehouse::ConnectionOptions options;
    options.dsn = "connector_wh_test";
    std::vector<std::string> log;
    options.verbose_log = [&log](const std::string &line) { log.push_back(line); };
    QueryResult result;
    try {
        [[maybe_unused]] IgnoreDriverLeaks ignore;
        result = read_all(options, "SELECT name FROM t");
    } catch (...) {
        old ? ::setenv("ODBCINI", saved.c_str(), 1) : ::unsetenv("ODBCINI");
        throw;
    }
    old ? ::setenv("ODBCINI", saved.c_str(), 1) : ::unsetenv("ODBCINI");
    REQUIRE(result.rows.size() == 1);
    CHECK(as<std::string>(result.rows[0].values[0]) == "Bjørn");
    // The SQLite profile was recognised from the DSN's driver before connecting.
    bool nocreat = false;
    for (const auto &line : log)
        nocreat = nocreat || line.find("NoCreat=1") != std::string::npos;
    CHECK(nocreat);
}

TEST_CASE("OdbcSource: duplicate and empty column names are config errors naming them",
          "[warehouse][integration]") {
    const auto conn = sqlite_connection(":memory:");
    try {
        read_all(options_for(conn), "SELECT 1 AS email, 2 AS Email");
        FAIL("no error");
    } catch (const ConfigError &e) {
        CHECK_THAT(e.what(), Catch::Contains("test.sql") && Catch::Contains("\"email\"") &&
                                 Catch::Contains("\"Email\""));
    }
    try {
        read_all(options_for(conn), "SELECT 1 AS \"\"");
        FAIL("no error");
    } catch (const ConfigError &e) {
        CHECK_THAT(e.what(), Catch::Contains("column 1 has no name"));
    }
}

TEST_CASE("OdbcSource: option mistakes are config errors before connecting",
          "[warehouse][integration]") {
    TempDir dir;
    auto options = options_for(sqlite_connection(dir.file("x.db")));
    options.warehouse_timezone = "Not/A_Zone";
    CHECK_THROWS_AS(read_all(options, "SELECT 1 AS one"), ConfigError);

    warehouse::ConnectionOptions none;
    CHECK_THROWS_WITH(read_all(none, "SELECT 1 AS one"), Catch::Contains("--dsn"));

    auto both = options_for(sqlite_connection(dir.file("x.db")));
    both.dsn = "x";
    CHECK_THROWS_AS(read_all(both, "SELECT 1 AS one"), ConfigError);

    ::unsetenv("CONNECTOR_WH_UNSET_VAR");
    CHECK_THROWS_WITH(
        read_all(options_for("Driver=SQLite3;Database=${CONNECTOR_WH_UNSET_VAR}"), "SELECT 1"),
        Catch::Contains("CONNECTOR_WH_UNSET_VAR"));
}

TEST_CASE("OdbcSource (SQLite): the verbose log names the driver and hides secrets",
          "[warehouse][integration]") {
    ::setenv("CONNECTOR_WH_TEST_SECRET", "hunter2-not-for-logs", 1);
    std::vector<std::string> log;
    const auto result = read_all(
        options_for(sqlite_connection(":memory:") + ";PWD=${CONNECTOR_WH_TEST_SECRET}", &log),
        "SELECT 1 AS one");
    ::unsetenv("CONNECTOR_WH_TEST_SECRET");
    CHECK(result.rows.size() == 1);
    std::string all;
    for (const auto &line : log)
        all += line + "\n";
    CHECK_THAT(all, Catch::Contains("sqlite3odbc") && Catch::Contains("0.9998") &&
                        Catch::Contains("PWD=***") && Catch::Contains("query_only"));
    CHECK_THAT(all, !Catch::Contains("hunter2-not-for-logs"));
}

TEST_CASE("OdbcSource (SQLite): the Chinook sample reads with accented names intact",
          "[warehouse][integration]") {
    const auto path = shared_file("data/chinook/Chinook_Sqlite.sqlite");
    const auto result =
        read_all(options_for(sqlite_connection(path)),
                 "SELECT CustomerId AS customer_id, FirstName AS first_name, LastName AS "
                 "last_name, City AS city, Phone AS phone, Email AS email FROM Customer "
                 "ORDER BY CustomerId");
    REQUIRE(result.rows.size() == 59);
    const auto &first = result.rows[0].values;
    CHECK(as<std::int64_t>(first[0]) == 1);
    CHECK(as<std::string>(first[1]) == "Luís");
    CHECK(as<std::string>(first[2]) == "Gonçalves");
    CHECK(as<std::string>(first[3]) == "São José dos Campos");
    CHECK(as<std::string>(result.rows[3].values[1]) == "Bjørn");
    CHECK(as<std::string>(result.rows[4].values[2]) == "Wichterlová");
    CHECK(as<std::string>(result.rows[1].values[2]) == "Köhler");

    const auto invoices = read_all(options_for(sqlite_connection(path)),
                                   "SELECT InvoiceDate AS at, Total AS total FROM Invoice "
                                   "ORDER BY InvoiceId LIMIT 2");
    REQUIRE(invoices.rows.size() == 2);
    CHECK(to_iso8601(as<Timestamp>(invoices.rows[0].values[0])) == "2021-01-01T00:00:00Z");
    CHECK(as<Decimal>(invoices.rows[0].values[1]).digits == "1.98");
}

TEST_CASE("OdbcSource (SQLite): a semicolon inside a comment does not end the query",
          "[warehouse][integration]") {
    const auto result = read_all(options_for(sqlite_connection(":memory:")),
                                 "-- customers; the VIP ones\n"
                                 "SELECT 1 AS one /* first; then */, 2 AS two;\n"
                                 "-- done;\n");
    REQUIRE(result.rows.size() == 1);
    CHECK(as<std::int64_t>(result.rows[0].values[0]) == 1);
    CHECK(as<std::int64_t>(result.rows[0].values[1]) == 2);
}

TEST_CASE("OdbcSource (SQLite): non-ASCII text in the query reaches SQLite intact",
          "[warehouse][integration]") {
    // The driver has no wide entry points: through them the driver manager would pass every
    // character as one byte, and 'São Paulo' would match nothing.
    const auto path = shared_file("data/chinook/Chinook_Sqlite.sqlite");
    const auto result = read_all(options_for(sqlite_connection(path)),
                                 "SELECT Email AS email, City AS \"ville où\" FROM Customer "
                                 "WHERE City = 'São Paulo' ORDER BY CustomerId");
    REQUIRE(result.rows.size() == 2);
    CHECK(as<std::string>(result.rows[0].values[1]) == "São Paulo");
    REQUIRE(result.columns.size() == 2);
    CHECK(result.columns[1].name == "ville où");

    const auto literal = read_all(options_for(sqlite_connection(":memory:")),
                                  "SELECT 'Ünïcødé ✓ 日本 😀' AS t, length('😀é') AS n");
    REQUIRE(literal.rows.size() == 1);
    CHECK(as<std::string>(literal.rows[0].values[0]) == "Ünïcødé ✓ 日本 😀");
    CHECK(as<std::int64_t>(literal.rows[0].values[1]) == 2);
}

TEST_CASE("OdbcSource (SQLite): a dotted alias keeps its whole name", "[warehouse][integration]") {
    // NOTE(sqliteodbc 0.9998): without LongNames=1 "location.city" comes back as "city".
    const auto result = read_all(options_for(sqlite_connection(":memory:")),
                                 "SELECT 'Paris' AS \"location.city\", 'x' AS \"a.b.c\"");
    REQUIRE(result.columns.size() == 2);
    CHECK(result.columns[0].name == "location.city");
    CHECK(result.columns[1].name == "a.b.c");
}

TEST_CASE("OdbcSource (SQLite): text that is not valid UTF-8 comes through byte for byte",
          "[warehouse][integration]") {
    // The mapper rejects it (invalid_utf8); the source must not repair or drop bytes first.
    TempDir dir;
    const auto db = dir.file("bad_utf8.db");
    sqlite_exec(db, "CREATE TABLE t (id INTEGER, note TEXT);"
                    "INSERT INTO t VALUES (1, CAST(X'41FF42C3' AS TEXT));"
                    "INSERT INTO t VALUES (2, 'fine é');");
    const auto result =
        read_all(options_for(sqlite_connection(db)), "SELECT id, note FROM t ORDER BY id");
    REQUIRE(result.rows.size() == 2);
    CHECK(as<std::string>(result.rows[0].values[1]) == std::string("A\xFF"
                                                                   "B\xC3"));
    CHECK(as<std::string>(result.rows[1].values[1]) == "fine é");
}

TEST_CASE("OdbcSource (SQLite): a dotted alias on a table column keeps its whole name, plain "
          "columns keep theirs",
          "[warehouse][integration]") {
    // NOTE(sqliteodbc 0.9998): when every column is a table's, the driver cut the alias to
    // "city" even in SQL_DESC_LABEL; with LongNames=1 plain columns come as "Table.Column".
    TempDir dir;
    const auto db = dir.file("names.db");
    sqlite_exec(db, "CREATE TABLE \"Kunden\" (id INTEGER, city TEXT, email TEXT);"
                    "CREATE TABLE orders (id INTEGER, customer INTEGER, total NUMERIC(8,2));"
                    "INSERT INTO \"Kunden\" VALUES (1, 'Köln', 'a@example.org');"
                    "INSERT INTO orders VALUES (7, 1, 9.5);");
    const auto single = read_all(options_for(sqlite_connection(db)),
                                 "SELECT id AS external_id, city AS \"location.city\", email, "
                                 "\"Kunden\".city FROM \"Kunden\"");
    REQUIRE(single.columns.size() == 4);
    CHECK(single.columns[0].name == "external_id");
    CHECK(single.columns[1].name == "location.city");
    CHECK(single.columns[2].name == "email");
    CHECK(single.columns[3].name == "city");
    const auto joined = read_all(options_for(sqlite_connection(db)),
                                 "SELECT k.email, o.total, o.id AS \"unique_id\" FROM \"Kunden\" k "
                                 "JOIN orders o ON o.customer = k.id");
    REQUIRE(joined.columns.size() == 3);
    CHECK(joined.columns[0].name == "email");
    CHECK(joined.columns[1].name == "total");
    CHECK(joined.columns[2].name == "unique_id");
    REQUIRE(joined.rows.size() == 1);
    CHECK(as<Decimal>(joined.rows[0].values[1]).digits == "9.5");
}

namespace {
// A query SQLite works on for ever before its first row.
constexpr const char *endless_query =
    "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) "
    "SELECT count(*) AS n FROM r";
} // namespace

TEST_CASE("OdbcSource (SQLite): the query timeout cancels a query whose first row does not come",
          "[warehouse][integration]") {
    // NOTE(sqliteodbc 0.9998): the driver ignores SQL_ATTR_QUERY_TIMEOUT; the connector cancels.
    auto options = options_for(sqlite_connection(":memory:"));
    options.query_timeout_seconds = 1;
    const auto error = expect_odbc_error(options, endless_query);
    CHECK(error.failure() == OdbcFailure::Timeout);
    CHECK_THAT(error.what(), Catch::Contains("--query-timeout") &&
                                 Catch::Contains("query timeout: 1 s") &&
                                 Catch::Contains("interrupted"));
}

TEST_CASE("OdbcSource (SQLite): a stop request cancels a running query",
          "[warehouse][integration]") {
    const std::string message =
        message_when_stopped(options_for(sqlite_connection(":memory:")), endless_query);
    CHECK_THAT(message, Catch::Contains("cancelled") && Catch::Contains("stopping"));
}
