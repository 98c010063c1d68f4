#include "cli/logger.hpp"
#include "cli/progress.hpp"
#include "cli/report.hpp"
#include "cli/summary.hpp"
#include "cli/terminal.hpp"
#include "cli/version.hpp"
#include "cli/wiring.hpp"
#include "commands.hpp"
#include "core/error.hpp"
#include "sync/sync.hpp"

#include <iostream>
#include <optional>
#include <unistd.h>

namespace connector::cli {

namespace {

sync::LogLevel min_level(const RunOptions &o, bool tty) {
    if (o.verbose)
        return sync::LogLevel::Debug;
    if (o.quiet)
        return sync::LogLevel::Warning;
    // On a terminal the progress line tells the story; log lines are for what needs attention.
    if (tty && o.log_format == LogFormat::Text)
        return sync::LogLevel::Warning;
    return sync::LogLevel::Info;
}

/// "config: query file 'x' not found (--query)": the kind and the message, as main prints them.
std::string failure_text(const std::exception &e) {
    const auto *error = dynamic_cast<const Error *>(&e);
    return std::string(to_string(error ? error->kind() : ErrorKind::Internal)) + ": " + e.what();
}

/// Writes the report and the JSON summary; never lets a report problem hide the run's result.
void publish(const RunOptions &o, const ReportInput &input, Logger &log, bool print_json) {
    if (print_json)
        std::cout << report_json(input, 0) << std::endl;
    if (o.report_file.empty())
        return;
    try {
        write_file_atomically(o.report_file, report_json(input, 2));
    } catch (const Error &e) {
        log.error("report_failed", e.what());
    }
}

} // namespace

int run_command(const RunOptions &o) {
    const bool tty = ::isatty(STDERR_FILENO) == 1;
    Terminal terminal(STDERR_FILENO, tty);
    Logger log(terminal, o.log_format, min_level(o, tty), new_run_id());

    ReportInput report;
    report.run_id = log.run_id();
    report.version = version;
    report.query_file = o.query_file;
    report.started_at = now_iso8601();

    std::optional<sync::Sync> sync;
    try {
        const std::string sql = read_query_file(o.query_file);
        Wiring w = wire(o, sql, log);
        report.ledger_path = w.ledger_path;
        log.add_context("sync", w.sync_name);
        log.on_event(sync::LogEvent{sync::LogLevel::Debug,
                                    "wired",
                                    "query " + o.query_file + ", warehouse " + w.warehouse +
                                        ", ledger " + w.ledger_path,
                                    {}});

        sync::SyncConfig config;
        config.sync_name = w.sync_name;
        config.target = o.target;
        config.full_resync = o.full_resync;
        config.retry_failed = o.retry_failed;
        config.dry_run = o.dry_run;
        config.limit = o.limit;
        sync.emplace(w.stages);

        sync::RunSummary summary;
        {
            std::optional<ProgressLine> progress;
            if (tty && o.log_format == LogFormat::Text && !o.quiet)
                progress.emplace(terminal, *sync);
            summary = sync->run(config);
        }
        report.finished_at = now_iso8601();
        report.exit_code = summary.exit_code();
        report.status = summary.status_text();
        report.summary = &summary;

        if (!o.quiet && o.log_format == LogFormat::Text) {
            if (summary.dry_run)
                std::cout << plan_text(summary) << "\n";
            std::cout << summary_text(summary, o.report_file) << std::flush;
        }
        publish(o, report, log, !o.quiet && o.log_format == LogFormat::Json);
        return summary.exit_code();
    } catch (const std::exception &e) {
        const auto *error = dynamic_cast<const Error *>(&e);
        const ErrorKind kind = error ? error->kind() : ErrorKind::Internal;
        report.finished_at = now_iso8601();
        report.exit_code = exit_code_for(kind);
        report.status = "failed";
        report.error_kind = to_string(kind);
        report.error_message = e.what();
        if (sync)
            report.summary = &sync->last_summary();
        if (o.log_format == LogFormat::Json)
            log.error("run_failed", failure_text(e));
        publish(o, report, log, false);
        throw;
    }
}

void log_run_failed(const std::exception &error) {
    Terminal terminal(STDERR_FILENO, ::isatty(STDERR_FILENO) == 1);
    Logger log(terminal, LogFormat::Json, sync::LogLevel::Error, new_run_id());
    log.error("run_failed", failure_text(error));
}

} // namespace connector::cli
