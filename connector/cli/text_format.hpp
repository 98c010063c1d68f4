#pragma once

#include <cstdint>
#include <string>

namespace connector::cli {

/// 1234567 -> "1,234,567".
std::string thousands(std::uint64_t n);
/// 75.2 -> "1:15", 3725 -> "1:02:05".
std::string clock_duration(double seconds);
/// 1.234 -> "1.2 s", 0.0004 -> "0.0 s".
std::string seconds_text(double seconds);
/// 1536 -> "1.5 KB", 3 -> "3 B".
std::string bytes_text(std::uint64_t bytes);
/// `text` padded with spaces to `width` display columns (UTF-8 aware).
std::string pad_right(const std::string &text, std::size_t width);
/// `text` cut to at most `width` display columns, with "…" when cut.
std::string shorten(const std::string &text, std::size_t width);

} // namespace connector::cli
