#include "logger.hpp"

#include "cli/json_text.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>

namespace connector::cli {

Logger::Logger(Terminal &terminal, LogFormat format, sync::LogLevel min_level, std::string run_id)
    : terminal_(terminal), format_(format), min_level_(min_level), run_id_(std::move(run_id)) {}

void Logger::add_context(const std::string &name, const std::string &value) {
    std::lock_guard<std::mutex> lock(mutex_);
    context_.push_back(sync::field(name, value));
}

void Logger::on_event(const sync::LogEvent &event) {
    if (event.level < min_level_)
        return;
    std::string line;
    if (format_ == LogFormat::Json) {
        std::vector<sync::LogField> fields{sync::field("time", now_iso8601()),
                                           sync::field("level", to_string(event.level)),
                                           sync::field("run_id", run_id_)};
        // Each key once, the first one kept: strict JSON parsers refuse a line with a key twice
        // (run_started carries "sync", which the context adds to every line already).
        auto add = [&fields](const sync::LogField &f) {
            for (const sync::LogField &existing : fields)
                if (existing.name == f.name)
                    return;
            fields.push_back(f);
        };
        {
            std::lock_guard<std::mutex> lock(mutex_);
            for (const sync::LogField &f : context_)
                add(f);
        }
        add(sync::field("event", event.event));
        add(sync::field("message", event.message));
        for (const sync::LogField &f : event.fields)
            if (!f.value.empty())
                add(f);
        line = json_object(fields);
    } else {
        line =
            now_iso8601() + " " + to_string(event.level) + " " + event.event + ": " + event.message;
    }
    terminal_.write_line(line);
}

void Logger::info(const std::string &event, const std::string &message) {
    on_event(sync::LogEvent{sync::LogLevel::Info, event, message, {}});
}

void Logger::warning(const std::string &event, const std::string &message) {
    on_event(sync::LogEvent{sync::LogLevel::Warning, event, message, {}});
}

void Logger::error(const std::string &event, const std::string &message) {
    on_event(sync::LogEvent{sync::LogLevel::Error, event, message, {}});
}

std::string now_iso8601() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                  static_cast<int>(millis));
    return buf;
}

std::string new_run_id() {
    const std::time_t seconds = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char stamp[24];
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
    std::random_device random;
    char suffix[16];
    std::snprintf(suffix, sizeof suffix, "%08x", static_cast<unsigned>(random()));
    return std::string(stamp) + "-" + suffix;
}

} // namespace connector::cli
