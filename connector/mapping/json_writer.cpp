#include "json_writer.hpp"

#include <charconv>
#include <cstdint>

namespace connector::mapping {
namespace {

// Length of the valid UTF-8 sequence starting at text[i] (which is >= 0x80), or 0 when invalid.
// Follows the well-formed byte table of the Unicode standard (table 3-7).
std::size_t utf8_sequence(std::string_view text, std::size_t i) noexcept {
    const auto byte = [&](std::size_t k) -> unsigned {
        return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0x100U;
    };
    const unsigned b0 = byte(0);
    const auto cont = [](unsigned b, unsigned lo = 0x80, unsigned hi = 0xBF) {
        return b >= lo && b <= hi;
    };
    if (b0 >= 0xC2 && b0 <= 0xDF)
        return cont(byte(1)) ? 2 : 0;
    if (b0 == 0xE0)
        return cont(byte(1), 0xA0) && cont(byte(2)) ? 3 : 0;
    if ((b0 >= 0xE1 && b0 <= 0xEC) || b0 == 0xEE || b0 == 0xEF)
        return cont(byte(1)) && cont(byte(2)) ? 3 : 0;
    if (b0 == 0xED) // excludes the UTF-16 surrogates
        return cont(byte(1), 0x80, 0x9F) && cont(byte(2)) ? 3 : 0;
    if (b0 == 0xF0)
        return cont(byte(1), 0x90) && cont(byte(2)) && cont(byte(3)) ? 4 : 0;
    if (b0 >= 0xF1 && b0 <= 0xF3)
        return cont(byte(1)) && cont(byte(2)) && cont(byte(3)) ? 4 : 0;
    if (b0 == 0xF4)
        return cont(byte(1), 0x80, 0x8F) && cont(byte(2)) && cont(byte(3)) ? 4 : 0;
    return 0;
}

// Bytes that need attention while escaping: controls, quote, backslash and non-ASCII.
struct EscapeTable {
    bool special[256] = {};
    constexpr EscapeTable() {
        for (int c = 0; c < 0x20; ++c)
            special[c] = true;
        special[static_cast<unsigned char>('"')] = true;
        special[static_cast<unsigned char>('\\')] = true;
        for (int c = 0x80; c < 0x100; ++c)
            special[c] = true;
    }
};
constexpr EscapeTable escape_table{};

} // namespace

std::size_t find_invalid_utf8(std::string_view text) noexcept {
    for (std::size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        const std::size_t n = utf8_sequence(text, i);
        if (n == 0)
            return i;
        i += n;
    }
    return std::string_view::npos;
}

std::size_t utf8_length(std::string_view text) noexcept {
    std::size_t n = 0;
    for (const char c : text)
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80)
            ++n;
    return n;
}

bool append_json_string(std::string &out, std::string_view text, std::size_t *bad_offset) {
    static const char hex[] = "0123456789abcdef";
    const std::size_t start = out.size();
    out.push_back('"');
    std::size_t run = 0; // start of the pending run of bytes copied verbatim
    std::size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (!escape_table.special[c]) {
            ++i;
            continue;
        }
        if (c >= 0x80) {
            const std::size_t n = utf8_sequence(text, i);
            if (n == 0) {
                out.resize(start);
                if (bad_offset)
                    *bad_offset = i;
                return false;
            }
            i += n;
            continue;
        }
        out.append(text.data() + run, i - run);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default: {
            const char esc[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
            out.append(esc, sizeof esc);
        }
        }
        ++i;
        run = i;
    }
    out.append(text.data() + run, text.size() - run);
    out.push_back('"');
    return true;
}

bool is_json_number(std::string_view t) noexcept {
    std::size_t i = 0;
    const auto digit = [&](std::size_t k) { return k < t.size() && t[k] >= '0' && t[k] <= '9'; };
    if (i < t.size() && t[i] == '-')
        ++i;
    if (!digit(i))
        return false;
    if (t[i] == '0')
        ++i;
    else
        while (digit(i))
            ++i;
    if (i < t.size() && t[i] == '.') {
        ++i;
        if (!digit(i))
            return false;
        while (digit(i))
            ++i;
    }
    if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
        ++i;
        if (i < t.size() && (t[i] == '+' || t[i] == '-'))
            ++i;
        if (!digit(i))
            return false;
        while (digit(i))
            ++i;
    }
    return i == t.size();
}

bool normalise_decimal(std::string_view t, std::string &out) {
    out.clear();
    if (is_json_number(t)) {
        out.assign(t);
        return true;
    }
    std::size_t i = 0;
    bool negative = false;
    if (i < t.size() && (t[i] == '+' || t[i] == '-'))
        negative = t[i++] == '-';
    const std::size_t int_start = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9')
        ++i;
    std::string_view int_part = t.substr(int_start, i - int_start);
    std::string_view frac_part;
    if (i < t.size() && t[i] == '.') {
        const std::size_t frac_start = ++i;
        while (i < t.size() && t[i] >= '0' && t[i] <= '9')
            ++i;
        frac_part = t.substr(frac_start, i - frac_start);
    }
    const std::string_view exponent = t.substr(i);
    if (int_part.empty() && frac_part.empty())
        return false;
    while (int_part.size() > 1 && int_part.front() == '0')
        int_part.remove_prefix(1);
    if (negative)
        out.push_back('-');
    out.append(int_part.empty() ? std::string_view("0") : int_part);
    if (!frac_part.empty()) {
        out.push_back('.');
        out.append(frac_part);
    }
    out.append(exponent);
    return is_json_number(out);
}

void append_json_double(std::string &out, double value) {
    char buf[32];
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, res.ptr);
}

void append_json_int(std::string &out, long long value) {
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, value);
    out.append(buf, res.ptr);
}

} // namespace connector::mapping
