#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "ledger/sqlite_ledger.hpp"
#include "ledger/sync_lock.hpp"
#include "ledger_test_util.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace connector;
using connector::ledger::OpenOptions;
using connector::ledger::SqliteLedger;
using connector::ledger::test::diff_keys;
using connector::ledger::test::query_text;
using connector::ledger::test::run_options;

namespace {

std::string locked_message(const std::string &path, const std::string &sync, int wait) {
    try {
        SqliteLedger second(path, sync, Target::Profiles, OpenOptions{wait});
    } catch (const LedgerLockedError &e) {
        return e.what();
    }
    return "";
}

} // namespace

TEST_CASE("SqliteLedger: a second open of the same sync is refused, naming the holder",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger first(path, "audience:klaviyo_profiles", Target::Profiles, {});
    const std::string what = locked_message(path, "audience:klaviyo_profiles", 0);
    REQUIRE_FALSE(what.empty());
    CHECK_THAT(what, Catch::Contains(path) && Catch::Contains("audience:klaviyo_profiles"));
    CHECK_THAT(what, Catch::Contains("pid " + std::to_string(getpid())));
    CHECK_THAT(what, Catch::Contains("on host ") && Catch::Contains("started at 20"));
    CHECK(LedgerLockedError("x").kind() == ErrorKind::LedgerLocked);
}

TEST_CASE("SqliteLedger: another sync of the same file runs at the same time",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger a(path, "a:klaviyo_profiles", Target::Profiles, {});
    SqliteLedger b(path, "b:klaviyo_profiles", Target::Profiles, {});
    a.begin_run(run_options(Target::Profiles));
    b.begin_run(run_options(Target::Profiles));
    CHECK(diff_keys(a, {"k"}, "h", Target::Profiles) == std::vector<Decision>{Decision::New});
    CHECK(diff_keys(b, {"k"}, "h", Target::Profiles) == std::vector<Decision>{Decision::New});
    a.end_run("success", {});
    b.end_run("success", {});
}

TEST_CASE("SqliteLedger: --wait-lock gets the lock when the holder releases it in time",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    auto holder = std::make_unique<SqliteLedger>(path, "s", Target::Profiles, OpenOptions{});
    std::atomic<bool> waiting{false};
    std::thread releaser([&] {
        while (!waiting.load())
            std::this_thread::yield();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        holder.reset();
    });
    waiting = true;
    std::unique_ptr<SqliteLedger> second;
    CHECK_NOTHROW(second =
                      std::make_unique<SqliteLedger>(path, "s", Target::Profiles, OpenOptions{60}));
    releaser.join();
    REQUIRE(second);
    second->begin_run(run_options(Target::Profiles));
    second->end_run("success", {});
}

TEST_CASE("SqliteLedger: --wait-lock gives up with the holder's name when it is not released",
          "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger holder(path, "s", Target::Profiles, {});
    const std::string what = locked_message(path, "s", 1);
    CHECK_THAT(what, Catch::Contains("pid " + std::to_string(getpid())) &&
                         Catch::Contains("after waiting 1 s"));
}

TEST_CASE("SqliteLedger: the lock of a SIGKILLed run is free at once", "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    int ready[2];
    REQUIRE(pipe(ready) == 0);
    const pid_t child = fork();
    REQUIRE(child >= 0);
    if (child == 0) {
        close(ready[0]);
        try {
            SqliteLedger ledger(path, "s", Target::Profiles, {});
            ledger.begin_run(run_options(Target::Profiles));
            diff_keys(ledger, {"a", "b"}, "h", Target::Profiles);
            const char byte = 'r';
            if (write(ready[1], &byte, 1) != 1)
                _exit(2);
            for (;;)
                pause();
        } catch (...) {
            _exit(1);
        }
    }
    close(ready[1]);
    char byte = 0;
    const bool child_ready = read(ready[0], &byte, 1) == 1;
    close(ready[0]);
    if (!child_ready) {
        kill(child, SIGKILL);
        waitpid(child, nullptr, 0);
        FAIL("the child could not open the ledger");
    }
    CHECK_THAT(locked_message(path, "s", 0), Catch::Contains("pid " + std::to_string(child)));
    kill(child, SIGKILL);
    int status = 0;
    REQUIRE(waitpid(child, &status, 0) == child);
    REQUIRE(WIFSIGNALED(status));

    SqliteLedger ledger(path, "s", Target::Profiles, {}); // no wait: free at once
    ledger.begin_run(run_options(Target::Profiles));
    CHECK(query_text(path, "SELECT status FROM runs ORDER BY id LIMIT 1") == "crashed");
    CHECK(diff_keys(ledger, {"a"}, "h", Target::Profiles) ==
          std::vector<Decision>{Decision::Retry});
    ledger.end_run("success", {});
}

TEST_CASE("SyncLock: the lock file is beside the ledger, private, one per sync name",
          "[ledger][integration]") {
    using connector::ledger::SyncLock;
    CHECK(SyncLock::lock_path("/x/l.sqlite", "audience:klaviyo_events") ==
          "/x/l.sqlite.audience:klaviyo_events.lock");
    CHECK(SyncLock::lock_path("/x/l.sqlite", "a/b c") == "/x/l.sqlite.a%2Fb%20c.lock");
    CHECK(SyncLock::lock_path("/x/l.sqlite", "a.b") == "/x/l.sqlite.a%2Eb.lock");
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SyncLock lock(path, "s/1", 0);
    struct stat st {};
    REQUIRE(stat(SyncLock::lock_path(path, "s/1").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    CHECK_THROWS_AS(SyncLock(path, "s/1", 0), LedgerLockedError);
    CHECK_NOTHROW(SyncLock(path, "s/2", 0));
}

TEST_CASE("SqliteLedger: a stop request ends the wait for the lock", "[ledger][integration]") {
    test::TempDir dir;
    const std::string path = dir.file("l.sqlite");
    SqliteLedger holder(path, "s", Target::Profiles, {});
    request_stop();
    CHECK_THROWS_AS(SqliteLedger(path, "s", Target::Profiles, OpenOptions{600}), InterruptedError);
    reset_stop();
}

TEST_CASE("SqliteLedger: an empty sync name or path is a usage error", "[ledger][integration]") {
    test::TempDir dir;
    CHECK_THROWS_AS(SqliteLedger(dir.file("l.sqlite"), "", Target::Profiles, {}), ConfigError);
    CHECK_THROWS_AS(SqliteLedger("", "s", Target::Profiles, {}), ConfigError);
    CHECK_THROWS_WITH(SqliteLedger(dir.path(), "s", Target::Profiles, {}),
                      Catch::Contains(dir.path()));
}
