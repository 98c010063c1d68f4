#pragma once

#include "sync/run_summary.hpp"

#include <string>

namespace connector::cli {

/// The end-of-run summary for humans: what was read, rejected (by reason), unchanged, new,
/// changed, retried, sent, failed (by reason), the Klaviyo requests per endpoint and 429s,
/// the duration per phase, a few examples per reason, and what to do next.
std::string summary_text(const sync::RunSummary &summary, const std::string &report_file);

/// A dry run's plan: what would be sent, with the sample payloads, pretty-printed.
std::string plan_text(const sync::RunSummary &summary);

} // namespace connector::cli
