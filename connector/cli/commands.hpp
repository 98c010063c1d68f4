#pragma once

#include "cli/options.hpp"

#include <exception>

namespace connector::cli {

/// One sync run: wires the stages, runs the sync with a progress line or log lines, prints the
/// summary (and a dry run's plan), writes --report. Returns 0, 5 or 7; throws the run's error
/// (after logging it and writing the report).
int run_command(const RunOptions &options);

/// For an error before run_command began (a bad option or file) with --log-format json: writes
/// the run_failed JSON line on stderr that run_command writes for the errors of a run.
void log_run_failed(const std::exception &error);

/// `connector status`: prints what the ledger knows. Returns 0; throws LedgerError or
/// ConfigError.
int status_command(const StatusOptions &options);

} // namespace connector::cli
