#pragma once

namespace connector::cli {

/// SIGINT and SIGTERM call connector::request_stop() and print one line; the run stops taking
/// new work, lets requests in flight finish within a grace period, records them and exits 7.
/// A second signal ends the process at once (the default action; the ledger stays consistent
/// and the next run resends what was in flight). SIGPIPE is ignored so that a closed pipe is
/// a write error, not a silent death.
void install_signal_handlers();

} // namespace connector::cli
