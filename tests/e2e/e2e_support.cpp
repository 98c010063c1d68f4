#include "e2e_support.hpp"

#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

#include <Poco/JSON/Parser.h>
#include <sqlite3.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <memory>
#include <random>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char **environ;

namespace connector::e2e {

namespace {

std::string slurp(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The child's environment: ours, without the key, with the overrides.
std::vector<std::string> child_environment(const Env &env) {
    std::map<std::string, std::string> vars;
    for (char **e = environ; e && *e; ++e) {
        const std::string entry(*e);
        const auto eq = entry.find('=');
        if (eq != std::string::npos)
            vars[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    vars.erase("KLAVIYO_API_KEY");
    for (const auto &[name, value] : env) {
        if (value.empty())
            vars.erase(name);
        else
            vars[name] = value;
    }
    std::vector<std::string> out;
    for (const auto &[name, value] : vars)
        out.push_back(name + "=" + value);
    return out;
}

int spawn(const std::string &program,
          const std::vector<std::string> &args,
          const std::vector<std::string> &env,
          const std::string &out_path,
          const std::string &err_path,
          const std::string &in_path = "/dev/null") {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    std::vector<char *> argv{const_cast<char *>(program.c_str())};
    for (const std::string &a : args)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    std::vector<char *> envp;
    for (const std::string &e : env)
        envp.push_back(const_cast<char *>(e.c_str()));
    envp.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
    return pid;
}

int wait_exit(int pid) {
    int status = 0;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR)
            throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return -1;
}

std::string unique_suffix() {
    std::random_device random;
    std::ostringstream s;
    s << getpid() << "_" << std::hex << random();
    return s.str();
}

std::string temp_file(const std::string &stem) {
    const char *tmp = std::getenv("TMPDIR");
    return std::string(tmp && *tmp ? tmp : "/tmp") + "/connector-e2e-" + stem + "-" +
           unique_suffix();
}

} // namespace

std::string connector_binary() {
    return connector::test::binary_path("connector/cli/connector");
}

Process::Process(const std::vector<std::string> &args, const Env &env, const std::string &dir) {
    static int counter = 0;
    const std::string stem = dir + "/run" + std::to_string(++counter);
    out_path_ = stem + ".out";
    err_path_ = stem + ".err";
    pid_ = spawn(connector_binary(), args, child_environment(env), out_path_, err_path_);
}

Process::~Process() {
    if (!done_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        waitpid(pid_, &status, 0);
    }
}

void Process::signal(int sig) {
    if (!done_)
        ::kill(pid_, sig);
}

Result Process::wait() {
    if (!done_) {
        result_.exit_code = wait_exit(pid_);
        result_.out = slurp(out_path_);
        result_.err = slurp(err_path_);
        done_ = true;
    }
    return result_;
}

std::string Process::err_so_far() const {
    return slurp(err_path_);
}

bool Process::wait_for_err(const std::string &text, double seconds) {
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    while (std::chrono::steady_clock::now() < deadline) {
        if (err_so_far().find(text) != std::string::npos)
            return true;
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            done_ = true;
            result_.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            result_.out = slurp(out_path_);
            result_.err = slurp(err_path_);
            return result_.err.find(text) != std::string::npos;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
}

Result run(const std::vector<std::string> &args, const Env &env) {
    const connector::test::TempDir dir;
    Process p(args, env, dir.path());
    return p.wait();
}

Poco::JSON::Object::Ptr read_json_file(const std::string &path) {
    const std::string text = slurp(path);
    if (text.empty())
        throw std::runtime_error("no JSON in " + path);
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

long long fake_requests(const Poco::JSON::Object::Ptr &state) {
    const auto totals = state->getObject("totals");
    return totals && totals->has("requests") ? totals->getValue<long long>("requests") : 0;
}

std::string text(const Poco::JSON::Object::Ptr &o, const std::string &name) {
    if (!o || !o->has(name) || o->isNull(name))
        return "";
    return o->get(name).toString();
}

PgSchema::PgSchema() {
    const std::string conn = connector::test::required_env("CONNECTOR_TEST_PG");
    std::istringstream in(conn);
    for (std::string part; std::getline(in, part, ';');) {
        const auto eq = part.find('=');
        if (eq == std::string::npos)
            continue;
        std::string key = part.substr(0, eq);
        for (char &c : key)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        attributes_[key] = part.substr(eq + 1);
    }
    name_ = "e2e_" + unique_suffix();
    psql("CREATE SCHEMA " + name_ + ";", false);
}

PgSchema::~PgSchema() {
    try {
        psql("DROP SCHEMA IF EXISTS " + name_ + " CASCADE;", false);
    } catch (...) {
        // The server may be gone already; the schema name is unique, nothing else depends on it.
    }
}

std::string PgSchema::psql(const std::string &sql, bool tuples) const {
    const std::string script = temp_file("pg.sql");
    const std::string out = temp_file("pg.out");
    const std::string err = temp_file("pg.err");
    {
        std::ofstream f(script, std::ios::binary);
        f << "SET client_min_messages TO warning;\n" << sql << "\n";
    }
    std::vector<std::string> args{"-X", "-q",
                                  "-v", "ON_ERROR_STOP=1",
                                  "-h", attributes_.at("server"),
                                  "-p", attributes_.at("port"),
                                  "-U", attributes_.at("uid"),
                                  "-d", attributes_.at("database"),
                                  "-f", script};
    if (tuples) {
        args.insert(args.begin(), {"-A", "-t", "-F", "|"});
    }
    const int pid = spawn("/usr/bin/psql", args,
                          child_environment({{"PGPASSWORD", attributes_.at("pwd")}}), out, err);
    const int rc = wait_exit(pid);
    const std::string output = slurp(out);
    const std::string errors = slurp(err);
    std::remove(script.c_str());
    std::remove(out.c_str());
    std::remove(err.c_str());
    if (rc != 0)
        throw std::runtime_error("psql failed (" + std::to_string(rc) + "): " + errors);
    return output;
}

void PgSchema::run_script(const std::string &sql) const {
    psql("SET search_path TO " + name_ + ";\n" + sql, false);
}

void PgSchema::load_chinook() const {
    std::string script = slurp(connector::test::shared_path("data/chinook/Chinook_PostgreSql.sql"));
    // The script creates and switches to its own database; keep what follows the switch.
    const std::string marker = "\\c chinook;";
    const auto start = script.find(marker);
    if (start == std::string::npos)
        throw std::runtime_error("Chinook_PostgreSql.sql has no '\\c chinook;' line");
    run_script(script.substr(start + marker.size()));
}

std::vector<std::vector<std::string>> PgSchema::query(const std::string &sql) const {
    const std::string output = psql("SET search_path TO " + name_ + ";\n" + sql, true);
    std::vector<std::vector<std::string>> rows;
    std::istringstream in(output);
    for (std::string line; std::getline(in, line);) {
        if (line.empty())
            continue;
        std::vector<std::string> row;
        std::size_t start = 0;
        while (true) {
            const auto bar = line.find('|', start);
            row.push_back(line.substr(start, bar == std::string::npos ? bar : bar - start));
            if (bar == std::string::npos)
                break;
            start = bar + 1;
        }
        rows.push_back(row);
    }
    return rows;
}

std::string PgSchema::connection_string() const {
    return connector::test::required_env("CONNECTOR_TEST_PG") +
           ";UseDeclareFetch=1;ConnSettings=SET search_path TO " + name_;
}

void create_sqlite(const std::string &file, const std::string &script) {
    std::remove(file.c_str());
    sqlite3 *raw = nullptr;
    const int rc =
        sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    std::unique_ptr<sqlite3, int (*)(sqlite3 *)> db(raw, sqlite3_close);
    if (rc != SQLITE_OK)
        throw std::runtime_error("cannot create " + file + ": " + sqlite3_errstr(rc));
    char *error = nullptr;
    if (sqlite3_exec(db.get(), script.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        const std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        throw std::runtime_error("cannot run the script on " + file + ": " + message);
    }
}

std::string file_text(const std::string &path) {
    return slurp(path);
}

std::vector<std::vector<std::string>> sqlite_rows(const std::string &file, const std::string &sql) {
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(file.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, int (*)(sqlite3 *)> db(raw, sqlite3_close);
    if (rc != SQLITE_OK)
        throw std::runtime_error("cannot open " + file + ": " + sqlite3_errstr(rc));
    sqlite3_stmt *stmt_raw = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &stmt_raw, nullptr) != SQLITE_OK)
        throw std::runtime_error("cannot prepare: " + std::string(sqlite3_errmsg(db.get())));
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt *)> stmt(stmt_raw, sqlite3_finalize);
    std::vector<std::vector<std::string>> rows;
    while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
        std::vector<std::string> row;
        for (int i = 0; i < sqlite3_column_count(stmt.get()); ++i) {
            const unsigned char *t = sqlite3_column_text(stmt.get(), i);
            row.push_back(t ? reinterpret_cast<const char *>(t) : "");
        }
        rows.push_back(row);
    }
    return rows;
}

} // namespace connector::e2e
