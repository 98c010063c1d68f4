#include "core/error.hpp"
#include "odbc_fixture.hpp"
#include "support/test_env.hpp"
#include "warehouse/connection_string.hpp"
#include "warehouse/odbc_source.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

using namespace connector;
using namespace connector::test;
using connector::warehouse::OdbcError;
using connector::warehouse::OdbcFailure;

namespace {

template <typename T> const T &as(const Value &v) {
    INFO("value holds " << type_name(v));
    REQUIRE(std::holds_alternative<T>(v));
    return std::get<T>(v);
}

OdbcError expect_odbc_error(const warehouse::ConnectionOptions &options, const std::string &sql) {
    try {
        read_all(options, sql);
    } catch (const OdbcError &e) {
        return e;
    }
    FAIL("no OdbcError");
    throw std::logic_error("unreachable");
}

// `base` with one attribute replaced (or added).
std::string
with_attribute(const std::string &base, const std::string &key, const std::string &value) {
    std::string out;
    bool replaced = false;
    for (const auto &a : warehouse::parse_connection_string(base)) {
        std::string v = a.value;
        if (a.key.size() == key.size() &&
            std::equal(a.key.begin(), a.key.end(), key.begin(),
                       [](char x, char y) { return std::tolower(x) == std::tolower(y); })) {
            v = value;
            replaced = true;
        }
        out += a.key + "=" + (v.find(';') != std::string::npos ? "{" + v + "}" : v) + ";";
    }
    if (!replaced)
        out += key + "=" + value + ";";
    return out;
}

// CONNECTOR_TEST_PG with one attribute replaced.
std::string pg_with(const std::string &key, const std::string &value) {
    return with_attribute(pg_connection(), key, value);
}

std::string repeat(const std::string &piece, std::size_t n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s += piece;
    return s;
}

} // namespace

TEST_CASE("OdbcSource (PostgreSQL): every SQL type becomes its value, NULLs stay null",
          "[warehouse][integration]") {
    const auto result = read_all(
        options_for(pg_connection()),
        "SELECT 1::int2 AS i2, 2::int4 AS i4, 9223372036854775807::int8 AS i8, "
        "0.1::numeric AS n1, 12345678901234567.89::numeric(20,2) AS n2, -12.50::numeric(6,2) AS "
        "n3, 'NaN'::numeric AS nnan, 1.5::float4 AS f4, 0.30000000000000004::float8 AS f8, "
        "'NaN'::float8 AS fnan, 'Infinity'::float8 AS finf, '-Infinity'::float8 AS fninf, "
        "true AS yes, false AS no, 'é漢😀'::text AS txt, 'Zoë'::varchar(10) AS vc, "
        "'ab'::char(4) AS ch, date '2024-02-29' AS d, time '03:04:05.123456' AS t, "
        "timestamp '2024-01-02 03:04:05.123456' AS ts, "
        "timestamptz '2024-01-02 03:04:05.5+02' AS tstz, '\\x00ff10'::bytea AS raw, "
        "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS id, '{\"a\": 1}'::jsonb AS doc, "
        "interval '1 day 2 hours' AS span");
    REQUIRE(result.rows.size() == 1);
    const auto &r = result.rows[0].values;
    auto v = [&](const char *name) -> const Value & { return r.at(column_index(result, name)); };
    CHECK(as<std::int64_t>(v("i2")) == 1);
    CHECK(as<std::int64_t>(v("i4")) == 2);
    CHECK(as<std::int64_t>(v("i8")) == std::numeric_limits<std::int64_t>::max());
    CHECK(as<Decimal>(v("n1")).digits == "0.1");
    CHECK(as<Decimal>(v("n2")).digits == "12345678901234567.89");
    CHECK(as<Decimal>(v("n3")).digits == "-12.50");
    CHECK(std::isnan(as<double>(v("nnan"))));
    CHECK(as<double>(v("f4")) == 1.5);
    CHECK(as<double>(v("f8")) == 0.1 + 0.2);
    CHECK(std::isnan(as<double>(v("fnan"))));
    CHECK(as<double>(v("finf")) == std::numeric_limits<double>::infinity());
    CHECK(as<double>(v("fninf")) == -std::numeric_limits<double>::infinity());
    CHECK(as<bool>(v("yes")) == true);
    CHECK(as<bool>(v("no")) == false);
    CHECK(as<std::string>(v("txt")) == "é漢😀");
    CHECK(as<std::string>(v("vc")) == "Zoë");
    CHECK(as<std::string>(v("ch")) == "ab  ");
    CHECK(as<Date>(v("d")) == Date{2024, 2, 29});
    CHECK(as<Time>(v("t")) == Time{3, 4, 5, 123456000});
    CHECK(to_iso8601(as<Timestamp>(v("ts"))) == "2024-01-02T03:04:05.123456Z");
    CHECK(to_iso8601(as<Timestamp>(v("tstz"))) == "2024-01-02T01:04:05.500Z");
    CHECK(as<Bytes>(v("raw")) == Bytes{0x00, 0xff, 0x10});
    CHECK(as<std::string>(v("id")) == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
    CHECK(as<std::string>(v("doc")) == "{\"a\": 1}");
    CHECK(as<std::string>(v("span")) == "1 day 02:00:00");
    CHECK(result.columns[column_index(result, "i8")].sql_type == "int8");

    const auto nulls =
        read_all(options_for(pg_connection()),
                 "SELECT NULL::int8 AS a, NULL::numeric AS b, NULL::float8 AS c, NULL::bool AS d, "
                 "NULL::text AS e, NULL::date AS f, NULL::time AS g, NULL::timestamp AS h, "
                 "NULL::timestamptz AS i, NULL::bytea AS j, NULL AS k");
    REQUIRE(nulls.rows.size() == 1);
    for (std::size_t c = 0; c < nulls.columns.size(); ++c) {
        INFO("column " << nulls.columns[c].name);
        CHECK(std::holds_alternative<Null>(nulls.rows[0].values[c]));
    }
}

TEST_CASE("OdbcSource (PostgreSQL): text in many scripts survives, in values and column names",
          "[warehouse][integration]") {
    PgSchema schema;
    schema.exec("CREATE TABLE people (id int, name text, city varchar(40));"
                "INSERT INTO people VALUES (1, 'François Tremblay', 'Montréal'), "
                "(2, '山田 太郎', '東京'), (3, 'Ολυμπία', 'Αθήνα'), (4, '🎉 Party "
                "👩‍👩‍👧', "
                "'Zürich'), "
                "(5, 'Ørjan Æsir', NULL);");
    const auto result =
        read_all(options_for(pg_connection()), "SELECT id, name AS \"naïve 名前\", city FROM " +
                                                   schema.name() + ".people ORDER BY id");
    REQUIRE(result.rows.size() == 5);
    CHECK(result.columns[1].name == "naïve 名前");
    CHECK(as<std::string>(result.rows[0].values[1]) == "François Tremblay");
    CHECK(as<std::string>(result.rows[0].values[2]) == "Montréal");
    CHECK(as<std::string>(result.rows[1].values[1]) == "山田 太郎");
    CHECK(as<std::string>(result.rows[1].values[2]) == "東京");
    CHECK(as<std::string>(result.rows[2].values[1]) == "Ολυμπία");
    CHECK(as<std::string>(result.rows[3].values[1]) == "🎉 Party 👩‍👩‍👧");
    CHECK(as<std::string>(result.rows[4].values[1]) == "Ørjan Æsir");
    CHECK(std::holds_alternative<Null>(result.rows[4].values[2]));
}

TEST_CASE("OdbcSource (PostgreSQL): zone-less timestamps use the warehouse zone, timestamptz "
          "does not",
          "[warehouse][integration]") {
    auto options = options_for(pg_connection());
    options.warehouse_timezone = "America/New_York";
    const auto result = read_all(options, "SELECT timestamp '2024-07-01 12:00:00' AS local_ts, "
                                          "timestamptz '2024-07-01 12:00:00+00' AS instant");
    REQUIRE(result.rows.size() == 1);
    CHECK(to_iso8601(as<Timestamp>(result.rows[0].values[0])) == "2024-07-01T16:00:00Z");
    CHECK(to_iso8601(as<Timestamp>(result.rows[0].values[1])) == "2024-07-01T12:00:00Z");
}

TEST_CASE("OdbcSource (PostgreSQL): a 1 MB text value and a 1 MB bytea come through whole",
          "[warehouse][integration]") {
    const auto result = read_all(options_for(pg_connection()),
                                 "SELECT g AS id, CASE WHEN g = 2 THEN repeat('é漢😀x', 110000) "
                                 "ELSE 'short ' || g END AS body, CASE WHEN g = 2 THEN "
                                 "decode(repeat('ab', 1100000), 'hex') END AS raw "
                                 "FROM generate_series(1, 3) g");
    REQUIRE(result.rows.size() == 3);
    CHECK(as<std::string>(result.rows[0].values[1]) == "short 1");
    const auto &body = as<std::string>(result.rows[1].values[1]);
    CHECK(body.size() == 1100000);
    CHECK(body == repeat("é漢😀x", 110000));
    CHECK(as<Bytes>(result.rows[1].values[2]) == Bytes(1100000, 0xab));
    CHECK(as<std::string>(result.rows[2].values[1]) == "short 3");
    CHECK(std::holds_alternative<Null>(result.rows[2].values[2]));
}

TEST_CASE("OdbcSource (PostgreSQL): 200,000 generated rows stream through a server cursor",
          "[warehouse][integration]") {
    const std::uint64_t n = 200000;
    std::vector<std::string> log;
    warehouse::OdbcSource source(
        options_for(pg_connection(), &log),
        "SELECT g AS i, 'name-' || g AS name, g * 0.5 AS half, pg_backend_pid() AS pid "
        "FROM generate_series(1, 200000) g",
        "gen.sql", QueryParams{});
    Row row;
    std::uint64_t count = 0;
    std::uint64_t sum = 0;
    std::uint64_t text_hash = 14695981039346656037ull;
    std::uint64_t mismatches = 0;
    std::int64_t pid = 0;
    std::string server_query;
    while (source.next(row)) {
        ++count;
        const auto i = std::get<std::int64_t>(row.values[0]);
        const auto &name = std::get<std::string>(row.values[1]);
        sum += static_cast<std::uint64_t>(i);
        for (unsigned char ch : name)
            text_hash = (text_hash ^ ch) * 1099511628211ull;
        if (row.number != count || name != "name-" + std::to_string(i) ||
            std::get<Decimal>(row.values[2]).digits !=
                std::to_string(i / 2) + (i % 2 ? ".5" : ".0"))
            ++mismatches;
        if (count == 1000) {
            // Mid-stream, the server is still serving the cursor page by page.
            pid = std::get<std::int64_t>(row.values[3]);
            const auto activity =
                read_all(options_for(pg_connection()),
                         "SELECT query FROM pg_stat_activity WHERE pid = " + std::to_string(pid));
            REQUIRE(activity.rows.size() == 1);
            server_query = std::get<std::string>(activity.rows[0].values[0]);
        }
    }
    std::uint64_t expected_hash = 14695981039346656037ull;
    for (std::uint64_t i = 1; i <= n; ++i)
        for (unsigned char ch : "name-" + std::to_string(i))
            expected_hash = (expected_hash ^ ch) * 1099511628211ull;
    CHECK(count == n);
    CHECK(sum == n * (n + 1) / 2);
    CHECK(text_hash == expected_hash);
    CHECK(mismatches == 0);
    CHECK_THAT(server_query, Catch::Contains("fetch", Catch::CaseSensitive::No));
    std::string all;
    for (const auto &line : log)
        all += line + "\n";
    CHECK_THAT(all, Catch::Contains("UseDeclareFetch=1") && Catch::Contains("psqlodbc") &&
                        Catch::Contains("block cursor"));
}

TEST_CASE("OdbcSource (PostgreSQL): the two placeholders are bound as timestamp parameters",
          "[warehouse][integration]") {
    QueryParams params;
    params.last_success_started_at = Timestamp{1704110400, 250000000}; // 2024-01-01T12:00:00.25Z
    params.run_started_at = Timestamp{1704326400, 0};                  // 2024-01-04T00:00:00Z
    const auto result = read_all(
        options_for(pg_connection()),
        "SELECT count(*) AS n, {{last_success_started_at}}::timestamptz AS since, "
        "{{run_started_at}}::timestamptz AS until FROM generate_series(timestamptz "
        "'2024-01-01 00:00:00+00', timestamptz '2024-01-10 00:00:00+00', interval '1 day') g "
        "WHERE g > {{last_success_started_at}} AND g <= {{run_started_at}}",
        params);
    REQUIRE(result.rows.size() == 1);
    CHECK(as<std::int64_t>(result.rows[0].values[0]) == 3); // Jan 2, 3, 4
    CHECK(to_iso8601(as<Timestamp>(result.rows[0].values[1])) == "2024-01-01T12:00:00.250Z");
    CHECK(to_iso8601(as<Timestamp>(result.rows[0].values[2])) == "2024-01-04T00:00:00Z");
}

TEST_CASE("OdbcSource (PostgreSQL): a wrong password is a login error without the password",
          "[warehouse][integration]") {
    const auto error = expect_odbc_error(options_for(pg_with("Pwd", "definitely-wrong-pw-123")),
                                         "SELECT 1 AS one");
    CHECK(error.failure() == OdbcFailure::LoginFailed);
    CHECK(exit_code_for(error.kind()) == exit_code::warehouse);
    CHECK_THAT(error.what(), Catch::Contains("test.sql") && Catch::Contains("Uid/Pwd") &&
                                 Catch::Contains("password authentication failed") &&
                                 Catch::Contains("Pwd=***"));
    CHECK_THAT(error.what(), !Catch::Contains("definitely-wrong-pw-123"));
}

TEST_CASE("OdbcSource (PostgreSQL): an unreachable server and a missing database are told apart",
          "[warehouse][integration]") {
    auto refused = expect_odbc_error(options_for(pg_with("Port", "1")), "SELECT 1 AS one");
    CHECK(refused.failure() == OdbcFailure::Unreachable);
    CHECK_THAT(refused.what(), Catch::Contains("could not be reached"));
    auto missing = expect_odbc_error(options_for(pg_with("Database", "no_such_db_for_connector")),
                                     "SELECT 1 AS one");
    CHECK(missing.failure() == OdbcFailure::DatabaseMissing);
    CHECK_THAT(missing.what(), Catch::Contains("no_such_db_for_connector"));
}

TEST_CASE("OdbcSource (PostgreSQL): a missing table names the query file and the relation",
          "[warehouse][integration]") {
    const auto error =
        expect_odbc_error(options_for(pg_connection()), "SELECT * FROM no_such_table_for_us");
    CHECK(error.failure() == OdbcFailure::MissingObject);
    CHECK(error.sqlstate() == "42P01");
    CHECK_THAT(error.what(), Catch::StartsWith("test.sql: ") &&
                                 Catch::Contains("no_such_table_for_us") &&
                                 Catch::Contains("SQLSTATE 42P01"));
}

TEST_CASE("OdbcSource (PostgreSQL): a role without SELECT gets the GRANT advice",
          "[warehouse][integration]") {
    PgSchema schema;
    const std::string role = unique_name("wh_reader");
    schema.exec("CREATE TABLE secret_stuff (x int); INSERT INTO secret_stuff VALUES (1);"
                "CREATE ROLE " +
                role +
                " LOGIN PASSWORD 'reader-pw-1';"
                "GRANT USAGE ON SCHEMA " +
                schema.name() + " TO " + role + ";");
    struct DropRole {
        std::string role;
        std::string schema;
        ~DropRole() {
            try {
                pg_exec("DROP OWNED BY " + role + "; DROP ROLE IF EXISTS " + role);
            } catch (...) {
            }
        }
    } drop{role, schema.name()};
    const auto as_reader = with_attribute(pg_with("Uid", role), "Pwd", "reader-pw-1");
    const auto error = expect_odbc_error(options_for(as_reader),
                                         "SELECT x FROM " + schema.name() + ".secret_stuff");
    CHECK(error.failure() == OdbcFailure::PermissionDenied);
    CHECK(error.sqlstate() == "42501");
    CHECK_THAT(error.what(), Catch::Contains("GRANT SELECT") && Catch::Contains("secret_stuff"));
}

TEST_CASE("OdbcSource (PostgreSQL): the query timeout stops a slow query",
          "[warehouse][integration]") {
    auto options = options_for(pg_connection());
    options.query_timeout_seconds = 1;
    const auto error = expect_odbc_error(options, "SELECT pg_sleep(30) AS slept");
    CHECK(error.failure() == OdbcFailure::Timeout);
    CHECK_THAT(error.what(), Catch::Contains("--query-timeout") &&
                                 Catch::Contains("query timeout: 1 s") &&
                                 Catch::Contains("test.sql"));
}

TEST_CASE("OdbcSource (PostgreSQL): the session is read-only", "[warehouse][integration]") {
    PgSchema schema;
    schema.exec("CREATE TABLE t (x int); INSERT INTO t VALUES (1);");
    const auto error =
        expect_odbc_error(options_for(pg_connection()), "DELETE FROM " + schema.name() + ".t");
    CHECK(error.failure() == OdbcFailure::ReadOnly);
    CHECK(error.sqlstate() == "25006");
    const auto after =
        read_all(options_for(pg_connection()), "SELECT count(*) AS n FROM " + schema.name() + ".t");
    CHECK(as<std::int64_t>(after.rows.at(0).values.at(0)) == 1);
}

TEST_CASE("OdbcSource (PostgreSQL): the Chinook sample reads with accented names intact, like "
          "through SQLite",
          "[warehouse][integration]") {
    PgSchema schema;
    std::ifstream in(shared_file("data/chinook/Chinook_PostgreSql.sql"));
    REQUIRE(in);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string script = buffer.str();
    // The script creates its own database; load what follows "\c chinook;" into our schema.
    const auto start = script.find("\\c chinook;");
    REQUIRE(start != std::string::npos);
    script = script.substr(start + std::string("\\c chinook;").size());
    schema.exec(script);

    const std::string columns = "customer_id, first_name, last_name, city, country, phone, email";
    const auto pg =
        read_all(options_for(pg_connection()),
                 "SELECT " + columns + " FROM " + schema.name() + ".customer ORDER BY customer_id");
    const auto lite = read_all(
        options_for(sqlite_connection(shared_file("data/chinook/Chinook_Sqlite.sqlite"))),
        "SELECT CustomerId AS customer_id, FirstName AS first_name, LastName AS last_name, City "
        "AS city, Country AS country, Phone AS phone, Email AS email FROM Customer ORDER BY "
        "CustomerId");
    REQUIRE(pg.rows.size() == 59);
    REQUIRE(lite.rows.size() == 59);
    CHECK(as<std::string>(pg.rows[0].values[1]) == "Luís");
    CHECK(as<std::string>(pg.rows[0].values[2]) == "Gonçalves");
    CHECK(as<std::string>(pg.rows[0].values[3]) == "São José dos Campos");
    CHECK(as<std::string>(pg.rows[1].values[2]) == "Köhler");
    CHECK(as<std::string>(pg.rows[3].values[1]) == "Bjørn");
    // Both drivers return the same values, except where the two samples themselves differ:
    // the SQLite file has "Edinburgh " with a trailing space for customer 54. Neither driver
    // trims it.
    std::vector<std::string> differences;
    for (std::size_t r = 0; r < 59; ++r)
        for (std::size_t c = 0; c < pg.columns.size(); ++c)
            if (!(pg.rows[r].values[c] == lite.rows[r].values[c]))
                differences.push_back("row " + std::to_string(r + 1) + " " + pg.columns[c].name);
    CHECK(differences == std::vector<std::string>{"row 54 city"});
    CHECK(as<std::string>(pg.rows[53].values[3]) == "Edinburgh");
    CHECK(as<std::string>(lite.rows[53].values[3]) == "Edinburgh ");

    const auto invoices =
        read_all(options_for(pg_connection()), "SELECT invoice_date, total FROM " + schema.name() +
                                                   ".invoice ORDER BY invoice_id LIMIT 1");
    REQUIRE(invoices.rows.size() == 1);
    CHECK(to_iso8601(as<Timestamp>(invoices.rows[0].values[0])) == "2021-01-01T00:00:00Z");
    CHECK(as<Decimal>(invoices.rows[0].values[1]).digits == "1.98");
}

TEST_CASE("OdbcSource (PostgreSQL): a stop request cancels a running query",
          "[warehouse][integration]") {
    const std::string message =
        message_when_stopped(options_for(pg_connection()), "SELECT pg_sleep(30) AS slept");
    CHECK_THAT(message, Catch::Contains("cancelled") && Catch::Contains("stopping"));
}
