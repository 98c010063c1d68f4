// Measures SqliteLedger::diff on a fresh file: run 1 sees every record New (and marks it in
// flight and sent, as a real run does), run 2 sees every record Unchanged. Prints records per
// second for each phase; run it under /usr/bin/time -v for the peak RSS.
//   ledger_bench [PATH] [RECORDS] [BATCH]
#include "ledger/sqlite_ledger.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace connector;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

Record make(std::uint64_t i, const std::string &version) {
    Record r;
    r.row_number = i + 1;
    r.key = "external_id:customer-" + std::to_string(i);
    char hash[65];
    std::snprintf(hash, sizeof hash, "%016llx%016llx%016llx%016llx",
                  static_cast<unsigned long long>(i * 0x9E3779B97F4A7C15ULL),
                  static_cast<unsigned long long>(i), 0ULL,
                  static_cast<unsigned long long>(version.size()));
    r.hash = hash;
    r.profile = R"({"type":"profile","attributes":{"external_id":"customer-)" + std::to_string(i) +
                R"(","email":"customer)" + std::to_string(i) +
                R"(@example.com","first_name":"Ada","properties":{"tier":"gold","ltv":123.45,)"
                R"("version":")" +
                version + R"("}}})";
    return r;
}

struct Phase {
    double diff_seconds = 0;
    double listener_seconds = 0;
    std::uint64_t to_send = 0;
};

Phase run(ledger::SqliteLedger &ledger, std::uint64_t n, std::uint64_t batch_size, bool dry) {
    Phase p;
    RunOptions options;
    options.target = Target::Profiles;
    options.dry_run = dry;
    ledger.begin_run(options);
    std::vector<Record> batch;
    for (std::uint64_t start = 0; start < n; start += batch_size) {
        batch.clear();
        for (std::uint64_t i = start; i < std::min(n, start + batch_size); ++i)
            batch.push_back(make(i, "v1"));
        auto t = Clock::now();
        const std::vector<Decision> decisions = ledger.diff(batch);
        p.diff_seconds += seconds_since(t);
        std::vector<const Record *> sending;
        std::vector<RecordOutcome> outcomes;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (!should_send(decisions[i]))
                continue;
            sending.push_back(&batch[i]);
            outcomes.push_back({batch[i].key, Outcome::Sent, "", ""});
        }
        p.to_send += sending.size();
        t = Clock::now();
        if (!sending.empty() && !dry) {
            ledger.on_in_flight(sending);
            ledger.on_outcomes(outcomes);
        }
        p.listener_seconds += seconds_since(t);
    }
    std::vector<std::string> examples;
    const auto t = Clock::now();
    const std::uint64_t gone = ledger.gone(examples, 10);
    std::printf("  gone(): %llu in %.2f s\n", static_cast<unsigned long long>(gone),
                seconds_since(t));
    ledger.end_run("success", {});
    return p;
}

void report(const char *name, const Phase &p, std::uint64_t n) {
    std::printf("%s: diff %.2f s = %.0f records/s; to send %llu; on_in_flight+on_outcomes "
                "%.2f s\n",
                name, p.diff_seconds, static_cast<double>(n) / p.diff_seconds,
                static_cast<unsigned long long>(p.to_send), p.listener_seconds);
}

} // namespace

int main(int argc, char **argv) {
    const std::string path = argc > 1 ? argv[1] : "ledger-bench.sqlite";
    const std::uint64_t n = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1000000;
    const std::uint64_t batch = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 1000;
    for (const char *suffix : {"", "-wal", "-shm"})
        unlink((path + suffix).c_str());
    std::printf("%llu records, batches of %llu, ledger %s\n", static_cast<unsigned long long>(n),
                static_cast<unsigned long long>(batch), path.c_str());
    ledger::SqliteLedger ledger(path, "bench:klaviyo_profiles", Target::Profiles, {});
    report("run 1 (all new)", run(ledger, n, batch, false), n);
    report("run 2 (all unchanged)", run(ledger, n, batch, false), n);
    report("run 3 (dry run over 90%: all unchanged, 10% gone)",
           run(ledger, n / 10 * 9, batch, true), n / 10 * 9);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::printf("peak RSS: %.1f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
    struct stat st {};
    stat(path.c_str(), &st);
    std::printf("ledger file: %.1f MB\n", static_cast<double>(st.st_size) / 1e6);
    return 0;
}
