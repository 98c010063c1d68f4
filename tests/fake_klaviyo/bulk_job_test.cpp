#include "fake_klaviyo/fake_process.hpp"
#include "fake_klaviyo/test_bodies.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>
#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

using fake_klaviyo::FakeKlaviyo;
namespace body = fake_klaviyo::test;

namespace {

std::string submit(FakeKlaviyo &fake, const std::vector<std::string> &profiles) {
    auto r = fake.post("/api/profile-bulk-import-jobs", body::bulk_import(profiles));
    REQUIRE(r.status == 202);
    return r.json()->getObject("data")->getValue<std::string>("id");
}

Poco::JSON::Object::Ptr job_attributes(FakeKlaviyo &fake, const std::string &id) {
    auto r = fake.get("/api/profile-bulk-import-jobs/" + id);
    REQUIRE(r.status == 200);
    return r.json()->getObject("data")->getObject("attributes");
}

// Polls until the job is complete (at most 30 s), returning every status seen.
std::vector<std::string> wait_complete(FakeKlaviyo &fake, const std::string &id) {
    std::vector<std::string> seen;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        const std::string status = job_attributes(fake, id)->getValue<std::string>("status");
        if (seen.empty() || seen.back() != status)
            seen.push_back(status);
        if (status == "complete")
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(150)); // GETs allow 10 a second
    }
    return seen;
}

// The path and query of a links.next URL.
std::string path_of(const std::string &url) {
    return Poco::URI(url).getPathAndQuery();
}

} // namespace

TEST_CASE("FakeKlaviyo: a job goes queued, processing, complete and imports only when complete",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--job-delay-ms", "1500"});
    auto r =
        fake.post("/api/profile-bulk-import-jobs", body::bulk_import(body::numbered_profiles(5)));
    REQUIRE(r.status == 202);
    auto attrs = r.json()->getObject("data")->getObject("attributes");
    CHECK(attrs->getValue<std::string>("status") == "queued");
    CHECK(attrs->getValue<int>("total_count") == 5);
    CHECK(attrs->getValue<int>("completed_count") == 0);
    CHECK(attrs->isNull("started_at"));
    CHECK(attrs->isNull("completed_at"));
    const std::string id = r.json()->getObject("data")->getValue<std::string>("id");
    CHECK(fake.state(false)->getValue<int>("profile_count") == 0);

    const auto statuses = wait_complete(fake, id);
    REQUIRE(statuses.back() == "complete");
    for (const auto &s : statuses)
        CHECK((s == "queued" || s == "processing" || s == "complete"));
    auto done = job_attributes(fake, id);
    CHECK(done->getValue<int>("completed_count") == 5);
    CHECK(done->getValue<int>("failed_count") == 0);
    CHECK_FALSE(done->isNull("completed_at"));
    CHECK(fake.state(false)->getValue<int>("profile_count") == 5);
}

TEST_CASE("FakeKlaviyo: an unknown job is 404", "[fake_klaviyo][integration]") {
    FakeKlaviyo fake;
    CHECK(fake.get("/api/profile-bulk-import-jobs/01NOSUCHJOB000000000000000").status == 404);
    CHECK(
        fake.get("/api/profile-bulk-import-jobs/01NOSUCHJOB000000000000000/import-errors").status ==
        404);
}

TEST_CASE("FakeKlaviyo: chosen profiles fail asynchronously and are listed in import-errors",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--job-delay-ms", "0"});
    fake.set_faults(R"({"rules":[
        {"kind":"import_error","match":"a7@example.org"},
        {"kind":"import_error","index":12,"field":"phone_number"}]})");
    const std::string id = submit(fake, body::numbered_profiles(20));
    auto attrs = job_attributes(fake, id);
    CHECK(attrs->getValue<std::string>("status") == "complete");
    CHECK(attrs->getValue<int>("total_count") == 20);
    CHECK(attrs->getValue<int>("completed_count") == 18);
    CHECK(attrs->getValue<int>("failed_count") == 2);

    auto page = fake.get("/api/profile-bulk-import-jobs/" + id + "/import-errors");
    REQUIRE(page.status == 200);
    auto data = page.json()->getArray("data");
    REQUIRE(data->size() == 2);
    auto first = data->getObject(0);
    CHECK(first->getValue<std::string>("type") == "import-error");
    auto fa = first->getObject("attributes");
    CHECK(fa->getValue<std::string>("code") == "invalid_email");
    CHECK(fa->getObject("source")->getValue<std::string>("pointer") ==
          "/data/attributes/profiles/data/7/attributes/email");
    auto payload = fa->getObject("original_payload");
    CHECK(payload->getValue<std::string>("type") == "profile");
    CHECK(payload->getObject("attributes")->getValue<std::string>("email") == "a7@example.org");
    auto second = data->getObject(1)->getObject("attributes");
    CHECK(second->getValue<std::string>("code") == "invalid_phone_number");
    CHECK(second->getObject("source")->getValue<std::string>("pointer") ==
          "/data/attributes/profiles/data/12/attributes/phone_number");
    CHECK(page.json()->getObject("links")->isNull("next"));

    auto state = fake.state();
    CHECK(state->getValue<int>("profile_count") == 18);
    for (const auto &p : *state->getArray("profiles")) {
        const std::string email =
            p.extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("email");
        CHECK(email != "a7@example.org");
        CHECK(email != "a12@example.org");
    }
    CHECK(state->getObject("faults")->getObject("injected")->getValue<int>("import_error") == 2);
}

TEST_CASE("FakeKlaviyo: import-errors are paged with page[size] and a cursor in links.next",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--job-delay-ms", "0"});
    fake.set_faults(R"({"rules":[{"kind":"import_error","share":1}]})");
    const std::string id = submit(fake, body::numbered_profiles(45));
    const std::string base = "/api/profile-bulk-import-jobs/" + id + "/import-errors";

    SECTION("default pages of 20") {
        std::vector<std::size_t> sizes;
        std::set<std::string> indexes;
        std::string next = base;
        while (!next.empty()) {
            auto r = fake.get(next);
            REQUIRE(r.status == 200);
            auto data = r.json()->getArray("data");
            sizes.push_back(data->size());
            for (std::size_t i = 0; i < data->size(); ++i)
                indexes.insert(data->getObject(static_cast<unsigned>(i))
                                   ->getObject("attributes")
                                   ->getObject("source")
                                   ->getValue<std::string>("pointer"));
            auto links = r.json()->getObject("links");
            next = links->isNull("next") ? "" : path_of(links->getValue<std::string>("next"));
            REQUIRE(sizes.size() < 10);
        }
        CHECK(sizes == std::vector<std::size_t>{20, 20, 5});
        CHECK(indexes.size() == 45);
    }
    SECTION("page[size]=100 gives everything at once") {
        auto r = fake.get(base + "?page%5Bsize%5D=100");
        REQUIRE(r.status == 200);
        CHECK(r.json()->getArray("data")->size() == 45);
    }
    SECTION("page[size] keeps its value in the next link") {
        auto r = fake.get(base + "?page[size]=30");
        REQUIRE(r.status == 200);
        CHECK(r.json()->getArray("data")->size() == 30);
        auto second =
            fake.get(path_of(r.json()->getObject("links")->getValue<std::string>("next")));
        CHECK(second.json()->getArray("data")->size() == 15);
    }
    SECTION("a page size outside 1..100 or a forged cursor is a 400 about the parameter") {
        for (const char *q : {"?page[size]=0", "?page[size]=101", "?page[size]=ten"}) {
            auto r = fake.get(base + q);
            CHECK(r.status == 400);
            CHECK(r.json()
                      ->getArray("errors")
                      ->getObject(0)
                      ->getObject("source")
                      ->getValue<std::string>("parameter") == "page[size]");
        }
        auto r = fake.get(base + "?page[cursor]=bm9wZQ");
        CHECK(r.status == 400);
        CHECK(
            r.json()->getArray("errors")->getObject(0)->getObject("source")->getValue<std::string>(
                "parameter") == "page[cursor]");
    }
    auto attrs = job_attributes(fake, id);
    CHECK(attrs->getValue<int>("failed_count") == 45);
    CHECK(attrs->getValue<int>("completed_count") == 0);
}

TEST_CASE("FakeKlaviyo: a job can report a total_count smaller than what was sent",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--job-delay-ms", "0", "--fault", "kind=short_total,count=3,nth=1"});
    const std::string first = submit(fake, body::numbered_profiles(10));
    auto attrs = job_attributes(fake, first);
    CHECK(attrs->getValue<int>("total_count") == 7);
    CHECK(attrs->getValue<int>("completed_count") == 7);
    CHECK(fake.state(false)->getValue<int>("profile_count") == 7);
    // nth=1: only the first job is short.
    const std::string second = submit(fake, body::numbered_profiles(10, 100));
    CHECK(job_attributes(fake, second)->getValue<int>("total_count") == 10);
}

TEST_CASE("FakeKlaviyo: a job profile whose identifiers belong to two profiles fails with "
          "duplicate_profile",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--job-delay-ms", "0"});
    REQUIRE(fake.post("/api/profile-import", body::profile_import(R"("email":"a@example.org")"))
                .status == 201);
    REQUIRE(
        fake.post("/api/profile-import", body::profile_import(R"("phone_number":"+14155550100")"))
            .status == 201);
    const std::string id = submit(
        fake, {body::profile_resource(R"("email":"c@example.org")"),
               body::profile_resource(R"("email":"a@example.org","phone_number":"+14155550100")")});
    auto attrs = job_attributes(fake, id);
    CHECK(attrs->getValue<int>("completed_count") == 1);
    CHECK(attrs->getValue<int>("failed_count") == 1);
    auto errors = fake.get("/api/profile-bulk-import-jobs/" + id + "/import-errors").json();
    auto e = errors->getArray("data")->getObject(0)->getObject("attributes");
    CHECK(e->getValue<std::string>("code") == "duplicate_profile");
    CHECK(e->getObject("source")->getValue<std::string>("pointer") ==
          "/data/attributes/profiles/data/1/attributes");
}

TEST_CASE("FakeKlaviyo: the job list shows every job, newest first",
          "[fake_klaviyo][integration]") {
    FakeKlaviyo fake({"--job-delay-ms", "0"});
    const std::string first = submit(fake, body::numbered_profiles(1));
    const std::string second = submit(fake, body::numbered_profiles(1, 10));
    auto r = fake.get("/api/profile-bulk-import-jobs");
    REQUIRE(r.status == 200);
    auto data = r.json()->getArray("data");
    REQUIRE(data->size() == 2);
    CHECK(data->getObject(0)->getValue<std::string>("id") == second);
    CHECK(data->getObject(1)->getValue<std::string>("id") == first);
}
