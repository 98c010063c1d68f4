#include "client_fixture.hpp"
#include "recording_listener.hpp"

#include <catch2/catch.hpp>

using namespace connector;
using namespace connector::test;

namespace {

const char *no_errors = R"({"data":[],"links":{"self":"s","next":null}})";

// A server on which bulk import job `id` never finishes.
auto job_processing_forever(const char *id) {
    return [id](const RecordedRequest &, std::size_t) {
        return ScriptedResponse{200, job_body(id, "processing", 1, 0, 0)};
    };
}

} // namespace

TEST_CASE("KlaviyoClient: a job whose total_count differs leaves its records Transient",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &req, std::size_t) {
        if (req.method == "POST")
            return ScriptedResponse{202, job_body("short", "queued", 3, 0, 0)};
        if (req.uri == "/api/profile-bulk-import-jobs/short")
            return ScriptedResponse{200, job_body("short", "complete", 2, 2, 0)};
        return ScriptedResponse{200, no_errors};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Profiles, listener);
    for (const char *email : {"a@example.org", "b@example.org", "c@example.org"})
        client.send(profile_record(email));
    client.finish();
    REQUIRE(listener.outcomes.size() == 3);
    CHECK(listener.count(Outcome::Transient) == 3);
    CHECK(listener.outcomes["email:a@example.org"].code == "job_unaccounted");
    CHECK(listener.has_notice("total_count 2 of 3"));
    CHECK(listener.finished == std::vector<std::string>{"short"});
}

TEST_CASE("KlaviyoClient: a cancelled job keeps its import errors and resends the rest",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &req, std::size_t) {
        if (req.method == "POST")
            return ScriptedResponse{202, job_body("c1", "queued", 2, 0, 0)};
        if (req.uri == "/api/profile-bulk-import-jobs/c1")
            return ScriptedResponse{200, job_body("c1", "cancelled", 2, 0, 1)};
        return ScriptedResponse{
            200,
            R"({"data":[{"type":"import-error","id":"e","attributes":{"code":"invalid","title":"Invalid input.","detail":"Invalid email","source":{"pointer":"/data/attributes/profiles/data/0"},"original_payload":{"type":"profile","attributes":{"email":"A@Example.org"}}}}],"links":{"self":"s"}})"};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Profiles, listener);
    client.send(profile_record("a@example.org"));
    client.send(profile_record("b@example.org"));
    client.finish();
    CHECK(listener.outcomes["email:a@example.org"].outcome == Outcome::Failed);
    CHECK(listener.outcomes["email:b@example.org"].outcome == Outcome::Transient);
    CHECK(listener.has_notice("cancelled"));
}

TEST_CASE("KlaviyoClient: resume_job finishes a job an earlier run submitted",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &req, std::size_t) {
        if (req.uri == "/api/profile-bulk-import-jobs/old-7")
            return ScriptedResponse{200, job_body("old-7", "complete", 3, 2, 1)};
        return ScriptedResponse{
            200,
            R"({"data":[{"type":"import-error","id":"e","attributes":{"code":"invalid","title":"Invalid input.","detail":"Invalid phone number","source":{"pointer":"/data/attributes/profiles/data/0/attributes/phone_number"},"original_payload":{"type":"profile","attributes":{"external_id":"u2","phone_number":"5"}}}}],"links":{"self":"s"}})"};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Profiles, listener);
    // The ledger's order need not be the request's: the pointer index must not be trusted.
    client.resume_job("old-7", {"external_id:u3", "external_id:u2", "external_id:u1"});
    client.finish();
    for (const auto &r : server.requests())
        CHECK(r.method == "GET");
    CHECK(listener.outcomes["external_id:u2"].outcome == Outcome::Failed);
    CHECK(listener.outcomes["external_id:u2"].message ==
          "Invalid phone number (at attributes/phone_number)");
    CHECK(listener.outcomes["external_id:u1"].outcome == Outcome::Sent);
    CHECK(listener.outcomes["external_id:u3"].outcome == Outcome::Sent);
    CHECK(listener.finished == std::vector<std::string>{"old-7"});
    CHECK(listener.submitted.empty());
}

TEST_CASE("KlaviyoClient: a resumed job that carried more records than the ledger still waits "
          "for (some sent again since) finishes them without doubt",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &req, std::size_t) {
        if (req.uri == "/api/profile-bulk-import-jobs/old-9") // 3 carried, 2 still waited for
            return ScriptedResponse{200, job_body("old-9", "complete", 3, 2, 1)};
        // The refused one is the record sent again since: it matches no key of the two.
        return ScriptedResponse{
            200,
            R"({"data":[{"type":"import-error","id":"e","attributes":{"code":"invalid","title":"Invalid input.","detail":"Invalid email","source":{"pointer":"/data/attributes/profiles/data/2"},"original_payload":{"type":"profile","attributes":{"external_id":"u9","email":"x"}}}}],"links":{"self":"s"}})"};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Profiles, listener);
    client.resume_job("old-9", {"external_id:u1", "external_id:u2"});
    client.finish();
    CHECK(listener.outcomes.size() == 2);
    CHECK(listener.outcomes["external_id:u1"].outcome == Outcome::Sent);
    CHECK(listener.outcomes["external_id:u2"].outcome == Outcome::Sent);
    CHECK(listener.has_notice("matches none of its records"));
    CHECK_FALSE(listener.has_notice("sent again"));
}

TEST_CASE("KlaviyoClient: a resumed job Klaviyo no longer knows is resent",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &, std::size_t) {
        return ScriptedResponse{404, error_body("not_found", "Not found.", "/data", 404)};
    });
    klaviyo::KlaviyoClient client(client_options(server), Target::Profiles, listener);
    client.resume_job("gone-1", {"email:a@example.org"});
    client.finish();
    CHECK(listener.outcomes["email:a@example.org"].outcome == Outcome::Transient);
    CHECK(listener.outcomes["email:a@example.org"].code == "job_not_found");
    CHECK(listener.finished == std::vector<std::string>{"gone-1"});
}

TEST_CASE("KlaviyoClient: wait_resumed returns once the resumed jobs reported, before finish",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server([](const RecordedRequest &req, std::size_t n) {
        if (req.uri == "/api/profile-bulk-import-jobs/gone-2")
            return ScriptedResponse{404, error_body("not_found", "Not found.", "/data", 404)};
        if (req.uri == "/api/profile-bulk-import-jobs/old-8") // complete at the second poll
            return ScriptedResponse{
                200, job_body("old-8", n < 2 ? "processing" : "complete", 1, n < 2 ? 0 : 1, 0)};
        return ScriptedResponse{200, no_errors};
    });
    auto options = client_options(server);
    options.job_poll_interval = std::chrono::milliseconds(20);
    klaviyo::KlaviyoClient client(options, Target::Profiles, listener);
    client.resume_job("old-8", {"email:b@example.org"});
    client.resume_job("gone-2", {"email:a@example.org"});
    client.wait_resumed(std::chrono::seconds(30));
    // Both jobs have reported, with no finish(): what a run diffs afterwards sees them (and
    // nothing polls any more, so the listener is read without a race).
    CHECK(listener.finished.size() == 2);
    CHECK(listener.outcomes["email:a@example.org"].code == "job_not_found");
    CHECK(listener.outcomes["email:b@example.org"].outcome == Outcome::Sent);
    client.finish();
}

TEST_CASE("KlaviyoClient: wait_resumed gives up on a job still running after its wait, which "
          "is followed as before",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server(job_processing_forever("slow-2"));
    auto options = client_options(server);
    options.job_poll_interval = std::chrono::milliseconds(20);
    options.job_poll_max_interval = std::chrono::milliseconds(20);
    options.run_deadline = std::chrono::milliseconds(1500);
    klaviyo::KlaviyoClient client(options, Target::Profiles, listener);
    client.resume_job("slow-2", {"email:a@example.org"});
    client.wait_resumed(std::chrono::milliseconds(50));
    const std::size_t polls_at_return = server.request_count();
    client.finish(); // polls on until the deadline leaves the job open
    // Had wait_resumed waited for the job's polls to end, none would come after it returned.
    CHECK(server.request_count() > polls_at_return);
    CHECK(listener.finished.empty());
    CHECK(listener.has_notice("the next run finishes it"));
}

TEST_CASE("KlaviyoClient: a job still running at the deadline is left for the next run",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server(job_processing_forever("slow"));
    auto options = client_options(server);
    options.run_deadline = std::chrono::milliseconds(300);
    klaviyo::KlaviyoClient client(options, Target::Profiles, listener);
    client.resume_job("slow", {"email:a@example.org"});
    client.finish();
    CHECK(server.request_count() >= 1);
    CHECK(listener.outcomes.empty());
    CHECK(listener.finished.empty());
    CHECK(listener.has_notice("the next run finishes it"));
}

TEST_CASE("KlaviyoClient: job polls that keep failing leave the job open",
          "[klaviyo][integration]") {
    RecordingListener listener;
    ScriptedServer server(
        [](const RecordedRequest &, std::size_t) { return ScriptedResponse{502}; });
    auto options = client_options(server);
    options.max_attempts = 3;
    klaviyo::KlaviyoClient client(options, Target::Profiles, listener);
    client.resume_job("j", {"email:a@example.org"});
    client.finish();
    CHECK(server.request_count() == 3);
    CHECK(listener.outcomes.empty());
    CHECK(listener.finished.empty());
    CHECK(listener.has_notice("HTTP 502"));
}
