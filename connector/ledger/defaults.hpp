#pragma once

#include "core/record.hpp"

#include <string>

namespace connector::ledger {

/// The sync name used when `--sync` is not given: the query file's name without directory and
/// extension, a colon and the target, e.g. "audience:klaviyo_events" for
/// "sql/audience.sql" and Target::Events.
std::string default_sync_name(const std::string &query_file, Target target);

/// The ledger file used when `--ledger` is not given: $CONNECTOR_LEDGER, else
/// $XDG_STATE_HOME/connector/ledger.sqlite (when XDG_STATE_HOME is an absolute path), else
/// ~/.local/state/connector/ledger.sqlite. Throws ConfigError when no home directory is known.
std::string default_ledger_path();

} // namespace connector::ledger
