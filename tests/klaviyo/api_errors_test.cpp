#include "klaviyo/api_errors.hpp"
#include "klaviyo/job_documents.hpp"
#include "klaviyo/retry_policy.hpp"

#include <catch2/catch.hpp>

using namespace connector::klaviyo;
using namespace std::chrono_literals;

TEST_CASE("api errors: a JSON:API error document is parsed", "[klaviyo]") {
    const auto errors = parse_api_errors(
        R"({"errors":[{"id":"1","status":409,"code":"duplicate_profile","title":"Conflict.","detail":"A profile already exists.","source":{"pointer":"/data/attributes"},"meta":{"duplicate_profile_id":"01X"}},{"id":"2","code":"invalid","title":"t","detail":"d"}]})");
    REQUIRE(errors);
    REQUIRE(errors->size() == 2);
    CHECK((*errors)[0].code == "duplicate_profile");
    CHECK((*errors)[0].pointer == "/data/attributes");
    CHECK((*errors)[0].duplicate_profile_id == "01X");
    CHECK((*errors)[1].pointer.empty());
    CHECK(describe_error((*errors)[0], "") ==
          "A profile already exists.; the identifiers belong to another Klaviyo profile "
          "(duplicate_profile_id 01X)");
}

TEST_CASE("api errors: HTML, empty and non-error bodies are not error documents", "[klaviyo]") {
    CHECK_FALSE(parse_api_errors("<html><body>Bad Gateway</body></html>"));
    CHECK_FALSE(parse_api_errors(""));
    CHECK_FALSE(parse_api_errors(R"({"data":{}})"));
    CHECK_FALSE(parse_api_errors(R"([1,2])"));
    CHECK_FALSE(parse_api_errors(R"({"errors":)"));
}

TEST_CASE("api errors: pointers locate the item, the event and the field", "[klaviyo]") {
    const auto p = locate_pointer("/data/attributes/profiles/data/12/attributes/email",
                                  "/data/attributes/profiles/data");
    REQUIRE(p);
    CHECK(p->item == 12);
    CHECK_FALSE(p->sub);
    CHECK(p->field == "attributes/email");
    const auto e = locate_pointer(
        "/data/attributes/events-bulk-create/data/3/attributes/events/data/7/attributes/time",
        "/data/attributes/events-bulk-create/data", "attributes/events/data");
    REQUIRE(e);
    CHECK(e->item == 3);
    CHECK(e->sub == std::optional<std::size_t>(7));
    CHECK(e->field == "attributes/time");
    CHECK(locate_pointer("/data/attributes/profiles/data/4", "/data/attributes/profiles/data")
              ->field.empty());
    CHECK_FALSE(locate_pointer("/data", "/data/attributes/profiles/data"));
    CHECK_FALSE(locate_pointer("/data/attributes/profiles/data/x/attributes",
                               "/data/attributes/profiles/data"));
    CHECK_FALSE(
        locate_pointer("/data/attributes/profiles/data/1x", "/data/attributes/profiles/data"));
}

TEST_CASE("api errors: the key is redacted wherever it appears", "[klaviyo]") {
    CHECK(redact("key pk_abc and again pk_abc.", "pk_abc") ==
          "key [REDACTED] and again [REDACTED].");
    CHECK(redact("nothing here", "") == "nothing here");
    CHECK(excerpt("a\nb", 10) == "a b");
    CHECK(excerpt(std::string(300, 'x'), 5) == "xxxxx...");
}

TEST_CASE("retry policy: full jitter stays under the capped exponential", "[klaviyo]") {
    CHECK(full_jitter_backoff(1, 500ms, 30s, 0.999) < 500ms);
    CHECK(full_jitter_backoff(4, 500ms, 30s, 0.999) < 4000ms);
    CHECK(full_jitter_backoff(4, 500ms, 30s, 0.999) > 3900ms);
    CHECK(full_jitter_backoff(20, 500ms, 30s, 0.999) < 30s);
    CHECK(full_jitter_backoff(20, 500ms, 30s, 0.0) == 0ms);
}

TEST_CASE("retry policy: Retry-After and the detail's seconds are read", "[klaviyo]") {
    CHECK(parse_retry_after("7") == std::optional<std::chrono::seconds>(7s));
    CHECK(parse_retry_after(" 12 ") == std::optional<std::chrono::seconds>(12s));
    CHECK_FALSE(parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT"));
    CHECK_FALSE(parse_retry_after(""));
    CHECK_FALSE(parse_retry_after("-1"));
    CHECK(seconds_in_detail("Request was throttled. Expected available in 3 seconds.") ==
          std::optional<std::chrono::seconds>(3s));
    CHECK(seconds_in_detail("Expected available in 1 second") ==
          std::optional<std::chrono::seconds>(1s));
    CHECK_FALSE(seconds_in_detail("Request was throttled."));
}

TEST_CASE("retry policy: statuses are classified as the issue says", "[klaviyo]") {
    CHECK(classify_status(202, false, false) == StatusClass::Success);
    CHECK(classify_status(429, true, false) == StatusClass::Throttled);
    for (int s : {500, 502, 503, 504, 520, 521, 522, 523, 524, 599})
        CHECK(classify_status(s, false, false) == StatusClass::ServerError);
    CHECK(classify_status(401, true, false) == StatusClass::Unauthorized);
    CHECK(classify_status(403, true, false) == StatusClass::Unauthorized);
    CHECK(classify_status(403, false, false) == StatusClass::BotChallenge);
    CHECK(classify_status(403, true, true) == StatusClass::BotChallenge);
    CHECK(classify_status(410, true, false) == StatusClass::Gone);
    CHECK(classify_status(413, false, false) == StatusClass::TooLarge);
    CHECK(classify_status(400, true, false) == StatusClass::RecordError);
    CHECK(classify_status(409, true, false) == StatusClass::RecordError);
    CHECK(classify_status(422, true, false) == StatusClass::RecordError);
    CHECK(classify_status(404, false, false) == StatusClass::Unexpected);
    CHECK(classify_status(404, true, false) == StatusClass::Unexpected);
    CHECK(classify_status(415, true, false) == StatusClass::Unexpected);
    CHECK(classify_status(408, false, false) == StatusClass::ServerError);
    CHECK(classify_status(301, false, false) == StatusClass::Unexpected);
}

TEST_CASE("job documents: a job and an import-error page are parsed", "[klaviyo]") {
    const auto job = parse_job_status(
        R"({"data":{"type":"profile-bulk-import-job","id":"J1","attributes":{"status":"complete","total_count":10,"completed_count":9,"failed_count":1}}})");
    REQUIRE(job);
    CHECK(job->id == "J1");
    CHECK(job->finished());
    CHECK(job->total_count == 10);
    CHECK(job->failed_count == 1);
    CHECK_FALSE(parse_job_status(R"({"data":{"type":"profile-bulk-import-job"}})"));
    CHECK_FALSE(parse_job_status("<html>"));

    const auto page = parse_import_errors(
        R"({"data":[{"type":"import-error","id":"e","attributes":{"code":"invalid","title":"t","detail":"d","source":{"pointer":"/data/attributes/profiles/data/2"},"original_payload":{"email":"Ada@Example.org","external_id":null}}},{"type":"import-error","id":"f","attributes":{"code":"invalid","title":"t","detail":"d","source":{"pointer":null},"original_payload":{"type":"profile","attributes":{"external_id":"x9","email":"x@y.z"}}}}],"links":{"self":"s","next":"https://a.klaviyo.com/api/x?page%5Bcursor%5D=abc"}})");
    REQUIRE(page);
    REQUIRE(page->errors.size() == 2);
    CHECK(page->errors[0].key == "email:ada@example.org");
    CHECK(page->errors[0].error.pointer == "/data/attributes/profiles/data/2");
    CHECK(page->errors[1].key == "external_id:x9");
    CHECK(page->next == "https://a.klaviyo.com/api/x?page%5Bcursor%5D=abc");
}
