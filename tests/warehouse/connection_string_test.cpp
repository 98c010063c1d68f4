#include "core/error.hpp"
#include "warehouse/connection_string.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using namespace connector::warehouse;

namespace {

// Sets an environment variable for one test and restores it afterwards.
class ScopedEnv {
  public:
    ScopedEnv(const char *name, const char *value) : name_(name) {
        if (const char *old = std::getenv(name)) {
            had_ = true;
            old_ = old;
        }
        if (value)
            ::setenv(name, value, 1);
        else
            ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (had_)
            ::setenv(name_, old_.c_str(), 1);
        else
            ::unsetenv(name_);
    }

  private:
    const char *name_;
    bool had_ = false;
    std::string old_;
};

} // namespace

TEST_CASE("expand_environment: ${VAR} is replaced by the variable's value", "[warehouse]") {
    ScopedEnv pw("CONNECTOR_WH_TEST_PW", "s3cr;et");
    ScopedEnv user("CONNECTOR_WH_TEST_USER", "reader");
    CHECK(expand_environment("Uid=${CONNECTOR_WH_TEST_USER};Pwd=${CONNECTOR_WH_TEST_PW};") ==
          "Uid=reader;Pwd=s3cr;et;");
    CHECK(expand_environment("no references") == "no references");
    CHECK(expand_environment("price $5 and $$ and $${X}") == "price $5 and $ and ${X}");
}

TEST_CASE("expand_environment: an unset variable is a config error naming it", "[warehouse]") {
    ScopedEnv missing("CONNECTOR_WH_TEST_MISSING", nullptr);
    try {
        expand_environment("Pwd=${CONNECTOR_WH_TEST_MISSING}");
        FAIL("no error");
    } catch (const connector::ConfigError &e) {
        CHECK_THAT(e.what(), Catch::Contains("CONNECTOR_WH_TEST_MISSING"));
        CHECK(e.kind() == connector::ErrorKind::Config);
    }
}

TEST_CASE("expand_environment: malformed references are config errors", "[warehouse]") {
    CHECK_THROWS_AS(expand_environment("Pwd=${UNCLOSED"), connector::ConfigError);
    CHECK_THROWS_WITH(expand_environment("Pwd=${}"), Catch::Contains("not a valid"));
    CHECK_THROWS_WITH(expand_environment("Pwd=${1X}"), Catch::Contains("1X"));
}

TEST_CASE("redact_connection_string: passwords, tokens and keys become ***", "[warehouse]") {
    CHECK(redact_connection_string(
              "Driver=PostgreSQL Unicode;Server=db;Uid=me;PWD=hunter2;Database=x") ==
          "Driver=PostgreSQL Unicode;Server=db;Uid=me;PWD=***;Database=x");
    CHECK(redact_connection_string("Password={a;b}};c};Host=h") == "Password=***;Host=h");
    CHECK(redact_connection_string("dsn=x;token=abc;auth_accesstoken=def") ==
          "dsn=x;token=***;auth_accesstoken=***");
    CHECK(redact_connection_string("Driver=Snowflake;PRIV_KEY_FILE_PWD=pp;ClientSecret=cs") ==
          "Driver=Snowflake;PRIV_KEY_FILE_PWD=***;ClientSecret=***");
    CHECK(redact_connection_string("Driver=BigQuery;ApiKey=k1") == "Driver=BigQuery;ApiKey=***");
    // A JWT or long token under an innocent-looking key is redacted too.
    CHECK(redact_connection_string("Driver=X;Auth=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig") ==
          "Driver=X;Auth=***");
    CHECK(redact_connection_string("Driver=X;Extra=dapi0123456789abcdef0123456789abcdef0123") ==
          "Driver=X;Extra=***");
    // Ordinary values stay readable.
    CHECK(redact_connection_string("Driver={ODBC Driver 18 for SQL Server};Server=tcp:h,1433") ==
          "Driver={ODBC Driver 18 for SQL Server};Server=tcp:h,1433");
}

TEST_CASE("parse_connection_string: braces protect semicolons and }} escapes", "[warehouse]") {
    const auto a = parse_connection_string("Driver={My; Driver};PWD={p}}w;d};  Port = 5432 ;");
    REQUIRE(a.size() == 3);
    CHECK(a[0].key == "Driver");
    CHECK(a[0].value == "My; Driver");
    CHECK(a[1].value == "p}w;d");
    CHECK(a[2].key == "Port");
    CHECK(a[2].value == "5432");
    REQUIRE(find_attribute(a, "port") != nullptr);
    CHECK(find_attribute(a, "PORT")->value == "5432");
    CHECK(find_attribute(a, "Uid") == nullptr);
}

TEST_CASE("scrub_secrets: secret values are removed from free text", "[warehouse]") {
    const auto secrets = secret_values("Driver=X;Uid=u;Pwd=hunter2");
    REQUIRE(secrets == std::vector<std::string>{"hunter2"});
    CHECK(scrub_secrets("login hunter2 failed; hunter2!", secrets) == "login *** failed; ***!");
    CHECK(is_secret_key("PWD"));
    CHECK(is_secret_key("Password"));
    CHECK(is_secret_key("Auth_Token"));
    CHECK_FALSE(is_secret_key("Uid"));
    CHECK_FALSE(is_secret_key("Server"));
}
