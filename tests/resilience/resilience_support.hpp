#pragma once
// Helpers for the resilience tests: a shop warehouse in SQLite built with recursive CTEs, a
// sync harness (the real connector binary, a fake Klaviyo, a ledger, all in one temp dir), the
// expected state read back from the warehouse, comparisons with what the fake stored and with
// the ledger, and SIGKILL at a chosen point of a run.

#include "core/record.hpp"
#include "e2e/e2e_support.hpp"
#include "fake_klaviyo/fake_process.hpp"
#include "support/temp_dir.hpp"

#include <Poco/JSON/Object.h>

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace connector::resilience {

/// The shop warehouse: `customers` and `orders` tables in a SQLite file, filled with recursive
/// CTEs (deterministic values), changed by the tests through the sqlite3 library.
class Shop {
  public:
    Shop(const std::string &file, int customers, int orders);

    const std::string &file() const { return file_; }
    /// The ODBC connection string of the SQLite3 driver for this file.
    std::string connection() const;
    /// Runs SQL on the warehouse (writes through the sqlite3 library).
    void exec(const std::string &sql) const;
    /// Adds customers `from`..`to` (ids) with the generated values.
    void add_customers(int from, int to) const;
    /// Adds orders `from`..`to` (ids) with the generated values; they belong to the customers
    /// the shop was built with, so adding customers never changes an order.
    void add_orders(int from, int to) const;

    /// The profiles query (also written to a file by the harness).
    static const char *profiles_sql();
    /// The events query.
    static const char *events_sql();

  private:
    std::string file_;
    int customers_;
};

/// One expected record: its key and its values as the warehouse returns them (text).
struct Expected {
    std::string key; ///< external_id for profiles, unique_id for events
    std::map<std::string, std::string> values;
};

/// What the query of `target` returns from the warehouse now, by key.
std::map<std::string, Expected> expected_records(const Shop &shop, Target target);

/// Differences between what the fake stored and the expected records, one sentence each (empty
/// when they are equal): a missing or extra profile or event, an event stored twice, a value
/// that is not the latest.
std::vector<std::string> fake_differences(const Poco::JSON::Object::Ptr &state,
                                          const std::map<std::string, Expected> &expected,
                                          Target target);

/// The first few lines of a list, for INFO.
std::string first_lines(const std::vector<std::string> &lines, std::size_t n = 10);

/// The numbers of the fake's state the tests report and compare.
struct FakeFigures {
    long long requests = 0;          ///< API requests answered (every endpoint)
    long long event_posts = 0;       ///< POST /api/event-bulk-create-jobs + /api/events
    long long profile_posts = 0;     ///< POST /api/profile-bulk-import-jobs + /api/profile-import
    long long events_accepted = 0;   ///< events in accepted requests, repeats included
    long long events_dropped = 0;    ///< resent events the fake dropped as duplicates
    long long profiles_accepted = 0; ///< profiles in accepted bulk jobs, repeats included
    long long profile_writes = 0;    ///< upserts applied to stored profiles (sum of writes)
    long long profile_count = 0;
    long long event_count = 0;
    long long faults_injected = 0;             ///< every fault the fake injected (latency excluded)
    std::map<std::string, long long> injected; ///< by kind ("status", "throttle", ...)
    /// Faults of one kind injected (0 when none).
    long long injected_count(const std::string &kind) const {
        const auto it = injected.find(kind);
        return it == injected.end() ? 0 : it->second;
    }
};
FakeFigures figures(const Poco::JSON::Object::Ptr &state);

/// Records in the ledger by state, read straight from the file (read-only; zeros before the
/// connector created it). For kill triggers and for describing where a kill landed.
struct LedgerCounts {
    long long records = 0;
    long long pending = 0;
    long long in_flight = 0;
    long long transient = 0;
    long long sent = 0;
    long long open_jobs = 0;
    std::string describe() const;
};
LedgerCounts ledger_counts(const std::string &ledger);

/// A sync of the shop (profiles or events) run by the real connector binary against its own
/// fake Klaviyo, with its own ledger, in its own temp dir.
class Harness {
  public:
    Harness(Target target,
            const std::vector<std::string> &fake_args,
            int customers = 1500,
            int orders = 3000);

    Target target() const { return target_; }
    const std::string &ledger() const { return ledger_; }
    const std::string &sync_name() const { return sync_name_; }
    Shop &shop() { return *shop_; }
    fake_klaviyo::FakeKlaviyo &fake() { return *fake_; }
    const connector::test::TempDir &dir() const { return dir_; }

    /// The connector's arguments: the query, the warehouse, the ledger, the fake, JSON logs with
    /// debug events (kill triggers read them), a report file of its own, plus `more`.
    std::vector<std::string> args(const std::vector<std::string> &more = {});
    /// The key in the environment, as a scheduler would set it.
    e2e::Env env() const;
    /// Starts a run in the background.
    std::unique_ptr<e2e::Process> start(const std::vector<std::string> &more = {});
    /// Runs to the end.
    e2e::Result run(const std::vector<std::string> &more = {});
    /// The report of the last run started with args() (throws when it wrote none).
    Poco::JSON::Object::Ptr report() const;
    /// A count of the last report ("sent", "retried", ...).
    long long count(const std::string &name) const;
    /// `connector status --format json` for this sync: the sync's object.
    Poco::JSON::Object::Ptr status();

    /// What the warehouse says the fake should hold now.
    std::map<std::string, Expected> expected() const { return expected_records(*shop_, target_); }

  private:
    Target target_;
    connector::test::TempDir dir_;
    std::unique_ptr<Shop> shop_;
    std::unique_ptr<fake_klaviyo::FakeKlaviyo> fake_;
    std::string ledger_;
    std::string query_;
    std::string sync_name_;
    std::string report_;
    int reports_ = 0;
};

/// Differences between the ledger status of a sync and "all `total` records sent, nothing
/// pending, in flight, transient or failed, no job open, last run a success".
std::vector<std::string> ledger_differences(const Poco::JSON::Object::Ptr &sync, long long total);

/// How often `"event":"<name>"` appears in a JSON log so far.
int log_events(const std::string &log, const std::string &name);

/// True when the process has exited (a zombie not yet waited for counts as exited).
bool has_exited(int pid);

/// Polls `ready` every few milliseconds until it holds (at most `timeout`), waits `delay`,
/// then SIGKILLs the run and waits for it. Throws std::runtime_error, with the run's output,
/// when the run ends before the point or the point never comes.
void kill_when(e2e::Process &run,
               const std::function<bool()> &ready,
               std::chrono::milliseconds delay,
               const std::string &point,
               std::chrono::seconds timeout = std::chrono::seconds(120));

/// The seed of the kill points and fault plans: $CONNECTOR_RESILIENCE_SEED or a fixed default,
/// printed with every failure so a run can be repeated.
unsigned long long seed();

} // namespace connector::resilience
