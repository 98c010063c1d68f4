#pragma once

#include "ledger/status.hpp"

#include <string>

namespace connector::cli {

/// `connector status` for humans: per sync, the last runs with their counts and outcome,
/// records by state, the most common failure reasons with an example each, open bulk jobs.
std::string status_text(const ledger::StatusReport &report);

/// The same as one JSON document.
std::string status_json(const ledger::StatusReport &report);

} // namespace connector::cli
