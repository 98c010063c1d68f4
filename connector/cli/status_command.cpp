#include "cli/status_format.hpp"
#include "cli/wiring.hpp"
#include "commands.hpp"
#include "ledger/status.hpp"

#include <iostream>

namespace connector::cli {

int status_command(const StatusOptions &o) {
    const std::string path = resolve_ledger_path(o.ledger_path);
    const ledger::StatusReport report = ledger::read_status(path, o.sync_name, o.runs);
    std::cout << (o.json ? status_json(report) : status_text(report)) << std::endl;
    return 0;
}

} // namespace connector::cli
