#include "text_value.hpp"

#include "value_parser.hpp"

#include <cctype>
#include <cmath>
#include <cstdio>

namespace connector::warehouse::detail {

namespace {

bool is_plain_number(const std::string &text) {
    // Digits, sign, point and exponent only: "nan" or "inf" in a text column stays text.
    if (text.empty())
        return false;
    bool digit = false;
    for (char c : text) {
        if (std::isdigit(static_cast<unsigned char>(c)))
            digit = true;
        else if (c != '+' && c != '-' && c != '.' && c != 'e' && c != 'E')
            return false;
    }
    return digit;
}

} // namespace

const char *to_string(ValueKind kind) noexcept {
    switch (kind) {
    case ValueKind::Boolean:
        return "boolean";
    case ValueKind::Integer:
        return "integer";
    case ValueKind::Decimal:
        return "decimal";
    case ValueKind::Double:
        return "double";
    case ValueKind::Text:
        return "text";
    case ValueKind::Date:
        return "date";
    case ValueKind::Time:
        return "time";
    case ValueKind::Timestamp:
        return "timestamp";
    case ValueKind::TimestampUtc:
        return "timestamp (UTC)";
    case ValueKind::Untyped:
        return "untyped (integer, double or text by value)";
    case ValueKind::Binary:
        break;
    }
    return "binary";
}

// "X'00FF'": how SQLite ODBC prints a blob when it does not know the column is binary.
bool decode_blob_literal(const std::string &text, Bytes &out) {
    if (text.size() < 3 || text[0] != 'X' || text[1] != '\'' || text.back() != '\'' ||
        text.size() % 2 != 1)
        return false;
    auto nibble = [](char c) -> int {
        if (c >= '0' && c <= '9')
            return c - '0';
        if (c >= 'A' && c <= 'F')
            return c - 'A' + 10;
        return -1;
    };
    out.clear();
    out.reserve((text.size() - 3) / 2);
    for (std::size_t i = 2; i + 1 < text.size() - 1; i += 2) {
        const int hi = nibble(text[i]);
        const int lo = nibble(text[i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
    }
    return true;
}

Value infer_untyped(std::string text) {
    if (Bytes bytes; decode_blob_literal(text, bytes))
        return bytes;
    if (auto i = parse_integer(text); i && std::to_string(*i) == text)
        return *i;
    if (text.find('.') != std::string::npos)
        if (auto d = parse_double(text); d && std::isfinite(*d)) {
            // SQLite ODBC prints a REAL with "%.15g" and makes sure it has a point.
            char buffer[64];
            std::snprintf(buffer, sizeof buffer, "%.15g", *d);
            std::string printed(buffer);
            if (printed.find('.') == std::string::npos) {
                const auto e = printed.find('e');
                printed.insert(e == std::string::npos ? printed.size() : e, ".0");
            }
            if (printed == text)
                return *d;
        }
    return text;
}

Value as_stored(std::string text) {
    if (auto i = parse_integer(text))
        return *i;
    if (is_plain_number(text))
        if (auto d = parse_double(text))
            return *d;
    return text;
}

Value text_to_value(ValueKind kind, std::string text, const TimeZone &zone) {
    switch (kind) {
    case ValueKind::Text:
        return text;
    case ValueKind::Untyped:
        return infer_untyped(std::move(text));
    case ValueKind::Binary:
        return Bytes(text.begin(), text.end());
    case ValueKind::Boolean:
        if (auto b = parse_boolean(text))
            return *b;
        break;
    case ValueKind::Integer:
        if (auto i = parse_integer(text))
            return *i;
        // An unsigned BIGINT past INT64_MAX keeps its digits.
        if (auto d = canonical_decimal(text); d && d->find('.') == std::string::npos)
            return Decimal{*d};
        break;
    case ValueKind::Decimal:
        if (auto d = canonical_decimal(text))
            return Decimal{*d};
        // NaN and infinities are not decimals: kept as doubles for the mapper to reject.
        if (auto d = parse_double(text); d && !is_plain_number(text))
            return *d;
        break;
    case ValueKind::Double:
        if (auto d = parse_double(text))
            return *d;
        break;
    case ValueKind::Date:
        if (auto d = parse_date(text))
            return *d;
        break;
    case ValueKind::Time:
        if (auto t = parse_time(text))
            return *t;
        break;
    case ValueKind::Timestamp:
    case ValueKind::TimestampUtc:
        if (auto ts = parse_timestamp(text)) {
            if (ts->has_offset)
                return to_timestamp(ts->local, ts->offset_seconds);
            return kind == ValueKind::Timestamp ? zone.to_utc(ts->local)
                                                : to_timestamp(ts->local, 0);
        }
        break;
    }
    return as_stored(std::move(text));
}

} // namespace connector::warehouse::detail
