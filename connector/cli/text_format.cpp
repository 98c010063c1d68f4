#include "text_format.hpp"

#include <cmath>
#include <cstdio>

namespace connector::cli {

namespace {

std::size_t columns(const std::string &text) {
    std::size_t n = 0;
    for (unsigned char c : text)
        n += (c & 0xC0) != 0x80 ? 1 : 0;
    return n;
}

} // namespace

std::string thousands(std::uint64_t n) {
    std::string digits = std::to_string(n);
    std::string out;
    const std::size_t first = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
    out = digits.substr(0, first);
    for (std::size_t i = first; i < digits.size(); i += 3)
        out += "," + digits.substr(i, 3);
    return out;
}

std::string clock_duration(double seconds) {
    const auto total = static_cast<long long>(std::llround(seconds < 0 ? 0 : seconds));
    char buf[32];
    if (total >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                      total % 60);
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld", total / 60, total % 60);
    return buf;
}

std::string seconds_text(double seconds) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f s", seconds);
    return buf;
}

std::string bytes_text(std::uint64_t bytes) {
    const char *units[] = {"B", "KB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    int unit = 0;
    while (v >= 1024 && unit < 4) {
        v /= 1024;
        ++unit;
    }
    char buf[32];
    if (unit == 0)
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[unit]);
    return buf;
}

std::string pad_right(const std::string &text, std::size_t width) {
    const std::size_t n = columns(text);
    return n >= width ? text : text + std::string(width - n, ' ');
}

std::string shorten(const std::string &text, std::size_t width) {
    if (columns(text) <= width || width == 0)
        return text;
    std::string out;
    std::size_t n = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if ((c & 0xC0) != 0x80) {
            if (n + 1 == width)
                break;
            ++n;
        }
        out += text[i];
    }
    return out + "…";
}

} // namespace connector::cli
