#include "ledger/sqlite_ledger.hpp"
#include "ledger_test_util.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <signal.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace connector;
using connector::ledger::SqliteLedger;
using connector::ledger::test::make_record;
using connector::ledger::test::query_int;
using connector::ledger::test::query_text;
using connector::ledger::test::run_options;
using connector::ledger::test::with_payloads;

namespace {

constexpr int batch_size = 100;

// The child: endless batches of new events, each diffed, marked in flight and half of it sent
// (the other half stays in flight, as if its request were out when the process died).
[[noreturn]] void child_writes(const std::string &path, int ready_fd) {
    try {
        SqliteLedger ledger(path, "s", Target::Events, {});
        ledger.begin_run(run_options(Target::Events));
        const char byte = 'r';
        if (write(ready_fd, &byte, 1) != 1)
            _exit(2);
        for (int b = 0;; ++b) {
            std::vector<Record> batch;
            for (int i = 0; i < batch_size; ++i)
                batch.push_back(make_record("e" + std::to_string(b * batch_size + i),
                                            "h" + std::to_string(b), Target::Events));
            ledger.diff(batch);
            std::vector<const Record *> ptrs;
            std::vector<RecordOutcome> outcomes;
            for (const Record &r : batch) {
                ptrs.push_back(&r);
                if (outcomes.size() < batch_size / 2)
                    outcomes.push_back({r.key, Outcome::Sent, "", ""});
            }
            ledger.on_in_flight(ptrs);
            ledger.on_outcomes(outcomes);
        }
    } catch (...) {
        _exit(1);
    }
}

} // namespace

TEST_CASE("SqliteLedger: SIGKILL mid-batch leaves a ledger that opens and resends what was "
          "in flight",
          "[ledger][integration]") {
    // Kill points, in records the parent waits to see committed before it kills. The child is
    // almost always inside a transaction when the signal lands.
    const int kill_after = GENERATE(0, 1, 250, 1000, 3000);
    CAPTURE(kill_after);
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(ready[0]);
        child_writes(path, ready[1]);
    }
    close(ready[1]);
    char byte = 0;
    const bool started = read(ready[0], &byte, 1) == 1;
    close(ready[0]);
    while (started && query_int(path, "SELECT COUNT(*) FROM records") < kill_after)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    kill(child, SIGKILL);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(started);
    REQUIRE(WIFSIGNALED(status));
    REQUIRE(WTERMSIG(status) == SIGKILL);

    // The lock is free at once and the file is intact.
    SqliteLedger ledger(path, "s", Target::Events, {});
    CHECK(query_text(path, "PRAGMA integrity_check") == "ok");
    // Batches are atomic: a batch is either wholly in the ledger or not at all.
    const std::int64_t total = query_int(path, "SELECT COUNT(*) FROM records");
    CHECK(total % batch_size == 0);
    CHECK(total >= kill_after);
    // A record is sent only with its payload dropped; every unsent one kept its payload.
    CHECK(query_int(path, "SELECT COUNT(*) FROM " + with_payloads +
                              " WHERE state_name = 'sent' AND (event IS NOT NULL OR "
                              "last_sent_run IS NULL)") == 0);
    CHECK(query_int(path, "SELECT COUNT(*) FROM " + with_payloads +
                              " WHERE state_name <> 'sent' AND event IS NULL") == 0);
    const std::int64_t unsent =
        query_int(path, "SELECT COUNT(*) FROM " + with_payloads +
                            " WHERE state_name IN ('pending', 'in_flight')");

    ledger.begin_run(run_options(Target::Events));
    CHECK(query_text(path, "SELECT status FROM runs ORDER BY id LIMIT 1") == "crashed");
    std::set<std::string> resent;
    ledger.for_each_leftover([&](const Record &r) {
        CHECK(r.event.find("\"unique_id\":\"" + r.key + "\"") != std::string::npos);
        resent.insert(r.key);
        ledger.on_in_flight({&r});
        ledger.on_outcomes({{r.key, Outcome::Sent, "", ""}});
    });
    ledger.end_run("success", {});
    CHECK(static_cast<std::int64_t>(resent.size()) == unsent);
    CHECK(query_int(path, "SELECT COUNT(*) FROM records WHERE state = 4") == total);
}
