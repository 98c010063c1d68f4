#include "resilience_support.hpp"

#include "support/test_env.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <sqlite3.h>

#include <cmath>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <thread>

namespace connector::resilience {

namespace {

using Clock = std::chrono::steady_clock;

/// Generated customers: deterministic values from the id.
std::string customers_insert(int from, int to) {
    return "WITH RECURSIVE n(i) AS (SELECT " + std::to_string(from) +
           " UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(to) +
           ")\n"
           "INSERT INTO customers SELECT i, 'c' || i || '@example.com', 'First' || i,\n"
           "    'Last' || i, CASE i % 3 WHEN 0 THEN 'gold' WHEN 1 THEN 'silver' ELSE 'bronze' "
           "END,\n"
           "    (i * 37 % 1000) / 4.0, 1 FROM n;\n";
}

/// Generated orders: order i belongs to one of the first `customers` customers.
std::string orders_insert(int from, int to, int customers) {
    return "WITH RECURSIVE n(i) AS (SELECT " + std::to_string(from) +
           " UNION ALL SELECT i + 1 FROM n WHERE i < " + std::to_string(to) +
           ")\n"
           "INSERT INTO orders SELECT i, (i * 7919) % " +
           std::to_string(customers) +
           " + 1,\n"
           "    datetime('2026-01-01', '+' || (i * 13) || ' minutes'), (i * 31 % 5000) / 100.0,\n"
           "    CASE i % 4 WHEN 0 THEN 'EUR' ELSE 'USD' END,\n"
           "    CASE i % 2 WHEN 0 THEN 'web' ELSE 'store' END FROM n;\n";
}

bool is_number(const std::string &s, double &out) {
    if (s.empty())
        return false;
    char *end = nullptr;
    out = std::strtod(s.c_str(), &end);
    return end == s.c_str() + s.size();
}

bool same_value(const std::string &expected, const std::string &actual) {
    double a = 0;
    double b = 0;
    if (is_number(expected, a) && is_number(actual, b))
        return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(a));
    return expected == actual;
}

/// A member of a JSON object as text: "" when missing or null.
std::string member(const Poco::JSON::Object::Ptr &o, const std::string &name) {
    return e2e::text(o, name);
}

long long number(const Poco::JSON::Object::Ptr &o, const std::string &name) {
    if (!o || !o->has(name) || o->isNull(name))
        return 0;
    return o->getValue<long long>(name);
}

/// Where a query column lands in the fake's state: "" (top level), "attributes", "properties"
/// or "profile" (an event's profile), and the name there.
struct Place {
    std::string object;
    std::string name;
};

Place place_of(Target target, const std::string &column) {
    if (target == Target::Profiles) {
        if (column == "external_id" || column == "email")
            return {"", column};
        if (column == "first_name" || column == "last_name")
            return {"attributes", column};
        return {"properties", column};
    }
    if (column == "email" || column == "external_id")
        return {"profile", column};
    if (column == "unique_id" || column == "metric" || column == "time" || column == "value" ||
        column == "value_currency")
        return {"", column};
    return {"properties", column};
}

/// The fake's form of a warehouse value: timestamps are ISO-8601 in UTC.
std::string fake_form(Target target, const std::string &column, const std::string &value) {
    if (target == Target::Events && column == "time" && value.size() == 19 && value[10] == ' ')
        return value.substr(0, 10) + "T" + value.substr(11) + "+00:00";
    return value;
}

std::vector<std::string> column_names(const std::string &file, const std::string &sql) {
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, int (*)(sqlite3 *)> db(raw, sqlite3_close);
    if (rc != SQLITE_OK)
        throw std::runtime_error("cannot open " + file + ": " + sqlite3_errstr(rc));
    sqlite3_stmt *stmt_raw = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &stmt_raw, nullptr) != SQLITE_OK)
        throw std::runtime_error("cannot prepare: " + std::string(sqlite3_errmsg(db.get())));
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt *)> stmt(stmt_raw, sqlite3_finalize);
    std::vector<std::string> names;
    for (int i = 0; i < sqlite3_column_count(stmt.get()); ++i)
        names.emplace_back(sqlite3_column_name(stmt.get(), i));
    return names;
}

} // namespace

Shop::Shop(const std::string &file, int customers, int orders)
    : file_(file), customers_(customers) {
    e2e::create_sqlite(file_,
                       "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, email TEXT, "
                       "first_name TEXT, last_name TEXT, tier TEXT, lifetime_value REAL, "
                       "version INTEGER);\n"
                       "CREATE TABLE orders (order_id INTEGER PRIMARY KEY, customer_id INTEGER, "
                       "placed_at TEXT, total REAL, currency TEXT, channel TEXT);\n" +
                           customers_insert(1, customers) + orders_insert(1, orders, customers));
}

std::string Shop::connection() const {
    return "Driver=SQLite3;Database=" + file_;
}

void Shop::exec(const std::string &sql) const {
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(file_.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
    std::unique_ptr<sqlite3, int (*)(sqlite3 *)> db(raw, sqlite3_close);
    if (rc != SQLITE_OK)
        throw std::runtime_error("cannot open " + file_ + ": " + sqlite3_errstr(rc));
    sqlite3_busy_timeout(db.get(), 30000);
    char *error = nullptr;
    if (sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error("cannot run on " + file_ + ": " + message + "\n" + sql);
    }
}

void Shop::add_customers(int from, int to) const {
    exec(customers_insert(from, to));
}

void Shop::add_orders(int from, int to) const {
    exec(orders_insert(from, to, customers_));
}

const char *Shop::profiles_sql() {
    // The order count is a correlated subquery without an index, as warehouse queries often
    // are: it makes reading take a while (about 0.3 s for 1,500 customers), long enough to kill
    // a run in the middle of it.
    return "SELECT c.customer_id AS external_id, c.email AS email, c.first_name AS first_name,\n"
           "       c.last_name AS last_name, c.tier AS tier, c.lifetime_value AS lifetime_value,\n"
           "       c.version AS version,\n"
           "       (SELECT COUNT(*) FROM orders o WHERE o.customer_id = c.customer_id) AS "
           "order_count\n"
           "FROM customers c\n"
           "ORDER BY c.customer_id\n";
}

const char *Shop::events_sql() {
    // The customer's order number is a correlated subquery without an index: reading takes a
    // while (about 0.5 s for 3,000 orders), long enough to kill a run in the middle of it.
    return "SELECT 'order-' || o.order_id AS unique_id, 'Placed Order' AS metric,\n"
           "       o.placed_at AS time, o.total AS value, o.currency AS value_currency,\n"
           "       o.channel AS channel, o.order_id AS order_id,\n"
           "       (SELECT COUNT(*) FROM orders p WHERE p.customer_id = o.customer_id\n"
           "          AND p.order_id <= o.order_id) AS customer_order_number,\n"
           "       c.email AS email, CAST(c.customer_id AS TEXT) AS external_id\n"
           "FROM orders o JOIN customers c ON c.customer_id = o.customer_id\n"
           "ORDER BY o.order_id\n";
}

std::map<std::string, Expected> expected_records(const Shop &shop, Target target) {
    const std::string sql = target == Target::Profiles ? Shop::profiles_sql() : Shop::events_sql();
    const std::vector<std::string> names = column_names(shop.file(), sql);
    std::map<std::string, Expected> out;
    for (const auto &row : e2e::sqlite_rows(shop.file(), sql)) {
        Expected e;
        for (std::size_t i = 0; i < names.size() && i < row.size(); ++i)
            e.values[names[i]] = row[i];
        e.key = e.values[target == Target::Profiles ? "external_id" : "unique_id"];
        out[e.key] = e;
    }
    return out;
}

std::vector<std::string> fake_differences(const Poco::JSON::Object::Ptr &state,
                                          const std::map<std::string, Expected> &expected,
                                          Target target) {
    std::vector<std::string> out;
    const bool profiles = target == Target::Profiles;
    const std::string what = profiles ? "profile" : "event";
    const std::string key_name = profiles ? "external_id" : "unique_id";
    const Poco::JSON::Array::Ptr stored = state->getArray(profiles ? "profiles" : "events");
    if (!stored)
        return {"the fake's state has no '" + std::string(profiles ? "profiles" : "events") +
                "' array (ask for the full state)"};
    std::set<std::string> seen;
    for (std::size_t i = 0; i < stored->size(); ++i) {
        const auto o = stored->getObject(static_cast<unsigned>(i));
        const std::string key = member(o, key_name);
        if (!seen.insert(key).second) {
            out.push_back(what + " " + key + " is stored twice");
            continue;
        }
        const auto it = expected.find(key);
        if (it == expected.end()) {
            out.push_back(what + " " + key + " is stored but the warehouse has no such row");
            continue;
        }
        for (const auto &[column, value] : it->second.values) {
            const Place p = place_of(target, column);
            const Poco::JSON::Object::Ptr holder = p.object.empty() ? o : o->getObject(p.object);
            const std::string actual = member(holder, p.name);
            const std::string wanted = fake_form(target, column, value);
            if (!same_value(wanted, actual))
                out.push_back(what + " " + key + ": " + (p.object.empty() ? "" : p.object + ".") +
                              p.name + " is '" + actual + "', the warehouse has '" + wanted + "'");
        }
    }
    for (const auto &[key, e] : expected) {
        if (!seen.count(key))
            out.push_back(what + " " + key + " is missing from the fake");
    }
    return out;
}

std::string first_lines(const std::vector<std::string> &lines, std::size_t n) {
    std::string text;
    for (std::size_t i = 0; i < lines.size() && i < n; ++i)
        text += lines[i] + "\n";
    if (lines.size() > n)
        text += "... and " + std::to_string(lines.size() - n) + " more\n";
    return text;
}

FakeFigures figures(const Poco::JSON::Object::Ptr &state) {
    FakeFigures f;
    f.requests = e2e::fake_requests(state);
    const auto totals = state->getObject("totals");
    f.events_accepted = number(totals, "events_accepted");
    f.profiles_accepted = number(totals, "bulk_profiles_accepted");
    f.events_dropped = number(state->getObject("duplicates_dropped"), "events");
    f.profile_count = number(state, "profile_count");
    f.event_count = number(state, "event_count");
    if (const auto requests = state->getObject("requests")) {
        auto sum = [&](const std::string &endpoint) {
            long long n = 0;
            if (const auto by_outcome = requests->getObject(endpoint)) {
                for (const auto &kv : *by_outcome)
                    n += kv.second.convert<long long>();
            }
            return n;
        };
        f.event_posts = sum("bulk_create_events") + sum("create_event");
        f.profile_posts = sum("bulk_import_profiles") + sum("create_or_update_profile");
    }
    if (const auto profiles = state->getArray("profiles")) {
        for (std::size_t i = 0; i < profiles->size(); ++i)
            f.profile_writes += number(profiles->getObject(static_cast<unsigned>(i)), "writes");
    }
    if (const auto faults = state->getObject("faults")) {
        if (const auto injected = faults->getObject("injected")) {
            for (const auto &kv : *injected) {
                const long long n = kv.second.convert<long long>();
                f.injected[kv.first] = n;
                if (kv.first != "latency" && kv.first.rfind("status_", 0) != 0)
                    f.faults_injected += n;
            }
        }
    }
    return f;
}

std::string LedgerCounts::describe() const {
    std::ostringstream s;
    s << records << " records in the ledger (" << pending << " pending, " << in_flight
      << " in flight, " << transient << " transient, " << sent << " sent), " << open_jobs
      << " open jobs";
    return s.str();
}

LedgerCounts ledger_counts(const std::string &ledger) {
    LedgerCounts c;
    struct stat st {};
    if (::stat(ledger.c_str(), &st) != 0 || st.st_size == 0)
        return c;
    try {
        for (const auto &row :
             e2e::sqlite_rows(ledger, "SELECT state, COUNT(*) FROM records GROUP BY state")) {
            const long long n = std::stoll(row.at(1));
            c.records += n;
            switch (std::stoi(row.at(0))) {
            case 1:
                c.pending = n;
                break;
            case 2:
                c.in_flight = n;
                break;
            case 3:
                c.transient = n;
                break;
            case 4:
                c.sent = n;
                break;
            default:
                break;
            }
        }
        c.open_jobs = std::stoll(e2e::sqlite_rows(ledger, "SELECT COUNT(*) FROM jobs").at(0).at(0));
    } catch (const std::exception &) {
        // The connector is still creating the file or its schema: nothing recorded yet.
        return LedgerCounts{};
    }
    return c;
}

Harness::Harness(Target target,
                 const std::vector<std::string> &fake_args,
                 int customers,
                 int orders)
    : target_(target) {
    shop_ = std::make_unique<Shop>(dir_.file("shop.db"), customers, orders);
    fake_ = std::make_unique<fake_klaviyo::FakeKlaviyo>(fake_args);
    ledger_ = dir_.file("ledger.sqlite");
    const bool profiles = target == Target::Profiles;
    query_ = dir_.file(profiles ? "shop_profiles.sql" : "shop_events.sql");
    connector::test::write_file(query_, profiles ? Shop::profiles_sql() : Shop::events_sql());
    sync_name_ = profiles ? "shop_profiles" : "shop_events";
}

std::vector<std::string> Harness::args(const std::vector<std::string> &more) {
    report_ = dir_.file("report-" + std::to_string(++reports_) + ".json");
    std::vector<std::string> a{"--query",       query_,
                               "--target",      to_string(target_),
                               "--connection",  shop_->connection(),
                               "--ledger",      ledger_,
                               "--sync",        sync_name_,
                               "--klaviyo-url", fake_->base_url(),
                               "--ca-file",     fake_klaviyo::FakeKlaviyo::ca_file(),
                               "--log-format",  "json",
                               "--verbose",     "--report",
                               report_};
    a.insert(a.end(), more.begin(), more.end());
    return a;
}

e2e::Env Harness::env() const {
    return {{"KLAVIYO_API_KEY", fake_klaviyo::test_api_key}};
}

std::unique_ptr<e2e::Process> Harness::start(const std::vector<std::string> &more) {
    return std::make_unique<e2e::Process>(args(more), env(), dir_.path());
}

e2e::Result Harness::run(const std::vector<std::string> &more) {
    e2e::Process p(args(more), env(), dir_.path());
    return p.wait();
}

Poco::JSON::Object::Ptr Harness::report() const {
    return e2e::read_json_file(report_);
}

long long Harness::count(const std::string &name) const {
    return report()->getObject("counts")->getValue<long long>(name);
}

Poco::JSON::Object::Ptr Harness::status() {
    const e2e::Result r = e2e::run(
        {"status", "--ledger", ledger_, "--sync", sync_name_, "--format", "json", "--runs", "20"});
    if (r.exit_code != 0)
        throw std::runtime_error("connector status failed (" + std::to_string(r.exit_code) +
                                 "):\n" + r.both());
    Poco::JSON::Parser parser;
    const auto doc = parser.parse(r.out).extract<Poco::JSON::Object::Ptr>();
    return doc->getArray("syncs")->getObject(0);
}

std::vector<std::string> ledger_differences(const Poco::JSON::Object::Ptr &sync, long long total) {
    std::vector<std::string> out;
    const auto states = sync->getObject("records_by_state");
    for (const char *state : {"pending", "in_flight", "transient", "failed", "rejected"}) {
        const long long n = number(states, state);
        if (n != 0)
            out.push_back("the ledger has " + std::to_string(n) + " records " + state);
    }
    if (number(states, "sent") != total)
        out.push_back("the ledger has " + std::to_string(number(states, "sent")) +
                      " records sent, expected " + std::to_string(total));
    if (number(sync, "records_total") != total)
        out.push_back("the ledger has " + std::to_string(number(sync, "records_total")) +
                      " records, expected " + std::to_string(total));
    const auto jobs = sync->getArray("open_jobs");
    if (jobs && jobs->size() != 0)
        out.push_back("the ledger still has " + std::to_string(jobs->size()) + " open bulk jobs");
    const auto runs = sync->getArray("runs");
    if (!runs || runs->size() == 0)
        out.push_back("the ledger has no runs");
    else if (runs->getObject(0)->getValue<std::string>("status") != "success")
        out.push_back("the last run's status is " +
                      runs->getObject(0)->getValue<std::string>("status") + ", not success");
    return out;
}

int log_events(const std::string &log, const std::string &name) {
    const std::string needle = "\"event\":\"" + name + "\"";
    int n = 0;
    for (auto at = log.find(needle); at != std::string::npos; at = log.find(needle, at + 1))
        ++n;
    return n;
}

bool has_exited(int pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat;
    if (!std::getline(in, stat))
        return true;
    const auto paren = stat.rfind(')');
    return paren == std::string::npos || paren + 2 >= stat.size() || stat[paren + 2] == 'Z' ||
           stat[paren + 2] == 'X';
}

void kill_when(e2e::Process &run,
               const std::function<bool()> &ready,
               std::chrono::milliseconds delay,
               const std::string &point,
               std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        if (ready())
            break;
        if (has_exited(run.pid())) {
            const e2e::Result r = run.wait();
            throw std::runtime_error("the run ended (exit " + std::to_string(r.exit_code) +
                                     ") before the kill point '" + point + "'\n" + r.both());
        }
        if (Clock::now() >= deadline) {
            run.signal(SIGKILL);
            const e2e::Result r = run.wait();
            throw std::runtime_error("the kill point '" + point + "' did not come within " +
                                     std::to_string(timeout.count()) + " s\n" + r.both());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(delay);
    if (has_exited(run.pid())) {
        const e2e::Result r = run.wait();
        throw std::runtime_error("the run ended (exit " + std::to_string(r.exit_code) + ") " +
                                 std::to_string(delay.count()) + " ms after the kill point '" +
                                 point + "', before it could be killed\n" + r.both());
    }
    run.signal(SIGKILL);
    const e2e::Result r = run.wait();
    if (r.exit_code != 128 + SIGKILL)
        throw std::runtime_error("the run killed at '" + point + "' exited with " +
                                 std::to_string(r.exit_code) + " instead of dying by SIGKILL\n" +
                                 r.both());
}

unsigned long long seed() {
    const char *text = std::getenv("CONNECTOR_RESILIENCE_SEED");
    if (text && *text)
        return std::strtoull(text, nullptr, 10);
    return 20261203ULL;
}

} // namespace connector::resilience
