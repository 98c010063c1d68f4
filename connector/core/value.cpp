#include "value.hpp"

#include <cstdio>

namespace connector {

std::int64_t days_from_civil(int year, unsigned month, unsigned day) noexcept {
    const int y = year - (month <= 2 ? 1 : 0);
    const int era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return static_cast<std::int64_t>(era) * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

Date civil_from_days(std::int64_t z) noexcept {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return Date{static_cast<int>(y + (m <= 2 ? 1 : 0)), m, d};
}

namespace {

std::string fraction(std::uint32_t nanos) {
    if (nanos == 0)
        return {};
    char buf[16];
    std::snprintf(buf, sizeof buf, ".%09u", nanos);
    std::string s(buf);
    while (s.back() == '0')
        s.pop_back();
    // Keep milliseconds at least, the way most warehouses print them.
    while (s.size() < 4)
        s.push_back('0');
    return s;
}

} // namespace

std::string to_iso8601(const Date &d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", d.year, d.month, d.day);
    return buf;
}

std::string to_iso8601(const Time &t) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%02u:%02u:%02u", t.hour, t.minute, t.second);
    return buf + fraction(t.nanos);
}

std::string to_iso8601(const Timestamp &t) {
    std::int64_t days = t.unix_seconds / 86400;
    std::int64_t secs = t.unix_seconds % 86400;
    if (secs < 0) {
        secs += 86400;
        --days;
    }
    const Date d = civil_from_days(days);
    const Time tm{static_cast<unsigned>(secs / 3600), static_cast<unsigned>(secs / 60 % 60),
                  static_cast<unsigned>(secs % 60), t.nanos};
    return to_iso8601(d) + "T" + to_iso8601(tm) + "Z";
}

const char *type_name(const Value &v) noexcept {
    static const char *const names[] = {"null", "boolean", "integer", "decimal",   "double",
                                        "text", "date",    "time",    "timestamp", "binary"};
    return names[v.index()];
}

} // namespace connector
