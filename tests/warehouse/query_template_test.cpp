#include "core/error.hpp"
#include "warehouse/detail/query_template.hpp"

#include <catch2/catch.hpp>

using namespace connector;
using namespace connector::warehouse::detail;

TEST_CASE("prepare_query: placeholders become ? markers in order", "[warehouse]") {
    const auto q = prepare_query("select * from t\nwhere updated_at > {{ last_success_started_at }}"
                                 " and updated_at <= {{run_started_at}}\n"
                                 "  and created_at > {{last_success_started_at}}",
                                 "audience.sql");
    CHECK(q.sql == "select * from t\nwhere updated_at > ? and updated_at <= ?\n"
                   "  and created_at > ?");
    CHECK(q.parameters == std::vector<QueryParameter>{QueryParameter::LastSuccessStartedAt,
                                                      QueryParameter::RunStartedAt,
                                                      QueryParameter::LastSuccessStartedAt});
}

TEST_CASE("prepare_query: comments are removed, quoted text is left alone", "[warehouse]") {
    const auto q = prepare_query("-- uses {{run_started_at}} below; really\n"
                                 "select 'it''s {not} a -- marker', \"col{{x\" /* {{nope}};\n */ "
                                 "from t where a > {{run_started_at}}",
                                 "q.sql");
    CHECK(q.sql == "\n"
                   "select 'it''s {not} a -- marker', \"col{{x\"  \n "
                   "from t where a > ?");
    CHECK(q.parameters.size() == 1);
}

TEST_CASE("prepare_query: optimizer hints and executable comments stay", "[warehouse]") {
    CHECK(prepare_query("select /*+ SeqScan(t) */ a from t", "q.sql").sql ==
          "select /*+ SeqScan(t) */ a from t");
    CHECK(prepare_query("select /*!40001 SQL_NO_CACHE */ a from t", "q.sql").sql ==
          "select /*!40001 SQL_NO_CACHE */ a from t");
}

TEST_CASE("prepare_query: a final semicolon and what follows it are dropped", "[warehouse]") {
    CHECK(prepare_query("select 1;\n", "q.sql").sql == "select 1");
    CHECK(prepare_query("select 1; -- done\n", "q.sql").sql == "select 1");
    CHECK(prepare_query("select ';'", "q.sql").sql == "select ';'");
}

TEST_CASE("prepare_query: mistakes are config errors naming file and line", "[warehouse]") {
    CHECK_THROWS_WITH(prepare_query("select 1\nwhere x > {{last_run}}", "aud.sql"),
                      Catch::Contains("aud.sql:2") && Catch::Contains("{{last_run}}"));
    CHECK_THROWS_WITH(prepare_query("select 1\n\nwhere x > '{{run_started_at}}'", "aud.sql"),
                      Catch::Contains("aud.sql:3") && Catch::Contains("quotes"));
    CHECK_THROWS_WITH(prepare_query("select {{run_started_at", "aud.sql"),
                      Catch::Contains("not closed"));
    CHECK_THROWS_AS(prepare_query("  -- nothing here\n ; ", "aud.sql"), ConfigError);
    CHECK_THROWS_AS(prepare_query("", "aud.sql"), ConfigError);
}
