#include "sqlite_db.hpp"

#include "core/error.hpp"

#include <sqlite3.h>

namespace connector::ledger {

void CloseDatabase::operator()(sqlite3 *db) const noexcept {
    sqlite3_close_v2(db);
}

void FinalizeStatement::operator()(sqlite3_stmt *stmt) const noexcept {
    sqlite3_finalize(stmt);
}

namespace {

// SQLite keeps global allocation statistics behind one process-wide mutex unless told not to.
// The ledger and the SQLite warehouse driver share the library from two threads, so every
// allocation of either would wait on the other. Only possible before SQLite initialises; later
// (a driver loaded first) the call fails harmlessly and the statistics stay on.
void disable_memory_statistics() {
    static const int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    (void)rc;
}

} // namespace

Database::Database(const std::string &path, Mode mode) : path_(path) {
    disable_memory_statistics();
    const int flags = (mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
                      SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    db_.reset(raw); // own before checking: a failed open still allocates a handle
    if (rc != SQLITE_OK) {
        if (!raw)
            throw LedgerError("ledger " + path_ + ": cannot open: " + sqlite3_errstr(rc));
        fail(rc, "cannot open");
    }
}

void Database::exec(const char *sql, const char *what) {
    const int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK)
        fail(rc, what);
}

int Database::try_exec(const char *sql) noexcept {
    return sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr);
}

void Database::fail(int rc, const std::string &what) const {
    std::string message = "ledger " + path_ + ": " + what + ": ";
    const char *detail = db_ ? sqlite3_errmsg(db_.get()) : nullptr;
    message += detail ? detail : sqlite3_errstr(rc);
    if ((rc & 0xff) == SQLITE_BUSY)
        message += " (another process kept the ledger file busy longer than the busy timeout)";
    throw LedgerError(message);
}

std::int64_t Database::changes() const noexcept {
    return sqlite3_changes64(db_.get());
}

std::int64_t Database::last_insert_rowid() const noexcept {
    return sqlite3_last_insert_rowid(db_.get());
}

Statement::Statement(Database &db, const char *sql) : db_(&db), sql_(sql) {
    sqlite3_stmt *raw = nullptr;
    const int rc =
        sqlite3_prepare_v3(db.native_handle(), sql, -1, SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
    stmt_.reset(raw);
    if (rc != SQLITE_OK)
        db.fail(rc, "prepare \"" + sql_ + "\"");
}

Statement &Statement::bind(int index, std::int64_t value) {
    const int rc = sqlite3_bind_int64(stmt_.get(), index, value);
    if (rc != SQLITE_OK)
        db_->fail(rc, "bind");
    return *this;
}

Statement &Statement::bind(int index, const std::string &value) {
    // SQLITE_STATIC: the caller's string lives until step() returns; reset() clears bindings.
    const int rc = sqlite3_bind_text64(stmt_.get(), index, value.data(), value.size(),
                                       SQLITE_STATIC, SQLITE_UTF8);
    if (rc != SQLITE_OK)
        db_->fail(rc, "bind");
    return *this;
}

Statement &Statement::bind_blob(int index, const std::string &value) {
    const int rc =
        sqlite3_bind_blob64(stmt_.get(), index, value.data(), value.size(), SQLITE_STATIC);
    if (rc != SQLITE_OK)
        db_->fail(rc, "bind");
    return *this;
}

Statement &Statement::bind_null(int index) {
    const int rc = sqlite3_bind_null(stmt_.get(), index);
    if (rc != SQLITE_OK)
        db_->fail(rc, "bind");
    return *this;
}

Statement &Statement::bind_or_null(int index, const std::string &value) {
    return value.empty() ? bind_null(index) : bind(index, value);
}

bool Statement::step() {
    const int rc = sqlite3_step(stmt_.get());
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    const std::string first_line = sql_.substr(0, sql_.find('\n'));
    db_->fail(rc, "\"" + first_line + "\"");
}

void Statement::run() {
    ResetOnExit guard(*this);
    while (step()) {
    }
}

void Statement::reset() noexcept {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
}

std::int64_t Statement::column_int(int index) const noexcept {
    return sqlite3_column_int64(stmt_.get(), index);
}

std::string Statement::column_text(int index) const {
    const auto *text = sqlite3_column_text(stmt_.get(), index);
    const int size = sqlite3_column_bytes(stmt_.get(), index);
    return text ? std::string(reinterpret_cast<const char *>(text), static_cast<std::size_t>(size))
                : std::string();
}

std::string Statement::column_bytes(int index) const {
    const void *data = sqlite3_column_blob(stmt_.get(), index);
    const int size = sqlite3_column_bytes(stmt_.get(), index);
    return data ? std::string(static_cast<const char *>(data), static_cast<std::size_t>(size))
                : std::string();
}

void Statement::column_bytes(int index, std::string &out) const {
    const void *data = sqlite3_column_blob(stmt_.get(), index);
    const int size = sqlite3_column_bytes(stmt_.get(), index);
    if (data)
        out.assign(static_cast<const char *>(data), static_cast<std::size_t>(size));
    else
        out.clear();
}

bool Statement::column_is_blob(int index) const noexcept {
    return sqlite3_column_type(stmt_.get(), index) == SQLITE_BLOB;
}

bool Statement::column_is_null(int index) const noexcept {
    return sqlite3_column_type(stmt_.get(), index) == SQLITE_NULL;
}

Transaction::Transaction(Database &db, Kind kind) : db_(db) {
    db_.exec(kind == Kind::Write ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", "begin transaction");
}

Transaction::~Transaction() {
    if (open_)
        db_.try_exec("ROLLBACK");
}

void Transaction::commit() {
    db_.exec("COMMIT", "commit");
    open_ = false;
}

} // namespace connector::ledger
