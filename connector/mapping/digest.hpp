#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace connector::mapping {

/// SHA-256 of the concatenation of `parts`, as 64 lower-case hex digits. Reusable: one
/// instance per mapper avoids setting the engine up per row.
class Sha256 {
  public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void update(std::string_view bytes);
    /// The digest of everything updated since the last call, in hex; resets the engine.
    std::string hex_digest();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace connector::mapping
