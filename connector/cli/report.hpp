#pragma once

#include "sync/run_summary.hpp"

#include <string>

namespace connector::cli {

/// Everything the report says about one run, including runs that stopped on an error.
struct ReportInput {
    std::string run_id; ///< the CLI's run id, as in the JSON log lines
    std::string version;
    std::string query_file;
    std::string ledger_path;
    std::string started_at; ///< ISO-8601
    std::string finished_at;
    int exit_code = 0;
    std::string status;        ///< "success", "partial", "limited", "interrupted" or "failed"
    std::string error_kind;    ///< for "failed": "warehouse", "klaviyo", "ledger", ...
    std::string error_message; ///< for "failed"
    const sync::RunSummary *summary = nullptr; ///< what the run did, as far as it got
};

/// The run as one JSON document: counts; rejects, warnings, failures and transient records by
/// reason, each with examples; Klaviyo requests by endpoint and responses by status; phase
/// durations; gone records; for a dry run, the sample payloads. `indent` 0 gives one line.
std::string report_json(const ReportInput &input, unsigned indent);

/// Writes `text` to `path` through a temporary file and a rename, so a reader never sees half
/// a report. Throws ConfigError naming the path when it cannot.
void write_file_atomically(const std::string &path, const std::string &text);

} // namespace connector::cli
