#include "error.hpp"

namespace connector {

Error::Error(ErrorKind kind, const std::string &what) : std::runtime_error(what), kind_(kind) {}

int exit_code_for(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::Config:
        return exit_code::usage;
    case ErrorKind::Source:
        return exit_code::warehouse;
    case ErrorKind::KlaviyoAuth:
        return exit_code::klaviyo_auth;
    case ErrorKind::Ledger:
    case ErrorKind::LedgerLocked:
        return exit_code::ledger;
    case ErrorKind::Interrupted:
        return exit_code::interrupted;
    case ErrorKind::Transport:
    case ErrorKind::Internal:
        break;
    }
    return exit_code::internal;
}

const char *to_string(ErrorKind kind) noexcept {
    switch (kind) {
    case ErrorKind::Config:
        return "config";
    case ErrorKind::Source:
        return "warehouse";
    case ErrorKind::KlaviyoAuth:
        return "klaviyo";
    case ErrorKind::Transport:
        return "transport";
    case ErrorKind::Ledger:
        return "ledger";
    case ErrorKind::LedgerLocked:
        return "ledger locked";
    case ErrorKind::Interrupted:
        return "interrupted";
    case ErrorKind::Internal:
        break;
    }
    return "internal";
}

} // namespace connector
