#pragma once

#include <string>
#include <string_view>

namespace connector::mapping {

/// The outcome of normalising one phone number.
struct PhoneResult {
    enum class Status {
        Ok,      ///< `e164` holds the number
        Blank,   ///< empty, whitespace or a placeholder such as "N/A": no phone at all
        Invalid, ///< not a valid number; `problem` says why
    };
    Status status = Status::Blank;
    std::string e164;      ///< "+14155550123"
    std::string extension; ///< an extension that E.164 cannot carry and was dropped
    std::string problem;   ///< for Invalid: a sentence naming the value and the region used
};

/// Normalises phone numbers to E.164 with libphonenumber (PhoneNumberUtil::Parse, IsValidNumber,
/// Format E164). Stateless apart from the library's metadata; safe to share.
class PhoneNormalizer {
  public:
    /// Normalises `text`, reading national numbers in `region` (ISO 3166 alpha-2, any case) when
    /// it is a region libphonenumber knows, else in `fallback_region`; with neither, only numbers
    /// with a "+" or a "00" prefix can be read.
    PhoneResult normalise(std::string_view text,
                          std::string_view region,
                          const std::string &fallback_region) const;

    /// `text` without surrounding blanks when it is already a number in E.164 that the fast path
    /// accepts (what normalise would return unchanged, whatever the region), else empty. A table
    /// lookup: cheaper than any cache of normalise's results.
    static std::string_view as_is_e164(std::string_view text);

    /// The upper-case region when libphonenumber knows `code` ("us" -> "US"), else "".
    static std::string known_region(std::string_view code);
};

} // namespace connector::mapping
