#include "utf16.hpp"

#include <unicode/ustring.h>

#include <climits>
#include <stdexcept>

namespace connector::warehouse::detail {

namespace {

constexpr UChar32 replacement_character = 0xFFFD;

int32_t checked_length(std::size_t n) {
    if (n > static_cast<std::size_t>(INT32_MAX / 3))
        throw std::length_error("text value too long to convert (over 700 MB)");
    return static_cast<int32_t>(n);
}

} // namespace

std::u16string utf8_to_utf16(const std::string &utf8) {
    std::u16string out;
    if (utf8.empty())
        return out;
    // One UTF-16 unit per byte is always enough.
    out.resize(utf8.size());
    int32_t length = 0;
    UErrorCode status = U_ZERO_ERROR;
    u_strFromUTF8WithSub(out.data(), checked_length(out.size()), &length, utf8.data(),
                         checked_length(utf8.size()), replacement_character, nullptr, &status);
    if (U_FAILURE(status))
        throw std::runtime_error(std::string("UTF-8 to UTF-16 conversion failed: ") +
                                 u_errorName(status));
    out.resize(static_cast<std::size_t>(length));
    return out;
}

void utf16_to_utf8(const char16_t *data, std::size_t length, std::string &out) {
    out.clear();
    if (length == 0)
        return;
    // At most three UTF-8 bytes per UTF-16 unit (a surrogate pair, two units, makes four).
    out.resize(length * 3);
    int32_t written = 0;
    UErrorCode status = U_ZERO_ERROR;
    u_strToUTF8WithSub(out.data(), checked_length(out.size()), &written, data,
                       checked_length(length), replacement_character, nullptr, &status);
    if (U_FAILURE(status))
        throw std::runtime_error(std::string("UTF-16 to UTF-8 conversion failed: ") +
                                 u_errorName(status));
    out.resize(static_cast<std::size_t>(written));
}

std::string utf16_to_utf8(const std::u16string &utf16) {
    std::string out;
    utf16_to_utf8(utf16.data(), utf16.size(), out);
    return out;
}

} // namespace connector::warehouse::detail
