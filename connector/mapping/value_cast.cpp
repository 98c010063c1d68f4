#include "value_cast.hpp"

#include "json_writer.hpp"
#include "limits.hpp"

#include <cctype>
#include <cmath>
#include <type_traits>

namespace connector::mapping {
namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    for (char &c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

ValueProblem cannot(const Value &value, const char *as, const std::string &why = {}) {
    std::string what;
    if (const auto text = to_text(value))
        what = quote_excerpt(*text) + " (" + type_name(value) + ")";
    else
        what = std::string("a ") + type_name(value) + " value";
    return ValueProblem{"invalid_cast",
                        what + " cannot be cast to " + as + (why.empty() ? "" : ": ") + why};
}

std::optional<ValueProblem> append_text(std::string &out, std::string_view text) {
    if (text.size() > limits::max_string_bytes)
        return ValueProblem{"string_too_long", "the text has " + std::to_string(text.size()) +
                                                   " bytes; Klaviyo allows " +
                                                   std::to_string(limits::max_string_bytes)};
    std::size_t bad = 0;
    if (!append_json_string(out, text, &bad))
        return ValueProblem{"invalid_utf8", "the text is not valid UTF-8 (byte " +
                                                std::to_string(bad) + " of " + quote_excerpt(text) +
                                                ")"};
    return std::nullopt;
}

std::optional<ValueProblem> check_double(double d) {
    if (std::isnan(d))
        return ValueProblem{"invalid_number", "NaN is not a number Klaviyo accepts"};
    if (std::isinf(d))
        return ValueProblem{"invalid_number", "infinity is not a number Klaviyo accepts"};
    return std::nullopt;
}

std::optional<ValueProblem> append_decimal(std::string &out, const Decimal &d) {
    std::string text;
    if (!normalise_decimal(trim(d.digits), text))
        return ValueProblem{"invalid_number", quote_excerpt(d.digits) + " is not a decimal number"};
    out += text;
    return std::nullopt;
}

std::optional<ValueProblem> append_auto(std::string &out, const Value &value) {
    return std::visit(
        [&](const auto &v) -> std::optional<ValueProblem> {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, Null>) {
                out += "null";
            } else if constexpr (std::is_same_v<T, bool>) {
                out += v ? "true" : "false";
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                append_json_int(out, v);
            } else if constexpr (std::is_same_v<T, Decimal>) {
                return append_decimal(out, v);
            } else if constexpr (std::is_same_v<T, double>) {
                if (auto p = check_double(v))
                    return p;
                append_json_double(out, v);
            } else if constexpr (std::is_same_v<T, std::string>) {
                return append_text(out, v);
            } else if constexpr (std::is_same_v<T, Bytes>) {
                return ValueProblem{"binary_value",
                                    "binary values (" + std::to_string(v.size()) +
                                        " bytes) cannot be sent to Klaviyo; convert the column "
                                        "to text in SQL or leave it out of the query"};
            } else {
                out += '"';
                out += to_iso8601(v);
                out += '"';
            }
            return std::nullopt;
        },
        value);
}

std::optional<ValueProblem> append_number(std::string &out, const Value &value, bool integer) {
    const char *as = integer ? "an integer" : "a number";
    if (const auto *i = std::get_if<std::int64_t>(&value)) {
        append_json_int(out, *i);
        return std::nullopt;
    }
    if (const auto *d = std::get_if<double>(&value)) {
        if (auto p = check_double(*d))
            return p;
        if (integer) {
            if (std::trunc(*d) != *d || std::fabs(*d) > 9007199254740992.0)
                return cannot(value, as, "it has a fraction or is too large");
            append_json_int(out, static_cast<long long>(*d));
        } else {
            append_json_double(out, *d);
        }
        return std::nullopt;
    }
    std::string_view text;
    if (const auto *dec = std::get_if<Decimal>(&value))
        text = dec->digits;
    else if (const auto *s = std::get_if<std::string>(&value))
        text = *s;
    else
        return cannot(value, as);
    std::string number;
    if (!normalise_decimal(trim(text), number))
        return cannot(value, as);
    if (integer) {
        const std::size_t dot = number.find('.');
        if (number.find_first_of("eE") != std::string::npos)
            return cannot(value, as, "write it without an exponent");
        if (dot != std::string::npos) {
            if (number.find_first_not_of('0', dot + 1) != std::string::npos)
                return cannot(value, as, "it has a fraction");
            number.resize(dot);
            if (number == "-0")
                number = "0";
        }
    }
    out += number;
    return std::nullopt;
}

std::optional<ValueProblem> append_boolean(std::string &out, const Value &value) {
    if (const auto *b = std::get_if<bool>(&value)) {
        out += *b ? "true" : "false";
        return std::nullopt;
    }
    if (const auto *i = std::get_if<std::int64_t>(&value)) {
        if (*i == 0 || *i == 1) {
            out += *i ? "true" : "false";
            return std::nullopt;
        }
        return cannot(value, "a boolean", "only 0 and 1 are booleans");
    }
    if (const auto *s = std::get_if<std::string>(&value)) {
        const std::string t = lower(trim(*s));
        if (t == "true" || t == "t" || t == "yes" || t == "y" || t == "1") {
            out += "true";
            return std::nullopt;
        }
        if (t == "false" || t == "f" || t == "no" || t == "n" || t == "0") {
            out += "false";
            return std::nullopt;
        }
        return cannot(value, "a boolean", "use true/false, yes/no, y/n, t/f or 1/0");
    }
    return cannot(value, "a boolean");
}

std::optional<ValueProblem> append_date(std::string &out, const Value &value, bool with_time) {
    const char *as = with_time ? "a datetime" : "a date";
    std::optional<Timestamp> ts;
    if (const auto *d = std::get_if<Date>(&value)) {
        if (!with_time) {
            out += '"' + to_iso8601(*d) + '"';
            return std::nullopt;
        }
        ts = to_timestamp(value);
    } else if (std::holds_alternative<std::int64_t>(value) && !with_time) {
        return cannot(value, as);
    } else {
        ts = to_timestamp(value);
    }
    if (!ts)
        return cannot(value, as, "expected ISO-8601 like 2026-04-30 or 2026-04-30T17:05:09Z");
    std::string iso = to_iso8601(*ts);
    if (!with_time)
        iso.resize(iso.find('T'));
    out += '"' + iso + '"';
    return std::nullopt;
}

std::optional<ValueProblem>
append_delimited(std::string &out, const std::string &text, const std::string &delimiter) {
    const std::size_t start = out.size();
    out += '[';
    std::size_t items = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t end = text.find(delimiter, pos);
        if (end == std::string::npos)
            end = text.size();
        const std::string_view item = trim(std::string_view(text).substr(pos, end - pos));
        if (!item.empty()) {
            if (++items > limits::max_array_items) {
                out.resize(start);
                return ValueProblem{"array_too_long", "the list has more than " +
                                                          std::to_string(limits::max_array_items) +
                                                          " items, Klaviyo's limit"};
            }
            if (items > 1)
                out += ',';
            if (auto p = append_text(out, item)) {
                out.resize(start);
                return p;
            }
        }
        pos = end + delimiter.size();
    }
    out += ']';
    return std::nullopt;
}

std::optional<ValueProblem> append_json(std::string &out,
                                        const Value &value,
                                        JsonShape shape,
                                        const std::string &delimiter,
                                        int depth) {
    const char *as = shape == JsonShape::Array ? "an array" : "an object";
    const auto *s = std::get_if<std::string>(&value);
    if (!s)
        return cannot(value, as, "only text holding JSON (or a delimited list) can be");
    if (depth > limits::max_nesting_depth)
        return ValueProblem{"too_deeply_nested",
                            std::string("the value would sit deeper than Klaviyo's ") +
                                std::to_string(limits::max_nesting_depth) + " levels"};
    if (shape == JsonShape::Array && !delimiter.empty())
        return append_delimited(out, *s, delimiter);
    return append_json_text(out, *s, shape, depth);
}

int digits(std::string_view t, std::size_t pos, std::size_t n) {
    if (pos + n > t.size())
        return -1;
    int v = 0;
    for (std::size_t i = pos; i < pos + n; ++i) {
        if (t[i] < '0' || t[i] > '9')
            return -1;
        v = v * 10 + (t[i] - '0');
    }
    return v;
}

} // namespace

std::string_view trim(std::string_view text) noexcept {
    const auto space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
    };
    while (!text.empty() && space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && space(text.back()))
        text.remove_suffix(1);
    return text;
}

std::optional<Timestamp> parse_iso8601(std::string_view t) {
    t = trim(t);
    const int year = digits(t, 0, 4);
    const int month = digits(t, 5, 2);
    const int day = digits(t, 8, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || t[4] != '-' || t[7] != '-')
        return std::nullopt;
    static const unsigned month_days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (static_cast<unsigned>(day) > month_days[month - 1] || (month == 2 && day == 29 && !leap))
        return std::nullopt;
    std::int64_t seconds =
        days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * 86400;
    std::uint32_t nanos = 0;
    std::size_t i = 10;
    if (i < t.size()) {
        if (t[i] != 'T' && t[i] != 't' && t[i] != ' ')
            return std::nullopt;
        const int hour = digits(t, i + 1, 2);
        const int minute = digits(t, i + 4, 2);
        if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || t[i + 3] != ':')
            return std::nullopt;
        i += 6;
        int second = 0;
        if (i < t.size() && t[i] == ':') {
            second = digits(t, i + 1, 2);
            if (second < 0 || second > 59)
                return std::nullopt;
            i += 3;
            if (i < t.size() && (t[i] == '.' || t[i] == ',')) {
                ++i;
                std::uint32_t scale = 100000000;
                const std::size_t start = i;
                while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
                    nanos += static_cast<std::uint32_t>(t[i] - '0') * scale;
                    scale /= 10;
                    ++i;
                }
                if (i == start)
                    return std::nullopt;
            }
        }
        seconds += hour * 3600 + minute * 60 + second;
        if (i < t.size()) {
            if ((t[i] == 'Z' || t[i] == 'z') && i + 1 == t.size()) {
                i = t.size();
            } else if (t[i] == '+' || t[i] == '-') {
                const int sign = t[i] == '+' ? 1 : -1;
                const int oh = digits(t, i + 1, 2);
                std::size_t j = i + 3;
                if (j < t.size() && t[j] == ':')
                    ++j;
                int om = 0;
                if (j < t.size()) {
                    om = digits(t, j, 2);
                    j += 2;
                }
                if (oh < 0 || oh > 23 || om < 0 || om > 59 || j != t.size())
                    return std::nullopt;
                seconds -= sign * (oh * 3600 + om * 60);
                i = t.size();
            } else {
                return std::nullopt;
            }
        }
    }
    if (i != t.size())
        return std::nullopt;
    return Timestamp{seconds, nanos};
}

std::optional<std::string> to_text(const Value &value) {
    return std::visit(
        [](const auto &v) -> std::optional<std::string> {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, Null> || std::is_same_v<T, Bytes>) {
                return std::nullopt;
            } else if constexpr (std::is_same_v<T, bool>) {
                return std::string(v ? "true" : "false");
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                return std::to_string(v);
            } else if constexpr (std::is_same_v<T, Decimal>) {
                std::string out;
                if (normalise_decimal(trim(v.digits), out))
                    return out;
                return v.digits;
            } else if constexpr (std::is_same_v<T, double>) {
                if (!std::isfinite(v))
                    return std::string(std::isnan(v) ? "NaN" : "Infinity");
                std::string out;
                append_json_double(out, v);
                return out;
            } else if constexpr (std::is_same_v<T, std::string>) {
                return v;
            } else {
                return to_iso8601(v);
            }
        },
        value);
}

std::optional<Timestamp> to_timestamp(const Value &value) {
    if (const auto *ts = std::get_if<Timestamp>(&value))
        return *ts;
    if (const auto *d = std::get_if<Date>(&value))
        return Timestamp{days_from_civil(d->year, d->month, d->day) * 86400, 0};
    if (const auto *i = std::get_if<std::int64_t>(&value))
        return Timestamp{*i, 0};
    if (const auto *s = std::get_if<std::string>(&value))
        return parse_iso8601(*s);
    return std::nullopt;
}

std::optional<ValueProblem> append_cast(
    std::string &out, const Value &value, Cast cast, const std::string &delimiter, int depth) {
    switch (cast) {
    case Cast::Auto:
        return append_auto(out, value);
    case Cast::String: {
        if (std::holds_alternative<Bytes>(value))
            return append_auto(out, value); // the binary_value problem
        if (const auto *d = std::get_if<double>(&value))
            if (auto p = check_double(*d))
                return p;
        const auto text = to_text(value);
        return append_text(out, *text);
    }
    case Cast::Number:
        return append_number(out, value, false);
    case Cast::Integer:
        return append_number(out, value, true);
    case Cast::Boolean:
        return append_boolean(out, value);
    case Cast::Date:
        return append_date(out, value, false);
    case Cast::DateTime:
        return append_date(out, value, true);
    case Cast::Array:
        return append_json(out, value, JsonShape::Array, delimiter, depth);
    case Cast::Object:
        return append_json(out, value, JsonShape::Object, delimiter, depth);
    }
    return append_auto(out, value);
}

} // namespace connector::mapping
