#include "ledger.hpp"

namespace connector {

bool should_send(Decision d) noexcept {
    return d == Decision::New || d == Decision::Changed || d == Decision::Retry;
}

const char *to_string(Decision d) noexcept {
    switch (d) {
    case Decision::New:
        return "new";
    case Decision::Changed:
        return "changed";
    case Decision::Retry:
        return "retry";
    case Decision::Unchanged:
        return "unchanged";
    case Decision::SkipFailed:
        return "skip_failed";
    case Decision::Duplicate:
        return "duplicate";
    }
    return "unknown";
}

} // namespace connector
