#include "phone_normalizer.hpp"

#include "json_text.hpp"
#include "value_cast.hpp"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <array>
#include <cctype>
#include <cstdint>
#include <set>

namespace connector::mapping {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

const std::set<std::string> &supported_regions() {
    static const std::set<std::string> regions = [] {
        std::set<std::string> r;
        PhoneNumberUtil::GetInstance()->GetSupportedRegions(&r);
        return r;
    }();
    return regions;
}

// Values that exports use for "no phone"; treated like an empty cell, not as a bad number.
bool is_placeholder(std::string_view t) {
    static constexpr std::array<std::string_view, 10> placeholders{
        "n/a", "na", "n.a.", "none", "null", "nil", "-", "--", "unknown", "0"};
    std::string lower;
    for (const char c : t)
        lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    for (const auto p : placeholders)
        if (lower == p)
            return true;
    return false;
}

const char *parse_error(PhoneNumberUtil::ErrorType e) {
    switch (e) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
        return "has no valid country code";
    case PhoneNumberUtil::NOT_A_NUMBER:
        return "is not a phone number";
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
        return "is too short";
    case PhoneNumberUtil::TOO_LONG_NSN:
        return "is too long";
    case PhoneNumberUtil::NO_PARSING_ERROR:
        break;
    }
    return "cannot be read";
}

// Strict E.164 as warehouses that already normalise phones store them: "+" and 8 to 15 digits,
// no spaces, no national leading zero after the country code.
bool looks_e164(std::string_view t) {
    if (t.size() < 9 || t.size() > 16 || t[0] != '+' || t[1] < '1' || t[1] > '9')
        return false;
    for (std::size_t i = 2; i < t.size(); ++i)
        if (t[i] < '0' || t[i] > '9')
            return false;
    return true;
}

// National significant numbers are at most 17 digits long (ITU-T E.164 allows 15 in all).
constexpr std::size_t max_national_length = 17;

// For each country calling code (1 to 999), whether it is assigned and which lengths of
// national number its plan allows, asked of libphonenumber once. IsPossibleNumber depends only
// on those two (for a number without leading zeros), and libphonenumber builds a list of regions
// on every call, which was a third of the time of mapping a profile with a phone.
struct CallingCode {
    bool assigned = false;
    std::array<bool, max_national_length + 1> possible_length{};
};

const std::array<CallingCode, 1000> &calling_codes(const PhoneNumberUtil &util) {
    static const std::array<CallingCode, 1000> codes = [&util] {
        std::array<CallingCode, 1000> a{};
        for (int cc = 1; cc < 1000; ++cc) {
            std::string region;
            util.GetRegionCodeForCountryCode(cc, &region);
            CallingCode &code = a[static_cast<std::size_t>(cc)];
            code.assigned = region != "ZZ";
            if (!code.assigned)
                continue;
            std::uint64_t national = 1; // 1, 10, 100, ...: a number of each length
            for (std::size_t len = 1; len <= max_national_length; ++len, national *= 10) {
                PhoneNumber number;
                number.set_country_code(cc);
                number.set_national_number(national);
                code.possible_length[len] = util.IsPossibleNumber(number);
            }
        }
        return a;
    }();
    return codes;
}

// The fast path for numbers already in E.164. Full validation (Parse + IsValidNumber) costs
// about 27 us a number, which alone would cap a sync of unique phones near 35k rows/s; a number
// already in E.164 only needs its country code to exist and its length to fit that country's
// plan (what IsPossibleNumber checks, looked up in the table above). A number that fails here
// takes the full path, which explains the failure. See docs/mapping.md ("Phones").
bool accept_e164(const PhoneNumberUtil &util, std::string_view t) {
    // Country calling codes are prefix-free: at most one of the 1-3 digit prefixes is assigned.
    const std::array<CallingCode, 1000> &codes = calling_codes(util);
    int cc = 0;
    for (std::size_t len = 1; len <= 3; ++len) {
        cc = cc * 10 + (t[len] - '0');
        const CallingCode &code = codes[static_cast<std::size_t>(cc)];
        if (!code.assigned)
            continue;
        const std::string_view national = t.substr(1 + len);
        if (national.empty() || national[0] == '0')
            return false; // leading zeros (e.g. Italy) need the full parser's flags
        return national.size() <= max_national_length && code.possible_length[national.size()];
    }
    return false;
}

} // namespace

std::string_view PhoneNormalizer::as_is_e164(std::string_view text) {
    const std::string_view t = trim(text);
    if (looks_e164(t) && accept_e164(*PhoneNumberUtil::GetInstance(), t))
        return t;
    return {};
}

std::string PhoneNormalizer::known_region(std::string_view code) {
    std::string upper;
    for (const char c : trim(code))
        upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    if (upper.size() == 2 && supported_regions().count(upper))
        return upper;
    return {};
}

PhoneResult PhoneNormalizer::normalise(std::string_view text,
                                       std::string_view region,
                                       const std::string &fallback_region) const {
    PhoneResult result;
    const std::string_view t = trim(text);
    if (t.empty() || is_placeholder(t))
        return result;

    std::string used = known_region(region);
    if (used.empty())
        used = fallback_region;
    const std::string parse_region = used.empty() ? "ZZ" : used;

    const PhoneNumberUtil &util = *PhoneNumberUtil::GetInstance();
    if (const std::string_view e164 = as_is_e164(t); !e164.empty()) {
        result.status = PhoneResult::Status::Ok;
        result.e164 = std::string(e164);
        return result;
    }
    std::string input(t);
    PhoneNumber number;
    PhoneNumberUtil::ErrorType err = util.Parse(input, parse_region, &number);
    bool valid = err == PhoneNumberUtil::NO_PARSING_ERROR && util.IsValidNumber(number);
    // "00" is the international prefix in most of the world; read it as "+" when the region's
    // own rules did not (no region known, or a region such as US whose prefix is 011).
    if (!valid && t.size() > 2 && t[0] == '0' && t[1] == '0') {
        PhoneNumber retry;
        const std::string plus = "+" + std::string(t.substr(2));
        if (util.Parse(plus, parse_region, &retry) == PhoneNumberUtil::NO_PARSING_ERROR &&
            util.IsValidNumber(retry)) {
            number = retry;
            err = PhoneNumberUtil::NO_PARSING_ERROR;
            valid = true;
        }
    }
    if (!valid) {
        result.status = PhoneResult::Status::Invalid;
        const std::string where = t.front() == '+' ? std::string()
                                  : used.empty()
                                      ? " (no region known: write it with +country code, or set "
                                        "phone.default_region or phone.country_column)"
                                      : " for region " + used;
        if (err != PhoneNumberUtil::NO_PARSING_ERROR)
            result.problem = "phone number " + quote_excerpt(t) + " " + parse_error(err) + where;
        else
            result.problem = "phone number " + quote_excerpt(t) + " is not a valid number" + where;
        return result;
    }
    result.status = PhoneResult::Status::Ok;
    util.Format(number, PhoneNumberUtil::E164, &result.e164);
    if (number.has_extension())
        result.extension = number.extension();
    return result;
}

} // namespace connector::mapping
