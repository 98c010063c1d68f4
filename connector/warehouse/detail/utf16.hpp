#pragma once

#include <cstddef>
#include <string>

// Internal to the warehouse module.
namespace connector::warehouse::detail {

/// UTF-8 to UTF-16 (what the ODBC "W" functions take). Invalid bytes become U+FFFD.
std::u16string utf8_to_utf16(const std::string &utf8);

/// UTF-16 to UTF-8, appended to `out` after clearing it. Unpaired surrogates become U+FFFD, so
/// the result is always valid UTF-8.
void utf16_to_utf8(const char16_t *data, std::size_t length, std::string &out);

/// Convenience form of the above.
std::string utf16_to_utf8(const std::u16string &utf16);

} // namespace connector::warehouse::detail
