#include "interrupt.hpp"

#include <atomic>

namespace connector {
namespace {
std::atomic<bool> stop_flag{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the flag is set from a signal handler");
} // namespace

void request_stop() noexcept {
    stop_flag.store(true);
}
bool stop_requested() noexcept {
    return stop_flag.load();
}
void reset_stop() noexcept {
    stop_flag.store(false);
}

} // namespace connector
