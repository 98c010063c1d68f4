#pragma once

namespace connector {

/// Asks every stage to stop taking new work (set from the SIGINT/SIGTERM handler; async-signal
/// safe).
void request_stop() noexcept;
/// True once request_stop() was called.
bool stop_requested() noexcept;
/// Clears the flag (tests only).
void reset_stop() noexcept;

} // namespace connector
