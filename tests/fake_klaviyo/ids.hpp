#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace fake_klaviyo {

/// Makes the ids the fake hands out: Klaviyo-style 26-character ULID-like ids for profiles,
/// events and jobs, and UUIDs for error objects. Deterministic for a given seed and call order,
/// so a run with --seed N is reproducible. Thread-safe.
class IdGenerator {
  public:
    explicit IdGenerator(std::uint64_t seed) : seed_(seed) {}

    /// A 26-character Crockford base-32 id such as "01J5Z3X0K6B3M2N4P5Q6R7S8T9".
    std::string ulid();
    /// A random-looking RFC 4122 version-4 UUID string.
    std::string uuid();
    /// A 64-bit pseudo-random value from the same stream.
    std::uint64_t next();

  private:
    std::uint64_t seed_;
    std::atomic<std::uint64_t> counter_{0};
};

/// SplitMix64: a tiny, good-quality mixing function (used to derive streams from a seed).
std::uint64_t splitmix64(std::uint64_t x);

} // namespace fake_klaviyo
