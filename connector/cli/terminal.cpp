#include "terminal.hpp"

#include <cerrno>
#include <unistd.h>

namespace connector::cli {

namespace {
constexpr const char *erase_line = "\r\033[K";
}

Terminal::Terminal(int fd, bool tty) : fd_(fd), tty_(tty) {}

void Terminal::write_raw(const std::string &bytes) {
    const char *p = bytes.data();
    std::size_t left = bytes.size();
    while (left > 0) {
        const ssize_t n = ::write(fd_, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return; // stderr is gone: nothing sensible left to do with a log line
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

void Terminal::write_line(const std::string &line) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!progress_.empty())
        write_raw(erase_line + line + "\n" + progress_);
    else
        write_raw(line + "\n");
}

void Terminal::show_progress(const std::string &text) {
    if (!tty_)
        return;
    std::lock_guard<std::mutex> lock(mutex_);
    progress_ = text;
    write_raw(erase_line + progress_);
}

void Terminal::clear_progress() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (progress_.empty())
        return;
    progress_.clear();
    write_raw(erase_line);
}

} // namespace connector::cli
