#include "odbc_fixture.hpp"

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "support/test_env.hpp"
#include "warehouse/detail/odbc_connection.hpp"

#include <catch2/catch.hpp>
#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>
#include <thread>
#include <unistd.h>

namespace connector::test {

warehouse::ConnectionOptions options_for(const std::string &connection_string,
                                         std::vector<std::string> *log) {
    warehouse::ConnectionOptions options;
    options.connection_string = connection_string;
    options.login_timeout_seconds = 10;
    if (log)
        options.verbose_log = [log](const std::string &line) { log->push_back(line); };
    return options;
}

std::string message_when_stopped(const warehouse::ConnectionOptions &options,
                                 const std::string &sql) {
    reset_stop();
    std::thread stopper([] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        request_stop();
    });
    std::string message;
    try {
        read_all(options, sql);
    } catch (const InterruptedError &e) {
        message = e.what();
    } catch (...) {
    }
    stopper.join();
    reset_stop();
    return message;
}

QueryResult read_all(const warehouse::ConnectionOptions &options,
                     const std::string &sql,
                     const QueryParams &params) {
    QueryResult result;
    warehouse::ConnectionOptions with_log = options;
    if (!with_log.verbose_log)
        with_log.verbose_log = [&result](const std::string &line) { result.log.push_back(line); };
    warehouse::OdbcSource source(with_log, sql, "test.sql", params);
    result.columns = source.columns();
    Row row;
    while (source.next(row))
        result.rows.push_back(row);
    return result;
}

std::string unique_name(const std::string &prefix) {
    static std::atomic<int> counter{0};
    std::random_device rd;
    return prefix + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
           std::to_string(rd() % 1000000);
}

std::size_t column_index(const QueryResult &result, const std::string &name) {
    for (std::size_t i = 0; i < result.columns.size(); ++i)
        if (result.columns[i].name == name)
            return i;
    FAIL("no column named " << name);
    return 0;
}

std::string shared_file(const std::string &relative) {
    // NOTE: CTest does not always pass CONNECTOR_SHARED_DIR (see the report for issue 3), so
    // the configure-time path is the fallback.
    if (const char *dir = std::getenv("CONNECTOR_SHARED_DIR"))
        return std::string(dir) + "/" + relative;
    return std::string(CONNECTOR_WH_SHARED_DIR) + "/" + relative;
}

std::string sqlite_connection(const std::string &path) {
    return "Driver=SQLite3;Database=" + path;
}

void sqlite_exec(const std::string &path, const std::string &sql) {
    sqlite3 *raw = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    std::unique_ptr<sqlite3, int (*)(sqlite3 *)> db(raw, sqlite3_close);
    if (rc != SQLITE_OK)
        throw std::runtime_error("cannot open " + path);
    char *error = nullptr;
    if (sqlite3_exec(db.get(), sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error("sqlite fixture: " + message);
    }
}

std::string pg_connection() {
    return required_env("CONNECTOR_TEST_PG");
}

void pg_exec(const std::string &sql, const std::string &connection_string) {
    warehouse::detail::OdbcConnection connection;
    connection.set_login_timeout(10);
    connection.connect(connection_string);
    connection.execute(sql);
}

PgSchema::PgSchema() : name_(unique_name("wh_test")) {
    pg_exec("CREATE SCHEMA " + name_);
}

PgSchema::~PgSchema() {
    try {
        pg_exec("DROP SCHEMA " + name_ + " CASCADE");
    } catch (...) {
        // A leftover schema is harmless: its name is unique.
    }
}

void PgSchema::exec(const std::string &sql) const {
    pg_exec("SET search_path TO " + name_ + ", public;\n" + sql);
}

} // namespace connector::test
