#pragma once
// Helpers for the end-to-end tests: run the real connector binary as a child process, load the
// Chinook sample into a throwaway PostgreSQL schema, read expected values straight from the
// sample databases.

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <map>
#include <string>
#include <vector>

namespace connector::e2e {

/// What a finished connector process left behind.
struct Result {
    int exit_code = -1;
    std::string out; ///< stdout
    std::string err; ///< stderr
    /// Both, for failure messages.
    std::string both() const { return "--- stdout:\n" + out + "--- stderr:\n" + err; }
};

/// Extra environment for the child: NAME -> value; an empty value removes the variable.
using Env = std::map<std::string, std::string>;

/// The connector binary of this build.
std::string connector_binary();

/// A connector process running in the background, its output going to files in `dir`.
class Process {
  public:
    /// Starts `connector args...` with the test's environment minus KLAVIYO_API_KEY, plus `env`.
    Process(const std::vector<std::string> &args, const Env &env, const std::string &dir);
    ~Process();
    Process(const Process &) = delete;
    Process &operator=(const Process &) = delete;

    int pid() const { return pid_; }
    /// Sends a signal.
    void signal(int sig);
    /// Waits for the exit and returns the result (idempotent).
    Result wait();
    /// What it wrote to stderr so far.
    std::string err_so_far() const;
    /// Waits (at most `seconds`) until stderr contains `text`; false on timeout or exit.
    bool wait_for_err(const std::string &text, double seconds);

  private:
    int pid_ = -1;
    bool done_ = false;
    Result result_;
    std::string out_path_;
    std::string err_path_;
};

/// Runs `connector args...` to the end (see Process).
Result run(const std::vector<std::string> &args, const Env &env = {});

/// The report file's JSON.
Poco::JSON::Object::Ptr read_json_file(const std::string &path);

/// A fresh schema on the test PostgreSQL server (CONNECTOR_TEST_PG), dropped at the end.
class PgSchema {
  public:
    PgSchema();
    ~PgSchema();
    PgSchema(const PgSchema &) = delete;
    PgSchema &operator=(const PgSchema &) = delete;

    const std::string &name() const { return name_; }
    /// Runs a SQL script with this schema first on the search path (psql, stops on error).
    void run_script(const std::string &sql) const;
    /// Loads ../shared/data/chinook/Chinook_PostgreSql.sql into this schema.
    void load_chinook() const;
    /// Rows of a query, columns separated by '|'.
    std::vector<std::vector<std::string>> query(const std::string &sql) const;
    /// An ODBC connection string for the connector that reads this schema.
    std::string connection_string() const;

  private:
    std::string psql(const std::string &sql, bool tuples) const;

    std::map<std::string, std::string> attributes_;
    std::string name_;
};

/// Rows of a query on a SQLite file (the sqlite3 library, read-only), as text; NULL as "".
std::vector<std::vector<std::string>> sqlite_rows(const std::string &file, const std::string &sql);

/// Creates (or replaces) a SQLite database at `file` from a SQL script.
void create_sqlite(const std::string &file, const std::string &script);

/// A file's contents.
std::string file_text(const std::string &path);

/// The number of API requests the fake has answered, from its state.
long long fake_requests(const Poco::JSON::Object::Ptr &state);

/// The member of a JSON object as text ("" when missing or null).
std::string text(const Poco::JSON::Object::Ptr &o, const std::string &name);

} // namespace connector::e2e
