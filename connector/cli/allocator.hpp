#pragma once

namespace connector::cli {

/// Tunes the process's allocator; called first thing in main().
/// With mimalloc (the default build): memory freed is given back to the system at once rather
/// than after a delay, so the run's peak stays where glibc's was. Without (a sanitizer build):
/// glibc's malloc with one arena for all threads.
void tune_allocator();

} // namespace connector::cli
