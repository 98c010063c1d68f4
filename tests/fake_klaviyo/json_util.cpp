#include "json_util.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>

#include <cctype>
#include <charconv>

namespace fake_klaviyo {

std::optional<std::string> member_string(const Json &object, std::string_view key) {
    const Json *v = object.find(key);
    if (!v || !v->is_string())
        return std::nullopt;
    return v->as_string();
}

std::size_t compact_size(const Json &value) {
    switch (value.type()) {
    case Json::Type::Null:
        return 4;
    case Json::Type::Bool:
        return value.as_bool() ? 4 : 5;
    case Json::Type::Int:
    case Json::Type::Double: {
        char buf[64];
        const auto r = value.is_int() ? std::to_chars(buf, buf + sizeof buf, value.as_int())
                                      : std::to_chars(buf, buf + sizeof buf, value.as_double());
        return static_cast<std::size_t>(r.ptr - buf);
    }
    case Json::Type::String:
        return value.as_string().size() + 2;
    case Json::Type::Array: {
        std::size_t n = 2;
        bool first = true;
        for (const auto &e : value.items()) {
            n += (first ? 0 : 1) + compact_size(e);
            first = false;
        }
        return n;
    }
    case Json::Type::Object: {
        std::size_t n = 2;
        bool first = true;
        for (const auto &m : value.members()) {
            n += (first ? 0 : 1) + m.first.size() + 3 + compact_size(m.second);
            first = false;
        }
        return n;
    }
    }
    return 0;
}

std::string JsonPath::str() const {
    std::string head = parent ? parent->str() : (base ? *base : std::string());
    if (key)
        return head + "/" + pointer_token(*key);
    if (!parent && !key && base)
        return head;
    return head + "/" + std::to_string(index);
}

std::string pointer_token(const std::string &key) {
    std::string out;
    for (char c : key) {
        if (c == '~')
            out += "~0";
        else if (c == '/')
            out += "~1";
        else
            out += c;
    }
    return out;
}

std::string iso_time(const Poco::Timestamp &t) {
    return Poco::DateTimeFormatter::format(t, "%Y-%m-%dT%H:%M:%S+00:00");
}

namespace {

bool digits(const std::string &s, std::size_t pos, std::size_t count, int &out) {
    if (pos + count > s.size())
        return false;
    out = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(s[i])))
            return false;
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

} // namespace

std::optional<Poco::Timestamp> parse_iso_time(const std::string &s) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!digits(s, 0, 4, year) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, month) ||
        s[7] != '-' || !digits(s, 8, 2, day))
        return std::nullopt;
    std::size_t pos = 10;
    long long micros = 0;
    int tz_seconds = 0;
    if (pos < s.size() && (s[pos] == 'T' || s[pos] == 't' || s[pos] == ' ')) {
        if (!digits(s, pos + 1, 2, hour) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
            !digits(s, pos + 4, 2, minute))
            return std::nullopt;
        pos += 6;
        if (pos < s.size() && s[pos] == ':') {
            if (!digits(s, pos + 1, 2, second))
                return std::nullopt;
            pos += 3;
            if (pos < s.size() && s[pos] == '.') {
                ++pos;
                std::size_t start = pos;
                long long scale = 100000;
                while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) {
                    micros += (s[pos] - '0') * scale;
                    scale /= 10;
                    ++pos;
                }
                if (pos == start || pos - start > 9)
                    return std::nullopt;
            }
        }
        if (pos < s.size()) {
            if (s[pos] == 'Z' || s[pos] == 'z') {
                ++pos;
            } else if (s[pos] == '+' || s[pos] == '-') {
                int sign = s[pos] == '-' ? -1 : 1;
                int tzh = 0, tzm = 0;
                if (!digits(s, pos + 1, 2, tzh))
                    return std::nullopt;
                pos += 3;
                if (pos < s.size() && s[pos] == ':')
                    ++pos;
                if (!digits(s, pos, 2, tzm))
                    return std::nullopt;
                pos += 2;
                if (tzh > 23 || tzm > 59)
                    return std::nullopt;
                tz_seconds = sign * (tzh * 3600 + tzm * 60);
            } else {
                return std::nullopt;
            }
        }
    }
    if (pos != s.size())
        return std::nullopt;
    if (!Poco::DateTime::isValid(year, month, day, hour, minute, second))
        return std::nullopt;
    Poco::DateTime dt(year, month, day, hour, minute, second);
    Poco::Timestamp t = dt.timestamp();
    t += micros;
    t -= static_cast<Poco::Timestamp::TimeDiff>(tz_seconds) * Poco::Timestamp::resolution();
    return t;
}

} // namespace fake_klaviyo
