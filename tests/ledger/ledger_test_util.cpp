#include "ledger_test_util.hpp"

#include <sqlite3.h>

#include <chrono>
#include <memory>
#include <stdexcept>

namespace connector::ledger::test {
namespace {

struct Close {
    void operator()(sqlite3 *db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, Close>;

Db open_db(const std::string &path) {
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
    Db db(raw);
    if (rc != SQLITE_OK)
        throw std::runtime_error("test: cannot open " + path + ": " + sqlite3_errstr(rc));
    sqlite3_busy_timeout(raw, 10000);
    return db;
}

template <typename Fn> void first_row(const std::string &path, const std::string &sql, Fn fn) {
    Db db = open_db(path);
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK)
        throw std::runtime_error("test: " + sql + ": " + sqlite3_errmsg(db.get()));
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        fn(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        throw std::runtime_error("test: " + sql + ": " + sqlite3_errstr(rc));
}

} // namespace

const std::string with_payloads =
    "(SELECT r.*, s.name AS state_name, p.profile, p.event FROM records r "
    "JOIN record_states s ON s.code = r.state LEFT JOIN payloads p ON p.record_id = r.id)";

Record make_record(const std::string &key, const std::string &hash, Target target) {
    Record r;
    r.row_number = 1;
    r.key = key;
    r.hash = hash;
    r.profile = R"({"type":"profile","attributes":{"external_id":")" + key + R"("}})";
    if (target == Target::Events)
        r.event =
            R"({"type":"event","attributes":{"unique_id":")" + key + R"(","h":")" + hash + R"("}})";
    return r;
}

RunOptions run_options(Target target) {
    RunOptions o;
    o.target = target;
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    o.started_at.unix_seconds = std::chrono::duration_cast<std::chrono::seconds>(now).count();
    return o;
}

void exec_sql(const std::string &db_path, const std::string &sql) {
    Db db = open_db(db_path);
    char *err = nullptr;
    if (sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string message = err ? err : "unknown error";
        sqlite3_free(err);
        throw std::runtime_error("test: " + message);
    }
}

std::int64_t query_int(const std::string &db_path, const std::string &sql) {
    std::int64_t value = 0;
    first_row(db_path, sql, [&](sqlite3_stmt *s) { value = sqlite3_column_int64(s, 0); });
    return value;
}

std::string query_text(const std::string &db_path, const std::string &sql) {
    std::string value;
    first_row(db_path, sql, [&](sqlite3_stmt *s) {
        if (const auto *t = sqlite3_column_text(s, 0))
            value = reinterpret_cast<const char *>(t);
    });
    return value;
}

std::string state_of(const std::string &db_path, const std::string &key) {
    return query_text(db_path,
                      "SELECT state_name FROM " + with_payloads + " WHERE key = '" + key + "'");
}

std::vector<Decision> diff_keys(Ledger &ledger,
                                const std::vector<std::string> &keys,
                                const std::string &hash,
                                Target target) {
    std::vector<Record> batch;
    for (const std::string &k : keys)
        batch.push_back(make_record(k, hash, target));
    return ledger.diff(batch);
}

} // namespace connector::ledger::test
