#pragma once

#include <mutex>
#include <string>

namespace connector::cli {

/// Stderr, shared by the log lines and the progress line: a log line first clears the progress
/// line, then the progress line is drawn again below it. Thread-safe.
class Terminal {
  public:
    /// `fd` is where everything goes (stderr); `tty` says whether it is a terminal.
    Terminal(int fd, bool tty);

    bool is_tty() const noexcept { return tty_; }
    /// Writes one line (a newline is added).
    void write_line(const std::string &line);
    /// Replaces the progress line (terminals only; ignored otherwise).
    void show_progress(const std::string &text);
    /// Removes the progress line for good.
    void clear_progress();

  private:
    void write_raw(const std::string &bytes);

    int fd_;
    bool tty_;
    std::mutex mutex_;
    std::string progress_;
};

} // namespace connector::cli
