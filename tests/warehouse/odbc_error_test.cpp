#include "warehouse/odbc_error.hpp"

#include <catch2/catch.hpp>

using namespace connector::warehouse;

namespace {

OdbcFailure classify(const std::string &state,
                     const std::string &message,
                     OdbcPhase phase = OdbcPhase::Query,
                     int native = 0) {
    return classify_failure({DiagRecord{state, native, message}}, phase);
}

} // namespace

TEST_CASE("classify_failure: driver manager failures", "[warehouse]") {
    CHECK(classify("01000", "[unixODBC][Driver Manager]Can't open lib 'Nope' : file not found",
                   OdbcPhase::Connect) == OdbcFailure::DriverMissing);
    CHECK(classify("IM002",
                   "[unixODBC][Driver Manager]Data source name not found and no default driver "
                   "specified",
                   OdbcPhase::Connect) == OdbcFailure::DataSourceMissing);
}

TEST_CASE("classify_failure: PostgreSQL login failures are told apart", "[warehouse]") {
    CHECK(classify("08001",
                   "connection to server at \"127.0.0.1\", port 5432 failed: FATAL:  password "
                   "authentication failed for user \"x\"",
                   OdbcPhase::Connect) == OdbcFailure::LoginFailed);
    CHECK(classify("08001", "connection to server at \"h\", port 1 failed: Connection refused",
                   OdbcPhase::Connect) == OdbcFailure::Unreachable);
    CHECK(classify("08001", "FATAL:  database \"nope\" does not exist", OdbcPhase::Connect) ==
          OdbcFailure::DatabaseMissing);
}

TEST_CASE("classify_failure: query failures by SQLSTATE and by SQLite's words", "[warehouse]") {
    CHECK(classify("42P01", "ERROR: relation \"t\" does not exist") == OdbcFailure::MissingObject);
    CHECK(classify("HY000", "[SQLite]no such table: t (1)") == OdbcFailure::MissingObject);
    CHECK(classify("42501", "ERROR: permission denied for table t") ==
          OdbcFailure::PermissionDenied);
    CHECK(classify("57014", "ERROR: canceling statement due to statement timeout") ==
          OdbcFailure::Timeout);
    CHECK(classify("HYT00", "Timeout expired") == OdbcFailure::Timeout);
    CHECK(classify("25006", "ERROR: cannot execute INSERT in a read-only transaction") ==
          OdbcFailure::ReadOnly);
    CHECK(classify("HY000", "[SQLite]attempt to write a readonly database (8)") ==
          OdbcFailure::ReadOnly);
    CHECK(classify("42601", "ERROR: syntax error at or near \"form\"") == OdbcFailure::Syntax);
    CHECK(classify("HY000", "[SQLite]connect failed", OdbcPhase::Connect, 14) ==
          OdbcFailure::DatabaseMissing);
    CHECK(classify("HY000", "something odd") == OdbcFailure::Other);
}

TEST_CASE("classify_failure: a specific later record beats a generic first one", "[warehouse]") {
    const std::vector<DiagRecord> records{{"01000", 0, "General warning"},
                                          {"42S02", 208, "Invalid object name 'dbo.t'."}};
    CHECK(classify_failure(records, OdbcPhase::Query) == OdbcFailure::MissingObject);
}

TEST_CASE("format_diagnostics: SQLSTATE, native code and message, capped", "[warehouse]") {
    std::vector<DiagRecord> records;
    for (int i = 0; i < 5; ++i)
        records.push_back({"HY000", i, "m" + std::to_string(i)});
    const std::string text = format_diagnostics(records, 2);
    CHECK(text == "[SQLSTATE HY000, native error 0] m0; [SQLSTATE HY000, native error 1] m1; "
                  "(3 more)");
    CHECK_THAT(format_diagnostics({}), Catch::Contains("no diagnostic"));
}

TEST_CASE("advice_for: every failure has advice a user can act on", "[warehouse]") {
    CHECK_THAT(advice_for(OdbcFailure::DriverMissing), Catch::Contains("odbcinst -q -d"));
    CHECK_THAT(advice_for(OdbcFailure::DataSourceMissing), Catch::Contains("odbcinst -q -s"));
    CHECK_THAT(advice_for(OdbcFailure::PermissionDenied), Catch::Contains("GRANT SELECT"));
    CHECK_THAT(advice_for(OdbcFailure::Timeout), Catch::Contains("--query-timeout"));
    CHECK_THAT(advice_for(OdbcFailure::LoginFailed), Catch::Contains("Uid/Pwd"));
}
