#include "json_util.hpp"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/JSON/Stringifier.h>

#include <cctype>
#include <sstream>

namespace fake_klaviyo {

Poco::JSON::Object::Ptr new_object() {
    return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

Poco::JSON::Array::Ptr new_array() {
    return new Poco::JSON::Array();
}

std::string to_json(const Poco::Dynamic::Var &value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::condense(value, out);
    return out.str();
}

bool is_object(const Poco::Dynamic::Var &value) {
    return !value.isEmpty() && value.type() == typeid(Poco::JSON::Object::Ptr);
}

bool is_array(const Poco::Dynamic::Var &value) {
    return !value.isEmpty() && value.type() == typeid(Poco::JSON::Array::Ptr);
}

Poco::JSON::Object::Ptr as_object(const Poco::Dynamic::Var &value) {
    return is_object(value) ? value.extract<Poco::JSON::Object::Ptr>() : nullptr;
}

Poco::JSON::Array::Ptr as_array(const Poco::Dynamic::Var &value) {
    return is_array(value) ? value.extract<Poco::JSON::Array::Ptr>() : nullptr;
}

Poco::JSON::Object::Ptr member_object(const Poco::JSON::Object::Ptr &object,
                                      const std::string &key) {
    if (!object || !object->has(key))
        return nullptr;
    return as_object(object->get(key));
}

Poco::JSON::Array::Ptr member_array(const Poco::JSON::Object::Ptr &object, const std::string &key) {
    if (!object || !object->has(key))
        return nullptr;
    return as_array(object->get(key));
}

std::optional<std::string> member_string(const Poco::JSON::Object::Ptr &object,
                                         const std::string &key) {
    if (!object || !object->has(key))
        return std::nullopt;
    const Poco::Dynamic::Var &v = object->get(key);
    if (v.isEmpty() || !v.isString())
        return std::nullopt;
    return v.extract<std::string>();
}

bool member_is_null(const Poco::JSON::Object::Ptr &object, const std::string &key) {
    return object && object->has(key) && object->get(key).isEmpty();
}

std::size_t compact_size(const Poco::Dynamic::Var &value) {
    if (value.isEmpty())
        return 4; // null
    if (auto obj = as_object(value)) {
        std::size_t n = 2; // {}
        bool first = true;
        for (const auto &kv : *obj) {
            n += (first ? 0 : 1) + kv.first.size() + 3; // "key":
            n += compact_size(kv.second);
            first = false;
        }
        return n;
    }
    if (auto arr = as_array(value)) {
        std::size_t n = 2;
        for (std::size_t i = 0; i < arr->size(); ++i)
            n += (i ? 1 : 0) + compact_size(arr->get(static_cast<unsigned>(i)));
        return n;
    }
    if (value.isString())
        return value.extract<std::string>().size() + 2;
    if (value.isBoolean())
        return value.extract<bool>() ? 4 : 5;
    return value.convert<std::string>().size();
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
