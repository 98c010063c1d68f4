#include "text_value.hpp"

#include "value_parser.hpp"

#include <cctype>

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
    case ValueKind::Binary:
        break;
    }
    return "binary";
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
