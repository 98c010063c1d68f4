#pragma once

#include <cstdint>
#include <memory>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace connector::ledger {

/// Closes a connection with sqlite3_close_v2 (never fails for a valid handle).
struct CloseDatabase {
    void operator()(sqlite3 *db) const noexcept;
};

/// Finalizes a prepared statement.
struct FinalizeStatement {
    void operator()(sqlite3_stmt *stmt) const noexcept;
};

/// One SQLite connection (internal to the ledger module). Every failure throws LedgerError
/// naming the file, the operation and SQLite's message.
class Database {
  public:
    enum class Mode {
        ReadWrite, ///< the file must exist (the ledger creates it first, with mode 0600)
        ReadOnly,  ///< for `connector status`
    };

    /// Opens `path`. Throws LedgerError when SQLite cannot open it.
    Database(const std::string &path, Mode mode);

    /// Runs one or more statements without results. Throws LedgerError.
    void exec(const char *sql, const char *what);
    /// Runs statements and returns SQLite's result code instead of throwing (shutdown paths).
    int try_exec(const char *sql) noexcept;
    /// Throws LedgerError for `rc` with SQLite's current message for this connection.
    [[noreturn]] void fail(int rc, const std::string &what) const;
    /// Rows changed by the last INSERT/UPDATE/DELETE.
    std::int64_t changes() const noexcept;
    /// Rowid of the last INSERT.
    std::int64_t last_insert_rowid() const noexcept;

    const std::string &path() const noexcept { return path_; }
    sqlite3 *native_handle() const noexcept { return db_.get(); }

  private:
    std::string path_;
    std::unique_ptr<sqlite3, CloseDatabase> db_;
};

/// A prepared statement, kept for the ledger's life. Bind, then step() until false (or run()).
/// Text is bound without a copy, so bound strings must outlive the step; reset() clears them.
class Statement {
  public:
    /// Prepares `sql` (persistent). Throws LedgerError naming the statement.
    Statement(Database &db, const char *sql);

    Statement &bind(int index, std::int64_t value);
    Statement &bind(int index, const std::string &value);
    /// Deleted: text is bound without a copy, so a temporary would dangle by step().
    Statement &bind(int index, std::string &&value) = delete;
    Statement &bind(int index, const char *value) = delete;
    /// Binds `value` as a BLOB (raw bytes).
    Statement &bind_blob(int index, const std::string &value);
    Statement &bind_blob(int index, std::string &&value) = delete;
    Statement &bind_null(int index);
    /// Binds `value`, or NULL when it is empty.
    Statement &bind_or_null(int index, const std::string &value);
    Statement &bind_or_null(int index, std::string &&value) = delete;

    /// Steps once: true when a row is ready, false when done. Throws LedgerError.
    bool step();
    /// Steps to completion and resets.
    void run();
    /// Resets and clears the bindings (safe to call at any time).
    void reset() noexcept;

    std::int64_t column_int(int index) const noexcept;
    std::string column_text(int index) const;
    /// The column's bytes, whether it holds text or a BLOB.
    std::string column_bytes(int index) const;
    /// The same into `out`, which keeps its capacity.
    void column_bytes(int index, std::string &out) const;
    bool column_is_blob(int index) const noexcept;
    bool column_is_null(int index) const noexcept;

  private:
    Database *db_;
    std::string sql_;
    std::unique_ptr<sqlite3_stmt, FinalizeStatement> stmt_;
};

/// Resets a statement when the scope ends, so a half-read result never keeps a read
/// transaction open.
class ResetOnExit {
  public:
    explicit ResetOnExit(Statement &stmt) : stmt_(stmt) {}
    ~ResetOnExit() { stmt_.reset(); }
    ResetOnExit(const ResetOnExit &) = delete;
    ResetOnExit &operator=(const ResetOnExit &) = delete;

  private:
    Statement &stmt_;
};

/// A transaction. commit() throws; the destructor rolls back silently.
class Transaction {
  public:
    enum class Kind {
        Write, ///< BEGIN IMMEDIATE: takes the write lock first, so the busy timeout applies
        Read,  ///< BEGIN DEFERRED: one read snapshot (writes to the temp schema only)
    };
    explicit Transaction(Database &db, Kind kind = Kind::Write);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    /// Commits. Throws LedgerError.
    void commit();

  private:
    Database &db_;
    bool open_ = true;
};

} // namespace connector::ledger
