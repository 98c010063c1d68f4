#include "sync_lock.hpp"

#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "core/value.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace connector::ledger {
namespace {

std::string errno_text(int err) {
    return std::strerror(err);
}

std::string host_name() {
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) != 0)
        return "unknown-host";
    return buf;
}

std::string now_iso8601() {
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return to_iso8601(Timestamp{std::chrono::duration_cast<std::chrono::seconds>(now).count(), 0});
}

// What the holder wrote, on one line, or a note when it has not written yet.
std::string read_holder(int fd) {
    char buf[512] = {};
    const ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    std::string text = n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
        text.pop_back();
    return text.empty() ? "another process (it has not written its details yet)" : text;
}

void write_holder(int fd) {
    const std::string text = "pid " + std::to_string(getpid()) + " on host " + host_name() +
                             ", started at " + now_iso8601() + "\n";
    // Best effort: the lock itself is the flock; the text only helps the refused run's message.
    if (ftruncate(fd, 0) == 0 && pwrite(fd, text.data(), text.size(), 0) < 0) {
        // nothing to do: a refused run will say the holder has not written its details
    }
}

} // namespace

std::string SyncLock::lock_path(const std::string &ledger_path, const std::string &sync_name) {
    static const char hex[] = "0123456789ABCDEF";
    std::string encoded;
    for (const char ch : sync_name) {
        const auto c = static_cast<unsigned char>(ch);
        const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == ':';
        if (plain) {
            encoded.push_back(ch);
        } else {
            encoded.push_back('%');
            encoded.push_back(hex[c >> 4]);
            encoded.push_back(hex[c & 0xf]);
        }
    }
    return ledger_path + "." + encoded + ".lock";
}

SyncLock::SyncLock(const std::string &ledger_path, const std::string &sync_name, int wait_seconds) {
    const std::string path = lock_path(ledger_path, sync_name);
    fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ < 0)
        throw LedgerError("cannot open the lock file " + path + " of sync '" + sync_name +
                          "': " + errno_text(errno));
    const auto deadline = std::chrono::steady_clock::now() +
                          std::chrono::seconds(wait_seconds > 0 ? wait_seconds : 0);
    for (;;) {
        if (flock(fd_, LOCK_EX | LOCK_NB) == 0)
            break;
        const int err = errno;
        if (err != EWOULDBLOCK && err != EINTR) {
            close(fd_);
            throw LedgerError("cannot lock " + path + ": " + errno_text(err));
        }
        if (stop_requested()) {
            close(fd_);
            throw InterruptedError("stopped while waiting for the lock of sync '" + sync_name +
                                   "' in ledger " + ledger_path);
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            const std::string holder = read_holder(fd_);
            close(fd_);
            std::string message = "ledger " + ledger_path + " is locked for sync '" + sync_name +
                                  "' by " + holder + " (lock file " + path + ")";
            message += wait_seconds > 0
                           ? "; still held after waiting " + std::to_string(wait_seconds) + " s"
                           : "; another run of this sync is in progress (--wait-lock SECONDS "
                             "waits for it)";
            throw LedgerLockedError(message);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    write_holder(fd_);
}

SyncLock::~SyncLock() {
    if (fd_ < 0)
        return;
    // Forget our details first, so a run that finds the lock free never reads stale ones.
    if (ftruncate(fd_, 0) != 0) {
        // best effort
    }
    close(fd_); // releases the flock
}

} // namespace connector::ledger
