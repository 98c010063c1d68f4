#include "sink.hpp"

namespace connector {

const char *to_string(Outcome o) noexcept {
    switch (o) {
    case Outcome::Sent:
        return "sent";
    case Outcome::Failed:
        return "failed";
    case Outcome::Transient:
        return "transient";
    }
    return "unknown";
}

} // namespace connector
