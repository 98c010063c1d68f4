#include "cli/progress.hpp"
#include "cli/report.hpp"
#include "cli/status_format.hpp"
#include "cli/summary.hpp"
#include "cli/text_format.hpp"
#include "core/error.hpp"
#include "support/temp_dir.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <catch2/catch.hpp>

using namespace connector;
using namespace connector::cli;
using Poco::JSON::Object;

namespace {

sync::RunSummary partial_run() {
    sync::RunSummary s;
    s.sync_name = "vip:klaviyo_profiles";
    s.target = Target::Profiles;
    s.run_id = 12;
    s.status = sync::RunStatus::Partial;
    s.started_at = Timestamp{1'777'000'000, 0};
    s.counts.rows_read = 1234;
    s.counts.rejected = 3;
    s.counts.unchanged = 1000;
    s.counts.new_records = 200;
    s.counts.changed = 31;
    s.counts.sent = 229;
    s.counts.failed = 2;
    s.counts.gone = 1;
    s.to_send = 231;
    s.rejected["invalid_email"] = {2, {{7, "", "email", "'ada@' is not an email address"}}};
    s.rejected["missing_identifier"] = {1, {{9, "", "", "no email, phone or external id"}}};
    s.failed["invalid"] = {2, {{0, "email:bo@example.org", "", "'x' is not a valid field"}}};
    s.warnings["invalid_phone_dropped"] = {4, {{3, "email:cy@example.org", "phone", "N/A"}}};
    s.gone_examples = {"email:old@example.org"};
    s.sink.requests_by_endpoint["POST /api/profile-bulk-import-jobs"] = 1;
    s.sink.requests_by_endpoint["GET /api/profile-bulk-import-jobs/{id}"] = 3;
    s.sink.responses_by_status[202] = 1;
    s.sink.responses_by_status[200] = 3;
    s.sink.throttled = 0;
    s.sink.bytes_sent = 123456;
    s.seconds = {1.25, 0.5, 0.25, 3.0, 5.0};
    return s;
}

Object::Ptr parse_object(const std::string &json) {
    Poco::JSON::Parser parser;
    return parser.parse(json).extract<Object::Ptr>();
}

} // namespace

TEST_CASE("Text format: numbers, durations, sizes and widths", "[cli]") {
    CHECK(thousands(0) == "0");
    CHECK(thousands(999) == "999");
    CHECK(thousands(1000) == "1,000");
    CHECK(thousands(1234567) == "1,234,567");
    CHECK(clock_duration(75.2) == "1:15");
    CHECK(clock_duration(3725) == "1:02:05");
    CHECK(seconds_text(1.26) == "1.3 s");
    CHECK(bytes_text(3) == "3 B");
    CHECK(bytes_text(1536) == "1.5 KB");
    CHECK(pad_right("Zoë", 5) == "Zoë  ");
    CHECK(shorten("abcdef", 4) == "abc…");
    CHECK(shorten("abc", 4) == "abc");
}

TEST_CASE("Summary: counts, reasons, requests, phases, examples and next steps", "[cli]") {
    const std::string text = summary_text(partial_run(), "/tmp/report.json");
    CHECK_THAT(text, Catch::StartsWith(
                         "Sync vip:klaviyo_profiles (klaviyo_profiles), run 12: partial (exit 5)"));
    CHECK_THAT(text, Catch::Contains("  rows read                      1,234\n"));
    CHECK_THAT(text, Catch::Contains("  rejected                           3   invalid_email 2, "
                                     "missing_identifier 1\n"));
    CHECK_THAT(text, Catch::Contains("  unchanged                      1,000\n"));
    CHECK_THAT(text, Catch::Contains("  sent                             229\n"));
    CHECK_THAT(text, Catch::Contains("  failed                             2   invalid 2\n"));
    CHECK_THAT(text, Catch::Contains("  warnings                           4   "
                                     "invalid_phone_dropped 4\n"));
    CHECK_THAT(text,
               Catch::Contains("Klaviyo: 4 requests (GET /api/profile-bulk-import-jobs/{id} "
                               "3, POST /api/profile-bulk-import-jobs 1); 0 throttled (429)"));
    CHECK_THAT(text, Catch::Contains("120.6 KB sent"));
    CHECK_THAT(text,
               Catch::Contains("Time: 5.0 s (read 1.2 s, map 0.5 s, diff 0.2 s, send 3.0 s)"));
    CHECK_THAT(text, Catch::Contains("rejected invalid_email: row 7, column email: 'ada@' is not "
                                     "an email address"));
    CHECK_THAT(text, Catch::Contains("failed invalid: record email:bo@example.org: 'x' is not a "
                                     "valid field"));
    CHECK_THAT(text, Catch::Contains("gone: email:old@example.org"));
    CHECK_THAT(text, Catch::Contains("--retry-failed"));
    CHECK_THAT(text, Catch::Contains("More examples per reason: /tmp/report.json"));
}

TEST_CASE("Summary: records left for the next run are explained by their actual causes", "[cli]") {
    sync::RunSummary s;
    s.sync_name = "orders:klaviyo_events";
    s.target = Target::Events;
    s.status = sync::RunStatus::Interrupted;
    s.counts.rows_read = 5000;
    s.counts.new_records = 5000;
    s.counts.sent = 1000;
    s.counts.transient = 4000;
    s.transient["interrupted"].count = 4000;
    const std::string text = summary_text(s, "");
    CHECK_THAT(text, Catch::Contains("4,000 records could not be delivered now (interrupted "
                                     "4,000): the next run sends them again."));
    CHECK(text.find("network errors") == std::string::npos);
    CHECK_THAT(text, Catch::Contains("The run was interrupted"));
}

TEST_CASE("Summary: a clean run has no next steps", "[cli]") {
    sync::RunSummary s;
    s.sync_name = "orders:klaviyo_events";
    s.target = Target::Events;
    s.counts.rows_read = 412;
    s.counts.new_records = 412;
    s.counts.sent = 412;
    const std::string text = summary_text(s, "");
    CHECK_THAT(text, Catch::Contains("run 0: success (exit 0)"));
    CHECK(text.find("Next:") == std::string::npos);
    CHECK(text.find("Examples:") == std::string::npos);
}

TEST_CASE("Summary: a run that stopped at --limit says limited, with its exit code", "[cli]") {
    sync::RunSummary s;
    s.sync_name = "orders:klaviyo_events";
    s.target = Target::Events;
    s.run_id = 3;
    s.limited = true;
    s.counts.rows_read = 5;
    s.counts.new_records = 5;
    s.counts.sent = 5;
    CHECK_THAT(summary_text(s, ""),
               Catch::StartsWith("Sync orders:klaviyo_events (klaviyo_events), run 3: limited "
                                 "(exit 0)\n"));
    CHECK_THAT(summary_text(s, ""), Catch::Contains("stopped at --limit"));
    s.status = sync::RunStatus::Partial;
    s.counts.rejected = 1;
    CHECK_THAT(summary_text(s, ""), Catch::Contains("run 3: limited (exit 5)"));
}

TEST_CASE("Summary: a dry run's plan shows what would be sent with sample payloads", "[cli]") {
    sync::RunSummary s;
    s.sync_name = "vip:klaviyo_profiles";
    s.dry_run = true;
    s.counts.new_records = 2;
    s.counts.unchanged = 5;
    s.to_send = 2;
    s.plan.push_back({Decision::New, 4, "email:ada@example.org",
                      R"({"type":"profile","attributes":{"email":"ada@example.org"}})", ""});
    const std::string plan = plan_text(s);
    CHECK_THAT(plan, Catch::StartsWith("Plan: would send 2 records (2 new, 0 changed, 0 "
                                       "retried); 5 unchanged; 0 rejected."));
    CHECK_THAT(plan, Catch::Contains("new: email:ada@example.org (row 4)"));
    CHECK_THAT(plan, Catch::Contains("    \"email\": \"ada@example.org\"\n"));
    const std::string summary = summary_text(s, "");
    CHECK_THAT(summary, Catch::StartsWith("Dry run of sync vip:klaviyo_profiles"));
    CHECK_THAT(summary, Catch::Contains("nothing was sent and the ledger is unchanged"));
    CHECK(summary.find("Klaviyo:") == std::string::npos);
}

TEST_CASE("Report: the run as JSON with examples per reason", "[cli]") {
    const sync::RunSummary s = partial_run();
    ReportInput in;
    in.run_id = "20260501T100000Z-abcdef01";
    in.version = "0.1.0";
    in.query_file = "sql/examples/vip_customers.sql";
    in.ledger_path = "/tmp/ledger.sqlite";
    in.exit_code = 5;
    in.status = "partial";
    in.summary = &s;
    const Object::Ptr r = parse_object(report_json(in, 2));
    CHECK(r->getValue<std::string>("run_id") == in.run_id);
    CHECK(r->getValue<std::string>("status") == "partial");
    CHECK(r->getValue<int>("exit_code") == 5);
    CHECK(r->getValue<std::string>("sync") == "vip:klaviyo_profiles");
    CHECK(r->getValue<std::string>("target") == "klaviyo_profiles");
    CHECK(r->getValue<int>("ledger_run_id") == 12);
    CHECK(r->getValue<std::string>("run_started_at") == "2026-04-24T03:06:40Z");
    const Object::Ptr counts = r->getObject("counts");
    CHECK(counts->getValue<int>("rows_read") == 1234);
    CHECK(counts->getValue<int>("rejected") == 3);
    CHECK(counts->getValue<int>("new") == 200);
    CHECK(counts->getValue<int>("to_send") == 231);
    CHECK(counts->getValue<int>("gone") == 1);
    const Object::Ptr email = r->getObject("rejected")->getObject("invalid_email");
    CHECK(email->getValue<int>("count") == 2);
    const Object::Ptr example = email->getArray("examples")->getObject(0);
    CHECK(example->getValue<int>("row") == 7);
    CHECK(example->getValue<std::string>("column") == "email");
    CHECK(example->getValue<std::string>("message") == "'ada@' is not an email address");
    CHECK(r->getObject("failed")
              ->getObject("invalid")
              ->getArray("examples")
              ->getObject(0)
              ->getValue<std::string>("key") == "email:bo@example.org");
    const Object::Ptr klaviyo = r->getObject("klaviyo");
    CHECK(klaviyo->getValue<int>("requests") == 4);
    CHECK(klaviyo->getObject("requests_by_endpoint")
              ->getValue<int>("POST /api/profile-bulk-import-jobs") == 1);
    CHECK(klaviyo->getObject("responses_by_status")->getValue<int>("202") == 1);
    CHECK(klaviyo->getValue<int>("bytes_sent") == 123456);
    CHECK(r->getObject("seconds")->getValue<double>("send") == Approx(3.0));
    CHECK(r->getObject("gone")->getArray("examples")->getElement<std::string>(0) ==
          "email:old@example.org");
    CHECK_FALSE(r->has("error"));
    CHECK_FALSE(r->has("plan_samples"));
    // One line when asked.
    CHECK(report_json(in, 0).find('\n') == std::string::npos);
}

TEST_CASE("Report: a failed run carries its error and whatever counts it reached", "[cli]") {
    ReportInput in;
    in.run_id = "r";
    in.exit_code = 3;
    in.status = "failed";
    in.error_kind = "warehouse";
    in.error_message = "no such table: customers";
    const Object::Ptr r = parse_object(report_json(in, 0));
    CHECK(r->getValue<std::string>("status") == "failed");
    CHECK(r->getObject("error")->getValue<std::string>("kind") == "warehouse");
    CHECK(r->getObject("error")->getValue<std::string>("message") == "no such table: customers");
    CHECK_FALSE(r->has("counts"));
}

TEST_CASE("Report: a dry run's samples are embedded as JSON", "[cli]") {
    sync::RunSummary s;
    s.dry_run = true;
    s.target = Target::Events;
    s.plan.push_back({Decision::Changed, 2, "order-1",
                      R"({"type":"profile","attributes":{"email":"a@b.co"}})",
                      R"({"type":"event","attributes":{"value":9.5}})"});
    ReportInput in;
    in.summary = &s;
    const Object::Ptr r = parse_object(report_json(in, 0));
    const Object::Ptr sample = r->getArray("plan_samples")->getObject(0);
    CHECK(sample->getValue<std::string>("decision") == "changed");
    CHECK(sample->getValue<int>("row") == 2);
    CHECK(sample->getObject("event")->getObject("attributes")->getValue<double>("value") ==
          Approx(9.5));
    CHECK(sample->getObject("profile")->getObject("attributes")->getValue<std::string>("email") ==
          "a@b.co");
}

TEST_CASE("Report: the file is replaced whole, and an unwritable path is named",
          "[cli][integration]") {
    connector::test::TempDir dir;
    const std::string path = dir.file("report.json");
    write_file_atomically(path, "{\"a\":1}");
    write_file_atomically(path, "{\"a\":2}");
    CHECK(connector::test::read_file(path) == "{\"a\":2}\n");
    CHECK_THROWS_WITH(write_file_atomically(dir.file("missing/report.json"), "{}"),
                      Catch::Contains(dir.file("missing/report.json")));
}

TEST_CASE("Progress: the line shows phase, rows, records done, rate and time left", "[cli]") {
    sync::Progress p;
    p.phase = sync::Progress::Phase::Finishing;
    p.rows_read = 12345;
    p.to_send = 10000;
    p.done = 2500;
    p.send_seconds = 5;
    p.seconds = 65;
    CHECK(progress_line(p) == "finishing · 12,345 rows · 2,500 of 10,000 done · 500/s · ~0:15 "
                              "left · 1:05");
    sync::Progress reading;
    reading.phase = sync::Progress::Phase::Reading;
    reading.rows_read = 10;
    CHECK(progress_line(reading) == "reading · 10 rows · 0:00");
}

TEST_CASE("Status: text shows runs, records by state, problems and open jobs", "[cli]") {
    ledger::StatusReport report;
    report.ledger_path = "/var/lib/connector/ledger.sqlite";
    report.schema_version = 2;
    ledger::SyncStatus sync;
    sync.name = "vip:klaviyo_profiles";
    sync.target = "klaviyo_profiles";
    ledger::RunSummary run;
    run.id = 7;
    run.started_at = Timestamp{1'777'000'000, 0};
    run.ended = true;
    run.ended_at = Timestamp{1'777'000'075, 0};
    run.status = "partial";
    run.counts.rows_read = 59;
    run.counts.sent = 57;
    run.counts.rejected = 2;
    sync.runs.push_back(run);
    sync.records_by_state = {{"pending", 0}, {"in_flight", 0}, {"sent", 57},
                             {"failed", 0},  {"transient", 0}, {"rejected", 2}};
    sync.records_total = 59;
    ledger::FailureReason reason;
    reason.state = "rejected";
    reason.code = "invalid_email";
    reason.count = 2;
    reason.example_key = "external_id:7";
    reason.example_message = "'x@y' has no top-level domain";
    reason.example_row = 12;
    reason.example_column = "email";
    sync.top_failures.push_back(reason);
    sync.open_jobs.push_back({"job-42", 7, Timestamp{1'777'000'010, 0}, 100});
    report.syncs.push_back(sync);

    const std::string text = status_text(report);
    CHECK_THAT(text, Catch::StartsWith("Ledger /var/lib/connector/ledger.sqlite (schema 2)"));
    CHECK_THAT(text, Catch::Contains("Sync vip:klaviyo_profiles (klaviyo_profiles)"));
    CHECK_THAT(text, Catch::Contains("7      2026-04-24 03:06:40  1:15     partial"));
    CHECK_THAT(text, Catch::Contains("Records: 59 (sent 57, rejected 2)"));
    CHECK_THAT(text, Catch::Contains("2 rejected invalid_email, e.g. row 12, column email "
                                     "(external_id:7): 'x@y' has no top-level domain"));
    CHECK_THAT(text, Catch::Contains("job-42 from run 7, submitted 2026-04-24 03:06:50, 100 "
                                     "records waiting"));

    const Object::Ptr j = parse_object(status_json(report));
    const Object::Ptr s = j->getArray("syncs")->getObject(0);
    CHECK(s->getValue<std::string>("name") == "vip:klaviyo_profiles");
    const Object::Ptr r = s->getArray("runs")->getObject(0);
    CHECK(r->getValue<int>("id") == 7);
    CHECK(r->getValue<std::string>("ended_at") == "2026-04-24T03:07:55Z");
    CHECK(r->getObject("counts")->getValue<int>("sent") == 57);
    CHECK(s->getObject("records_by_state")->getValue<int>("rejected") == 2);
    const Object::Ptr failure = s->getArray("top_failures")->getObject(0);
    CHECK(failure->getValue<std::string>("code") == "invalid_email");
    CHECK(failure->getValue<int>("example_row") == 12);
    CHECK(failure->getValue<std::string>("example_column") == "email");
    CHECK(s->getArray("open_jobs")->getObject(0)->getValue<int>("records_waiting") == 100);
}
