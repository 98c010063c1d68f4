// End-to-end: the real KlaviyoClient against the real fake_klaviyo process (over verified TLS),
// asserting what the fake ended up holding and the outcome reported for every record.
#include "core/error.hpp"
#include "fake_klaviyo/fake_process.hpp"
#include "klaviyo/klaviyo_client.hpp"
#include "recording_listener.hpp"
#include "scripted_server.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <set>

using namespace connector;
using namespace connector::test;
using fake_klaviyo::FakeKlaviyo;

namespace {

klaviyo::ClientOptions fake_options(const FakeKlaviyo &fake) {
    klaviyo::ClientOptions o;
    o.base_url = fake.base_url();
    o.ca_file = FakeKlaviyo::ca_file();
    o.api_key = fake_klaviyo::test_api_key;
    o.concurrency = 4;
    o.backoff_base = std::chrono::milliseconds(20);
    o.backoff_cap = std::chrono::milliseconds(200);
    o.job_poll_interval = std::chrono::milliseconds(50);
    o.job_poll_max_interval = std::chrono::milliseconds(200);
    o.bot_challenge_delay = std::chrono::milliseconds(20);
    o.receive_timeout = std::chrono::seconds(10);
    return o;
}

std::vector<Record> profiles(int n, const std::string &prefix = "p") {
    std::vector<Record> out;
    for (int i = 0; i < n; ++i)
        out.push_back(profile_record(prefix + std::to_string(i) + "@example.org",
                                     R"("first_name":"N)" + std::to_string(i) + R"(")"));
    return out;
}

std::vector<Record> events(int n, int profiles_count = 7) {
    std::vector<Record> out;
    for (int i = 0; i < n; ++i)
        out.push_back(event_record("buyer" + std::to_string(i % profiles_count) + "@example.org",
                                   "order-" + std::to_string(i)));
    return out;
}

SinkStats run(klaviyo::ClientOptions options,
              Target target,
              const std::vector<Record> &records,
              RecordingListener &listener) {
    klaviyo::KlaviyoClient client(std::move(options), target, listener);
    for (const Record &r : records)
        client.send(r);
    return client.finish();
}

long long number(const Poco::JSON::Object::Ptr &obj, const std::string &name) {
    return obj && obj->has(name) ? obj->getValue<long long>(name) : 0;
}

// How many answers with `status` the fake gave on every endpoint.
long long answered(const Poco::JSON::Object::Ptr &state, int status) {
    long long n = 0;
    const auto requests = state->getObject("requests");
    for (const auto &[endpoint, counts] : *requests) {
        const auto obj = counts.extract<Poco::JSON::Object::Ptr>();
        n += number(obj, std::to_string(status));
    }
    return n;
}

std::set<std::string> event_ids(const Poco::JSON::Object::Ptr &state) {
    std::set<std::string> ids;
    const auto list = state->getArray("events");
    for (std::size_t i = 0; i < list->size(); ++i)
        ids.insert(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("unique_id"));
    return ids;
}

std::set<std::string> profile_emails(const Poco::JSON::Object::Ptr &state) {
    std::set<std::string> emails;
    const auto list = state->getArray("profiles");
    for (std::size_t i = 0; i < list->size(); ++i)
        emails.insert(list->getObject(static_cast<unsigned>(i))->getValue<std::string>("email"));
    return emails;
}

void check_all_sent(const RecordingListener &listener, std::size_t n) {
    CHECK(listener.outcomes.size() == n);
    CHECK(listener.count(Outcome::Sent) == n);
    CHECK(listener.duplicates.empty());
    CHECK(listener.overlaps == 0);
}

} // namespace

TEST_CASE("KlaviyoClient e2e: a clean bulk profile run with real limits", "[klaviyo][e2e]") {
    ensure_ssl();
    FakeKlaviyo fake({"--rate-limits", "real", "--job-delay-ms", "200"});
    auto options = fake_options(fake);
    options.max_batch_records = 300; // several jobs in flight
    RecordingListener listener;
    const auto records = profiles(1500);
    const auto stats = run(options, Target::Profiles, records, listener);

    const auto state = fake.state();
    CHECK(number(state, "profile_count") == 1500);
    CHECK(answered(state, 429) == 0);
    CHECK(stats.throttled == 0);
    CHECK(listener.submitted.size() == 5);
    CHECK(listener.finished.size() == 5);
    check_all_sent(listener, records.size());
    CHECK(profile_emails(state).count("p1499@example.org") == 1);
}

TEST_CASE("KlaviyoClient e2e: a clean bulk event run paced under the real burst limit",
          "[klaviyo][e2e]") {
    ensure_ssl();
    FakeKlaviyo fake({"--rate-limits", "real"});
    auto options = fake_options(fake);
    options.max_batch_records = 10; // 35 requests: more than the 10/s burst allows at once
    RecordingListener listener;
    const auto records = events(350);
    const auto stats = run(options, Target::Events, records, listener);

    const auto state = fake.state();
    CHECK(number(state, "event_count") == 350);
    CHECK(answered(state, 429) == 0);
    CHECK(stats.throttled == 0);
    CHECK(stats.requests_by_endpoint.at("POST /api/event-bulk-create-jobs") == 35);
    check_all_sent(listener, records.size());
}

TEST_CASE("KlaviyoClient e2e: a clean single-mode run with real limits", "[klaviyo][e2e]") {
    ensure_ssl();
    FakeKlaviyo fake({"--rate-limits", "real"});
    auto options = fake_options(fake);
    options.api_mode = klaviyo::ApiMode::Single;
    RecordingListener profile_listener, event_listener;
    const auto stats_p = run(options, Target::Profiles, profiles(150), profile_listener);
    const auto stats_e = run(options, Target::Events, events(150), event_listener);

    const auto state = fake.state();
    CHECK(number(state, "profile_count") >= 150);
    CHECK(number(state, "event_count") == 150);
    CHECK(answered(state, 429) == 0);
    CHECK(stats_p.requests_by_endpoint.at("POST /api/profile-import") == 150);
    CHECK(stats_e.requests_by_endpoint.at("POST /api/events") == 150);
    check_all_sent(profile_listener, 150);
    check_all_sent(event_listener, 150);
}

TEST_CASE("KlaviyoClient e2e: 5xx bursts are retried until everything is delivered",
          "[klaviyo][e2e]") {
    ensure_ssl();
    FakeKlaviyo fake({"--rate-limits", "off", "--fault",
                      "kind=status,status=503,share=0.3,endpoint=bulk_create_events", "--fault",
                      "kind=status,status=520,share=0.2,endpoint=bulk_create_events", "--fault",
                      "kind=status,status=500,nth=2,endpoint=bulk_import_profiles"});
    auto options = fake_options(fake);
    options.max_batch_records = 20;
    options.max_attempts = 20;
    RecordingListener ev, pr;
    const auto stats = run(options, Target::Events, events(400), ev);
    run(options, Target::Profiles, profiles(60), pr);

    const auto state = fake.state();
    CHECK(number(state, "event_count") == 400);
    CHECK(profile_emails(state).size() == 60 + 7); // the events' 7 buyers are profiles too
    CHECK(profile_emails(state).count("p59@example.org") == 1);
    CHECK(answered(state, 503) + answered(state, 520) > 0);
    CHECK(stats.retries > 0);
    CHECK(stats.retries == static_cast<std::uint64_t>(answered(state, 503) + answered(state, 520)));
    check_all_sent(ev, 400);
    check_all_sent(pr, 60);
}

TEST_CASE("KlaviyoClient e2e: dropped connections and hangs lose nothing and duplicate nothing",
          "[klaviyo][e2e]") {
    ensure_ssl();
    FakeKlaviyo fake({"--rate-limits", "off", "--fault", "kind=drop_before,share=0.15", "--fault",
                      "kind=drop_after,share=0.15", "--fault", "kind=hang,duration_ms=2500,nth=3"});
    auto options = fake_options(fake);
    options.max_batch_records = 25;
    options.max_attempts = 20;
    options.receive_timeout = std::chrono::seconds(1);
    RecordingListener listener;
    const auto records = events(500);
    const auto stats = run(options, Target::Events, records, listener);

    const auto state = fake.state();
    CHECK(number(state, "event_count") == 500);
    CHECK(event_ids(state).size() == 500);
    CHECK(stats.responses_by_status.count(0) == 1); // network failures happened and were retried
    check_all_sent(listener, records.size());
}

TEST_CASE("KlaviyoClient e2e: a 429 storm is waited out", "[klaviyo][e2e]") {
    ensure_ssl();
    FakeKlaviyo fake({"--rate-limits", "off", "--fault",
                      "kind=throttle,retry_after=1,next=6,endpoint=bulk_create_events"});
    auto options = fake_options(fake);
    options.max_batch_records = 50;
    RecordingListener listener;
    const auto stats = run(options, Target::Events, events(300), listener);
    const auto state = fake.state();
    CHECK(number(state, "event_count") == 300);
    CHECK(answered(state, 429) == 6);
    CHECK(stats.throttled == 6);
    check_all_sent(listener, 300);
}

TEST_CASE("KlaviyoClient e2e: limits lower than documented are learned from 429s and headers",
          "[klaviyo][e2e]") {
    ensure_ssl();
    FakeKlaviyo fake({"--rate-limits", "scaled:0.3"}); // bulk: 3/s and 45/min
    auto options = fake_options(fake);
    options.max_batch_records = 10;
    RecordingListener listener;
    const auto stats = run(options, Target::Events, events(300), listener);
    const auto state = fake.state();
    CHECK(number(state, "event_count") == 300);
    CHECK(stats.throttled == static_cast<std::uint64_t>(answered(state, 429)));
    check_all_sent(listener, 300);
}

TEST_CASE("KlaviyoClient e2e: asynchronous import errors fail exactly their records",
          "[klaviyo][e2e]") {
    ensure_ssl();
    FakeKlaviyo fake({"--rate-limits", "off", "--fault",
                      "kind=import_error,match=p7@example.org,field=email", "--fault",
                      "kind=import_error,index=3,field=phone_number,detail=Invalid phone number."});
    RecordingListener listener;
    auto options = fake_options(fake);
    run(options, Target::Profiles, profiles(40), listener);
    const auto state = fake.state();
    const auto job = state->getArray("jobs")->getObject(0);
    CHECK(number(job, "failed") == 2);
    CHECK(number(state, "profile_count") == 38);
    CHECK(listener.count(Outcome::Failed) == 2);
    CHECK(listener.count(Outcome::Sent) == 38);
    const auto &p7 = listener.outcomes["email:p7@example.org"];
    CHECK(p7.outcome == Outcome::Failed);
    CHECK(p7.code == "invalid_email");
    CHECK(p7.message.find("attributes/email") != std::string::npos);
    const auto &p3 = listener.outcomes["email:p3@example.org"];
    CHECK(p3.outcome == Outcome::Failed);
    CHECK(p3.message.find("Invalid phone number.") != std::string::npos);
    CHECK(profile_emails(state).count("p7@example.org") == 0);
}

TEST_CASE("KlaviyoClient e2e: a short total_count leaves the job's records for the next run",
          "[klaviyo][e2e]") {
    ensure_ssl();
    FakeKlaviyo fake({"--rate-limits", "off", "--fault", "kind=short_total,count=2"});
    RecordingListener listener;
    run(fake_options(fake), Target::Profiles, profiles(20), listener);
    const auto state = fake.state();
    CHECK(number(state->getArray("jobs")->getObject(0), "total_count") == 18);
    CHECK(listener.count(Outcome::Transient) == 20);
    CHECK(listener.has_notice("total_count 18 of 20"));
    CHECK(listener.finished.size() == 1);
}

TEST_CASE("KlaviyoClient e2e: 409 duplicate_profile fails one record and is never retried",
          "[klaviyo][e2e]") {
    ensure_ssl();
    FakeKlaviyo fake(
        {"--rate-limits", "off", "--fault", "kind=duplicate_profile,match=p4@example.org"});
    auto options = fake_options(fake);
    options.api_mode = klaviyo::ApiMode::Single;
    RecordingListener listener;
    const auto stats = run(options, Target::Profiles, profiles(10), listener);
    const auto state = fake.state();
    CHECK(answered(state, 409) == 1);
    CHECK(stats.retries == 0);
    const auto &p4 = listener.outcomes["email:p4@example.org"];
    CHECK(p4.outcome == Outcome::Failed);
    CHECK(p4.code == "duplicate_profile");
    CHECK(p4.message.find("duplicate_profile_id") != std::string::npos);
    CHECK(listener.count(Outcome::Sent) == 9);
    CHECK(profile_emails(state).count("p4@example.org") == 0);
}

TEST_CASE("KlaviyoClient e2e: a Cloudflare challenge stops the run as a bot challenge",
          "[klaviyo][e2e]") {
    ensure_ssl();
    FakeKlaviyo fake({"--rate-limits", "off", "--fault", "kind=cloudflare"});
    RecordingListener listener;
    std::string message;
    try {
        run(fake_options(fake), Target::Events, events(30), listener);
    } catch (const SinkError &e) {
        message = e.what();
    }
    CHECK(message.find("bot challenge") != std::string::npos);
    CHECK(message.find("not an API key problem") != std::string::npos);
    CHECK(listener.count(Outcome::Transient) == 30);
    CHECK(number(fake.state(), "event_count") == 0);
}

TEST_CASE("KlaviyoClient e2e: a wrong key and a key without scopes stop the run",
          "[klaviyo][e2e]") {
    ensure_ssl();
    FakeKlaviyo fake({"--rate-limits", "off", "--scopeless-key", "pk_no_scopes_000000"});
    const bool scopeless = GENERATE(false, true);
    auto options = fake_options(fake);
    options.api_key = scopeless ? "pk_no_scopes_000000" : "pk_wrong_key_000000";
    RecordingListener listener;
    std::string message;
    try {
        run(options, Target::Events, events(5), listener);
    } catch (const AuthError &e) {
        message = e.what();
    }
    CHECK(message.find("KLAVIYO_API_KEY") != std::string::npos);
    CHECK(message.find("events:write") != std::string::npos);
    CHECK(message.find(options.api_key) == std::string::npos);
    CHECK(listener.count(Outcome::Transient) == 5);
    CHECK(answered(fake.state(), scopeless ? 403 : 401) == 1);
}

// Throughput to the fake with its limits and our pacing off, bulk vs single; run by hand:
//   build/<dir>/tests/klaviyo/klaviyo_e2e_test "[.bench]"
// Prints figures; asserts only that everything arrived (never timings).
TEST_CASE("KlaviyoClient bench: requests and records per second, bulk vs single",
          "[klaviyo][e2e][.bench]") {
    ensure_ssl();
    struct Case {
        const char *name;
        Target target;
        klaviyo::ApiMode mode;
        int records;
    };
    const Case cases[] = {{"bulk profiles", Target::Profiles, klaviyo::ApiMode::Bulk, 200000},
                          {"bulk events", Target::Events, klaviyo::ApiMode::Bulk, 200000},
                          {"single profiles", Target::Profiles, klaviyo::ApiMode::Single, 20000},
                          {"single events", Target::Events, klaviyo::ApiMode::Single, 20000}};
    for (const Case &c : cases) {
        FakeKlaviyo fake({"--rate-limits", "off", "--job-delay-ms", "50"});
        auto options = fake_options(fake);
        options.pacing = false;
        options.api_mode = c.mode;
        const auto records =
            c.target == Target::Profiles ? profiles(c.records, "b") : events(c.records, 1000);
        RecordingListener listener;
        const auto start = std::chrono::steady_clock::now();
        const auto stats = run(options, c.target, records, listener);
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::uint64_t requests = 0;
        for (const auto &[endpoint, n] : stats.requests_by_endpoint)
            requests += n;
        std::printf("%-16s %6d records %6llu requests %7.2f s %9.1f req/s %10.1f records/s "
                    "%6.1f MB sent\n",
                    c.name, c.records, static_cast<unsigned long long>(requests), seconds,
                    requests / seconds, c.records / seconds, stats.bytes_sent / 1e6);
        CHECK(listener.count(Outcome::Sent) == static_cast<std::size_t>(c.records));
    }
}
