#pragma once

#include <string>
#include <string_view>

namespace connector::mapping {

/// The outcome of normalising one email address.
struct EmailResult {
    enum class Status {
        Ok,      ///< `email` holds the address
        Blank,   ///< empty or whitespace: no email at all
        Invalid, ///< `problem` says what is wrong
    };
    Status status = Status::Blank;
    std::string email;
    std::string problem;
};

/// Trims whitespace, checks a sane `local@domain.tld` shape (one `@`; a local part of 1-64
/// bytes without spaces, controls or `<>()[]\,;:"`, and no leading, trailing or doubled dot; a
/// domain of dot-separated labels of letters, digits, `-` or non-ASCII, each 1-63 bytes and not
/// starting or ending with `-`; a top-level label of 2+ characters that is not all digits; at
/// most 254 bytes in all) and lower-cases the domain. The local part keeps its case.
EmailResult normalise_email(std::string_view text);

} // namespace connector::mapping
