#pragma once

#include "cli/options.hpp"
#include "cli/terminal.hpp"
#include "sync/run_observer.hpp"

#include <mutex>
#include <string>
#include <vector>

namespace connector::cli {

/// Writes log events to the terminal: `time level event: message` lines, or JSON lines
/// ({"time","level","run_id",...context,"event","message",...fields}) with --log-format json;
/// each key appears once per line (a field named like an earlier one is left out). Events
/// below the minimum level are dropped. Thread-safe (the sink logs from its threads).
class Logger : public sync::RunObserver {
  public:
    Logger(Terminal &terminal, LogFormat format, sync::LogLevel min_level, std::string run_id);

    void on_event(const sync::LogEvent &event) override;

    /// A field added to every JSON line from now on (e.g. "sync"); a field of the same name
    /// that an event carries is then left out.
    void add_context(const std::string &name, const std::string &value);
    /// Shorthands.
    void info(const std::string &event, const std::string &message);
    void warning(const std::string &event, const std::string &message);
    void error(const std::string &event, const std::string &message);

    const std::string &run_id() const noexcept { return run_id_; }
    sync::LogLevel min_level() const noexcept { return min_level_; }

  private:
    Terminal &terminal_;
    LogFormat format_;
    sync::LogLevel min_level_;
    std::string run_id_;
    std::mutex mutex_;
    std::vector<sync::LogField> context_;
};

/// A fresh run id: UTC time and random hex, e.g. "20260501T100000Z-3f9a1c2b".
std::string new_run_id();

/// The current UTC time, ISO-8601 with milliseconds.
std::string now_iso8601();

} // namespace connector::cli
