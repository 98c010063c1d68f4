#include "progress.hpp"

#include "cli/text_format.hpp"

#include <chrono>
#include <cmath>

namespace connector::cli {

std::string progress_line(const sync::Progress &p) {
    std::string line = std::string(to_string(p.phase)) + " · " + thousands(p.rows_read) + " rows";
    if (p.to_send > 0 || p.done > 0) {
        line += " · " + thousands(p.done) + " of " + thousands(p.to_send) + " done";
        if (p.done > 0 && p.send_seconds > 0.5) {
            const double rate = static_cast<double>(p.done) / p.send_seconds;
            line += " · " + thousands(static_cast<std::uint64_t>(std::llround(rate))) + "/s";
            if (p.to_send > p.done && rate > 0)
                line += " · ~" + clock_duration(static_cast<double>(p.to_send - p.done) / rate) +
                        " left";
        }
    }
    line += " · " + clock_duration(p.seconds);
    return line;
}

ProgressLine::ProgressLine(Terminal &terminal, const sync::Sync &sync)
    : terminal_(terminal), sync_(sync), thread_([this] { loop(); }) {}

ProgressLine::~ProgressLine() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
    terminal_.clear_progress();
}

void ProgressLine::loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(250), [this] { return stop_; }))
        terminal_.show_progress(progress_line(sync_.progress()));
}

} // namespace connector::cli
