#include "fakes.hpp"
#include "sync/delivery_recorder.hpp"

#include <catch2/catch.hpp>

using namespace connector;
using namespace connector::test;

TEST_CASE("DeliveryRecorder: writes outcomes to the ledger and counts them by reason", "[sync]") {
    FakeLedger ledger;
    FakeObserver observer;
    sync::DeliveryRecorder recorder(ledger, &observer, 2);
    recorder.on_outcomes({{"a", Outcome::Sent, {}, {}},
                          {"b", Outcome::Failed, "invalid", "bad email"},
                          {"c", Outcome::Failed, "invalid", "bad phone"},
                          {"d", Outcome::Failed, "invalid", "bad name"},
                          {"e", Outcome::Transient, "", "timeout"}});
    CHECK(ledger.outcomes_seen == 5);
    CHECK(ledger.entries.at("b").state == FakeLedger::State::Failed);
    CHECK(recorder.done() == 5);
    CHECK(recorder.sent() == 1);
    const sync::DeliveryTotals t = recorder.totals();
    CHECK(t.sent == 1);
    CHECK(t.failed == 3);
    CHECK(t.transient == 1);
    CHECK(t.failed_by_reason.at("invalid").count == 3);
    REQUIRE(t.failed_by_reason.at("invalid").examples.size() == 2);
    CHECK(t.failed_by_reason.at("invalid").examples[1].key == "c");
    CHECK(t.failed_by_reason.at("invalid").examples[1].message == "bad phone");
    CHECK(t.transient_by_reason.at("unknown").count == 1);
    const auto failures = observer.named("record_failed");
    REQUIRE(failures.size() == 3);
    CHECK(failures[0].level == sync::LogLevel::Warning);
    CHECK(failures[2].level == sync::LogLevel::Debug);
}

TEST_CASE("DeliveryRecorder: forwards in-flight marks, jobs and notices to the ledger", "[sync]") {
    FakeLedger ledger;
    sync::DeliveryRecorder recorder(ledger, nullptr, 5);
    Record r;
    r.key = "k1";
    recorder.on_in_flight({&r});
    CHECK(ledger.entries.at("k1").state == FakeLedger::State::InFlight);
    recorder.on_job_submitted("job-1", {"k1"});
    CHECK(ledger.jobs.at("job-1") == std::vector<std::string>{"k1"});
    recorder.on_job_finished("job-1");
    CHECK(ledger.finished_jobs == std::vector<std::string>{"job-1"});
    recorder.on_notice("heads up");
    CHECK(ledger.notices == std::vector<std::string>{"heads up"});
    CHECK(recorder.totals().jobs_finished == 1);
    CHECK(recorder.totals().notices == 1);
}

TEST_CASE("DeliveryRecorder: keeps a ledger error for the sync and rethrows it to the sink",
          "[sync]") {
    FakeLedger ledger;
    ledger.fail_outcomes = true;
    sync::DeliveryRecorder recorder(ledger, nullptr, 5);
    CHECK_FALSE(recorder.ledger_error());
    CHECK_THROWS_AS(recorder.on_outcomes({{"a", Outcome::Sent, {}, {}}}), LedgerError);
    REQUIRE(recorder.ledger_error());
    CHECK_THROWS_AS(std::rethrow_exception(recorder.ledger_error()), LedgerError);
    CHECK(recorder.done() == 0); // nothing counted that the ledger did not record
    recorder.reset(5);
    CHECK_FALSE(recorder.ledger_error());
}

TEST_CASE("DeliveryRecorder: a record reported transient and then sent or failed in the same run "
          "counts once, by its last outcome",
          "[sync]") {
    FakeLedger ledger;
    sync::DeliveryRecorder recorder(ledger, nullptr, 5);
    // A resumed bulk job Klaviyo no longer knows: its records are transient, then sent again.
    recorder.on_outcomes({{"a", Outcome::Transient, "job_not_found", "unknown job"},
                          {"b", Outcome::Transient, "job_not_found", "unknown job"},
                          {"c", Outcome::Transient, "job_not_found", "unknown job"}});
    recorder.on_outcomes({{"a", Outcome::Sent, {}, {}},
                          {"b", Outcome::Failed, "invalid", "bad email"},
                          {"d", Outcome::Transient, "http_503", "unavailable"}});
    // c again, with another reason: still one transient record, under its last reason.
    recorder.on_outcomes({{"c", Outcome::Transient, "http_429", "throttled"}});
    const sync::DeliveryTotals t = recorder.totals();
    CHECK(t.sent == 1);
    CHECK(t.failed == 1);
    CHECK(t.transient == 2);
    CHECK(t.transient_by_reason.count("job_not_found") == 0);
    REQUIRE(t.transient_by_reason.count("http_429") == 1);
    CHECK(t.transient_by_reason.at("http_429").count == 1);
    REQUIRE(t.transient_by_reason.at("http_429").examples.size() == 1);
    CHECK(t.transient_by_reason.at("http_429").examples[0].key == "c");
    CHECK(t.transient_by_reason.at("http_503").count == 1);
    CHECK(ledger.entries.at("a").state == FakeLedger::State::Sent);

    recorder.reset(5); // a new run forgets the last one's transient records
    recorder.on_outcomes({{"d", Outcome::Sent, {}, {}}});
    CHECK(recorder.totals().transient == 0);
    CHECK(recorder.totals().sent == 1);
}

TEST_CASE("DeliveryRecorder: outcomes the ledger sets aside (an old version's) are not counted",
          "[sync]") {
    FakeLedger ledger;
    ledger.aside_all = true;
    sync::DeliveryRecorder recorder(ledger, nullptr, 5);
    recorder.on_outcomes(
        {{"a", Outcome::Sent, {}, {}}, {"b", Outcome::Failed, "invalid_email", "Invalid email"}});
    const sync::DeliveryTotals t = recorder.totals();
    CHECK(t.sent == 0);
    CHECK(t.failed == 0);
    CHECK(t.failed_by_reason.empty());
    CHECK(recorder.done() == 0);
}
