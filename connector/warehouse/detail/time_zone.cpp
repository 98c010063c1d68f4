#include "time_zone.hpp"

#include "core/error.hpp"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/ucal.h>
#include <unicode/unistr.h>

namespace connector::warehouse::detail {

struct TimeZone::Impl {
    std::unique_ptr<icu::TimeZone> zone;
    const icu::BasicTimeZone *basic = nullptr;
};

namespace {

bool is_utc_name(const std::string &name) {
    return name == "UTC" || name == "Etc/UTC" || name == "Z" || name == "Etc/Zulu" ||
           name == "Zulu" || name == "Etc/Universal" || name == "Universal" || name == "GMT" ||
           name == "Etc/GMT";
}

} // namespace

TimeZone::TimeZone(const std::string &iana_name) : name_(iana_name) {
    if (is_utc_name(iana_name))
        return;
    auto impl = std::make_unique<Impl>();
    impl->zone.reset(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(iana_name)));
    if (!impl->zone || *impl->zone == icu::TimeZone::getUnknown())
        throw ConfigError("unknown time zone '" + iana_name +
                          "' for --warehouse-timezone: use an IANA name such as UTC, "
                          "Europe/Paris or America/New_York");
    impl->basic = dynamic_cast<const icu::BasicTimeZone *>(impl->zone.get());
    if (impl->basic == nullptr)
        throw ConfigError("time zone '" + iana_name + "' has no transition rules in ICU");
    impl_ = std::move(impl);
}

TimeZone::~TimeZone() = default;
TimeZone::TimeZone(TimeZone &&) noexcept = default;
TimeZone &TimeZone::operator=(TimeZone &&) noexcept = default;

Timestamp TimeZone::to_utc(const LocalDateTime &local) const {
    const Timestamp as_if_utc = to_timestamp(local, 0);
    if (!impl_)
        return as_if_utc;
    UErrorCode status = U_ZERO_ERROR;
    int32_t raw = 0;
    int32_t dst = 0;
    const UDate wall_ms = static_cast<UDate>(as_if_utc.unix_seconds) * 1000.0;
    impl_->basic->getOffsetFromLocal(wall_ms, UCAL_TZ_LOCAL_FORMER, UCAL_TZ_LOCAL_FORMER, raw, dst,
                                     status);
    if (U_FAILURE(status))
        throw SourceError("time zone " + name_ + ": cannot convert a wall-clock time (" +
                          u_errorName(status) + ")");
    // Offsets are whole seconds in every tz database zone.
    return Timestamp{as_if_utc.unix_seconds - (raw + dst) / 1000, as_if_utc.nanos};
}

} // namespace connector::warehouse::detail
