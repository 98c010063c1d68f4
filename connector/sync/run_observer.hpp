#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace connector::sync {

/// How much a log event matters. The CLI filters on it (--quiet, --verbose).
enum class LogLevel { Debug, Info, Warning, Error };

/// "debug", "info", "warning", "error".
const char *to_string(LogLevel level) noexcept;

/// One named value attached to a log event (a JSON field in `--log-format json`).
struct LogField {
    std::string name;
    std::string value;
    bool is_number = false; ///< written without quotes in JSON
};

/// A notable thing that happened during a run: one log line.
struct LogEvent {
    LogLevel level = LogLevel::Info;
    std::string event;   ///< stable snake_case name, e.g. "run_started", "rejected"
    std::string message; ///< human sentence, never containing secrets
    std::vector<LogField> fields;
};

/// A text field.
LogField field(const std::string &name, const std::string &value);
/// A numeric field.
LogField field(const std::string &name, std::uint64_t value);
/// A numeric field.
LogField field(const std::string &name, std::int64_t value);
/// A numeric field with fixed decimals (durations, rates).
LogField field(const std::string &name, double value);

/// Receives the run's log events. Called from the sync's thread and from the sink's threads
/// (never two sink threads at once, but the sync's and a sink's may overlap): implementations
/// must be thread-safe.
class RunObserver {
  public:
    virtual ~RunObserver() = default;
    virtual void on_event(const LogEvent &event) = 0;
};

} // namespace connector::sync
