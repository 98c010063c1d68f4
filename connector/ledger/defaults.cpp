#include "defaults.hpp"

#include "core/error.hpp"

#include <cstdlib>
#include <filesystem>
#include <pwd.h>
#include <unistd.h>
#include <vector>

namespace connector::ledger {
namespace {

std::string env(const char *name) {
    const char *value = std::getenv(name);
    return value ? value : "";
}

std::string home_directory() {
    std::string home = env("HOME");
    if (!home.empty())
        return home;
    // No $HOME (some cron and container setups): ask the password database.
    std::vector<char> buf(16384);
    passwd pw{};
    passwd *found = nullptr;
    if (getpwuid_r(getuid(), &pw, buf.data(), buf.size(), &found) == 0 && found && found->pw_dir &&
        *found->pw_dir)
        return found->pw_dir;
    return {};
}

} // namespace

std::string default_sync_name(const std::string &query_file, Target target) {
    std::string stem = std::filesystem::path(query_file).stem().string();
    if (stem.empty())
        stem = "query";
    return stem + ":" + to_string(target);
}

std::string default_ledger_path() {
    const std::string explicit_path = env("CONNECTOR_LEDGER");
    if (!explicit_path.empty())
        return explicit_path;
    // XDG Base Directory: a relative value is invalid and must be ignored.
    const std::string state_home = env("XDG_STATE_HOME");
    if (!state_home.empty() && state_home.front() == '/')
        return state_home + "/connector/ledger.sqlite";
    const std::string home = home_directory();
    if (home.empty())
        throw ConfigError("cannot choose a ledger file: HOME is not set and the user has no home "
                          "directory; pass --ledger PATH or set CONNECTOR_LEDGER");
    return home + "/.local/state/connector/ledger.sqlite";
}

} // namespace connector::ledger
