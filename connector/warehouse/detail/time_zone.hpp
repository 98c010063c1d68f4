#pragma once

#include "core/value.hpp"
#include "value_parser.hpp"

#include <memory>
#include <string>

// Internal to the warehouse module.
namespace connector::warehouse::detail {

/// An IANA time zone (ICU's rules) that turns zone-less warehouse timestamps into instants.
class TimeZone {
  public:
    /// Throws ConfigError naming `iana_name` when ICU does not know it.
    explicit TimeZone(const std::string &iana_name);
    ~TimeZone();
    TimeZone(TimeZone &&) noexcept;
    TimeZone &operator=(TimeZone &&) noexcept;
    TimeZone(const TimeZone &) = delete;
    TimeZone &operator=(const TimeZone &) = delete;

    /// The instant of a wall-clock time in this zone. A time repeated when clocks go back is
    /// read as the first (earlier) instant; a time skipped when they go forward is read with the
    /// offset in force before the change.
    Timestamp to_utc(const LocalDateTime &local) const;
    bool is_utc() const noexcept { return impl_ == nullptr; }
    const std::string &name() const noexcept { return name_; }

  private:
    struct Impl;
    std::string name_;
    std::unique_ptr<Impl> impl_; ///< null for UTC (no lookups needed)
};

} // namespace connector::warehouse::detail
