#include "value_parser.hpp"

#include <cctype>
#include <charconv>
#include <limits>

namespace connector::warehouse::detail {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Reads exactly `n` digits at `pos`.
bool read_fixed(std::string_view s, std::size_t &pos, std::size_t n, unsigned &out) {
    if (pos + n > s.size())
        return false;
    unsigned v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const char c = s[pos + i];
        if (!is_digit(c))
            return false;
        v = v * 10 + static_cast<unsigned>(c - '0');
    }
    out = v;
    pos += n;
    return true;
}

// ".123456789" -> nanoseconds; digits past the ninth are dropped (no warehouse stores them).
bool read_fraction(std::string_view s, std::size_t &pos, std::uint32_t &nanos) {
    nanos = 0;
    if (pos >= s.size() || (s[pos] != '.' && s[pos] != ','))
        return true;
    ++pos;
    std::size_t digits = 0;
    std::uint32_t value = 0;
    while (pos < s.size() && is_digit(s[pos])) {
        if (digits < 9) {
            value = value * 10 + static_cast<std::uint32_t>(s[pos] - '0');
            ++digits;
        }
        ++pos;
    }
    if (digits == 0)
        return false;
    for (std::size_t i = digits; i < 9; ++i)
        value *= 10;
    nanos = value;
    return true;
}

bool read_date(std::string_view s, std::size_t &pos, Date &d) {
    unsigned y = 0;
    unsigned m = 0;
    unsigned day = 0;
    if (!read_fixed(s, pos, 4, y) || pos >= s.size() || s[pos++] != '-' ||
        !read_fixed(s, pos, 2, m) || pos >= s.size() || s[pos++] != '-' ||
        !read_fixed(s, pos, 2, day))
        return false;
    d = Date{static_cast<int>(y), m, day};
    return is_valid(d);
}

bool read_time(std::string_view s, std::size_t &pos, Time &t) {
    unsigned h = 0;
    unsigned m = 0;
    unsigned sec = 0;
    if (!read_fixed(s, pos, 2, h) || pos >= s.size() || s[pos++] != ':' ||
        !read_fixed(s, pos, 2, m))
        return false;
    std::uint32_t nanos = 0;
    if (pos < s.size() && s[pos] == ':') {
        ++pos;
        if (!read_fixed(s, pos, 2, sec) || !read_fraction(s, pos, nanos))
            return false;
    }
    t = Time{h, m, sec, nanos};
    return is_valid(t);
}

// "Z", "+HH", "+HHMM", "+HH:MM", "+HH:MM:SS", optionally after one space.
bool read_offset(std::string_view s, std::size_t &pos, int &seconds) {
    if (pos < s.size() && s[pos] == ' ')
        ++pos;
    if (pos >= s.size())
        return false;
    if (s[pos] == 'Z' || s[pos] == 'z') {
        ++pos;
        seconds = 0;
        return true;
    }
    if (s[pos] != '+' && s[pos] != '-')
        return false;
    const int sign = s[pos++] == '-' ? -1 : 1;
    unsigned h = 0;
    unsigned m = 0;
    unsigned sec = 0;
    if (!read_fixed(s, pos, 2, h))
        return false;
    if (pos < s.size() && s[pos] == ':')
        ++pos;
    if (pos < s.size() && !read_fixed(s, pos, 2, m))
        return false;
    if (pos < s.size() && s[pos] == ':') {
        ++pos;
        if (!read_fixed(s, pos, 2, sec))
            return false;
    }
    if (h > 18 || m > 59 || sec > 59)
        return false;
    seconds = sign * static_cast<int>(h * 3600 + m * 60 + sec);
    return true;
}

bool iequals(std::string_view a, const char *b) {
    std::size_t i = 0;
    for (; i < a.size() && b[i]; ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != b[i])
            return false;
    return i == a.size() && b[i] == '\0';
}

} // namespace

bool is_valid(const Date &d) {
    static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (d.month < 1 || d.month > 12 || d.day < 1 || d.year < 1 || d.year > 9999)
        return false;
    const bool leap = (d.year % 4 == 0 && d.year % 100 != 0) || d.year % 400 == 0;
    const unsigned last = d.month == 2 && leap ? 29 : days[d.month - 1];
    return d.day <= last;
}

bool is_valid(const Time &t) {
    return t.hour < 24 && t.minute < 60 && t.second < 60 && t.nanos < 1000000000u;
}

std::optional<std::int64_t> parse_integer(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    std::size_t start = text[0] == '+' ? 1 : 0;
    if (start == text.size() || (text[start] == '-' && start == 1))
        return std::nullopt;
    std::int64_t value = 0;
    const char *first = text.data() + start;
    const char *last = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last)
        return std::nullopt;
    return value;
}

std::optional<double> parse_double(std::string_view text) {
    if (text.empty())
        return std::nullopt;
    if (text[0] == '+')
        text.remove_prefix(1);
    if (text.empty() || text[0] == '+')
        return std::nullopt;
    // Spellings of the special values that from_chars does not take.
    std::string_view body = text[0] == '-' ? text.substr(1) : text;
    const double sign = text[0] == '-' ? -1.0 : 1.0;
    if (iequals(body, "infinity") || iequals(body, "inf"))
        return sign * std::numeric_limits<double>::infinity();
    if (iequals(body, "nan"))
        return std::numeric_limits<double>::quiet_NaN();
    double value = 0;
    const char *last = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), last, value);
    if (ptr != last || (ec != std::errc() && ec != std::errc::result_out_of_range))
        return std::nullopt;
    if (ec == std::errc::result_out_of_range)
        return std::nullopt;
    return value;
}

std::optional<std::string> canonical_decimal(std::string_view text) {
    std::size_t pos = 0;
    bool negative = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-'))
        negative = text[pos++] == '-';
    const std::size_t int_begin = pos;
    while (pos < text.size() && is_digit(text[pos]))
        ++pos;
    std::string_view int_part = text.substr(int_begin, pos - int_begin);
    std::string_view frac_part;
    if (pos < text.size() && text[pos] == '.') {
        const std::size_t frac_begin = ++pos;
        while (pos < text.size() && is_digit(text[pos]))
            ++pos;
        frac_part = text.substr(frac_begin, pos - frac_begin);
    }
    if (pos != text.size() || (int_part.empty() && frac_part.empty()))
        return std::nullopt;
    while (int_part.size() > 1 && int_part[0] == '0')
        int_part.remove_prefix(1);
    std::string out;
    out.reserve(text.size() + 2);
    const bool all_zero = int_part.find_first_not_of('0') == std::string_view::npos &&
                          frac_part.find_first_not_of('0') == std::string_view::npos;
    if (negative && !all_zero)
        out.push_back('-');
    if (int_part.empty())
        out.push_back('0');
    out.append(int_part);
    if (!frac_part.empty()) {
        out.push_back('.');
        out.append(frac_part);
    }
    return out;
}

std::optional<bool> parse_boolean(std::string_view text) {
    for (const char *t : {"1", "t", "true", "y", "yes"})
        if (iequals(text, t))
            return true;
    for (const char *f : {"0", "f", "false", "n", "no"})
        if (iequals(text, f))
            return false;
    return std::nullopt;
}

std::optional<Date> parse_date(std::string_view text) {
    std::size_t pos = 0;
    Date d;
    if (!read_date(text, pos, d) || pos != text.size())
        return std::nullopt;
    return d;
}

std::optional<Time> parse_time(std::string_view text) {
    std::size_t pos = 0;
    Time t;
    if (!read_time(text, pos, t) || pos != text.size())
        return std::nullopt;
    return t;
}

std::optional<ParsedTimestamp> parse_timestamp(std::string_view text) {
    std::size_t pos = 0;
    ParsedTimestamp ts;
    if (!read_date(text, pos, ts.local.date))
        return std::nullopt;
    if (pos == text.size())
        return ts;
    if (text[pos] != ' ' && text[pos] != 'T' && text[pos] != 't')
        return std::nullopt;
    ++pos;
    if (!read_time(text, pos, ts.local.time))
        return std::nullopt;
    if (pos == text.size())
        return ts;
    if (!read_offset(text, pos, ts.offset_seconds) || pos != text.size())
        return std::nullopt;
    ts.has_offset = true;
    return ts;
}

Timestamp to_timestamp(const LocalDateTime &local, int offset_seconds) {
    const std::int64_t days = days_from_civil(local.date.year, local.date.month, local.date.day);
    const std::int64_t seconds =
        days * 86400 + local.time.hour * 3600 + local.time.minute * 60 + local.time.second;
    return Timestamp{seconds - offset_seconds, local.time.nanos};
}

} // namespace connector::warehouse::detail
