#include "run_observer.hpp"

#include <cstdio>

namespace connector::sync {

const char *to_string(LogLevel level) noexcept {
    switch (level) {
    case LogLevel::Debug:
        return "debug";
    case LogLevel::Info:
        return "info";
    case LogLevel::Warning:
        return "warning";
    case LogLevel::Error:
        return "error";
    }
    return "info";
}

LogField field(const std::string &name, const std::string &value) {
    return LogField{name, value, false};
}

LogField field(const std::string &name, std::uint64_t value) {
    return LogField{name, std::to_string(value), true};
}

LogField field(const std::string &name, std::int64_t value) {
    return LogField{name, std::to_string(value), true};
}

LogField field(const std::string &name, double value) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", value);
    return LogField{name, buf, true};
}

} // namespace connector::sync
