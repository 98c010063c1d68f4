#pragma once

#include "cli/terminal.hpp"
#include "sync/sync.hpp"

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace connector::cli {

/// "reading · 12,345 rows · 10,000 of 12,000 sent · 2,345/s · ~0:05 left".
std::string progress_line(const sync::Progress &progress);

/// Draws the progress line of a running sync on the terminal a few times a second, from its
/// own thread, until destroyed.
class ProgressLine {
  public:
    ProgressLine(Terminal &terminal, const sync::Sync &sync);
    ~ProgressLine();
    ProgressLine(const ProgressLine &) = delete;
    ProgressLine &operator=(const ProgressLine &) = delete;

  private:
    void loop();

    Terminal &terminal_;
    const sync::Sync &sync_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

} // namespace connector::cli
