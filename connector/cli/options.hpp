#pragma once

#include "core/record.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace connector::cli {

/// Log line format (--log-format).
enum class LogFormat { Text, Json };

/// What the command line asks for.
enum class Command { Run, Status, Help, Version };

/// `connector --query ... --target ...`: one sync run.
struct RunOptions {
    std::string query_file;
    Target target = Target::Profiles;
    std::string mapping_file; ///< empty: the convention mapping (column names)

    std::string dsn;        ///< --dsn NAME
    std::string connection; ///< --connection STRING (may hold ${VAR} references)
    std::string warehouse_timezone = "UTC";
    int login_timeout_seconds = 30;
    int query_timeout_seconds = 0; ///< 0: no limit
    std::uint64_t limit = 0;       ///< 0: every row

    std::string api_key_file; ///< empty: KLAVIYO_API_KEY
    std::string klaviyo_url = "https://a.klaviyo.com";
    std::string ca_file;
    std::string revision = "2026-07-15";
    std::string api_mode = "bulk";
    int concurrency = 4;
    bool pacing = true; ///< --pacing off: no client-side pacing (test servers only)

    std::string ledger_path; ///< empty: the ledger's default path
    std::string sync_name;   ///< empty: derived from the query file and the target
    int wait_lock_seconds = 0;
    bool dry_run = false;
    bool full_resync = false;
    bool retry_failed = false;

    LogFormat log_format = LogFormat::Text;
    std::string report_file;
    bool quiet = false;
    bool verbose = false;
};

/// `connector status`: what the ledger knows.
struct StatusOptions {
    std::string ledger_path; ///< empty: the ledger's default path
    std::string sync_name;   ///< empty: every sync in the ledger
    bool json = false;       ///< --format json
    int runs = 5;            ///< last runs shown per sync
};

/// The parsed command line.
struct Options {
    Command command = Command::Run;
    bool status_help = false; ///< `connector status --help`
    RunOptions run;
    StatusOptions status;
};

/// Parses argv, then CONNECTOR_* environment variables, then the --config file (the first
/// place that sets an option wins). Rejects an `--api-key` anywhere with an explanation
/// (the key comes only from KLAVIYO_API_KEY or --api-key-file) without echoing its value.
/// Validates values and files. Throws ConfigError with a message that says what to do.
/// `log_format`, when given, is set to the --log-format of a run as soon as it is known (from
/// the command line and CONNECTOR_LOG_FORMAT first, then from all three places, before the
/// other values are checked), so that an error in them can be logged as JSON too.
Options parse_options(int argc, const char *const *argv, LogFormat *log_format = nullptr);

/// The full `--help` text: usage, options, environment, examples, exit codes.
std::string help_text();
/// `connector status --help`.
std::string status_help_text();

/// "CONNECTOR_KLAVIYO_URL" for "klaviyo-url".
std::string environment_name(const std::string &option);

/// Parses "klaviyo_profiles" / "klaviyo_events". Throws ConfigError listing the valid targets.
Target parse_target(const std::string &text);

} // namespace connector::cli
