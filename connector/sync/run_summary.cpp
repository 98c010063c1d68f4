#include "run_summary.hpp"

#include "core/error.hpp"

namespace connector::sync {

const char *to_string(RunStatus status) noexcept {
    switch (status) {
    case RunStatus::Success:
        return "success";
    case RunStatus::Partial:
        return "partial";
    case RunStatus::Interrupted:
        return "interrupted";
    }
    return "unknown";
}

const char *RunSummary::status_text() const noexcept {
    if (limited && status != RunStatus::Interrupted)
        return "limited";
    return to_string(status);
}

int exit_code_for(RunStatus status) noexcept {
    switch (status) {
    case RunStatus::Success:
        return exit_code::ok;
    case RunStatus::Partial:
        return exit_code::partial;
    case RunStatus::Interrupted:
        return exit_code::interrupted;
    }
    return exit_code::internal;
}

} // namespace connector::sync
