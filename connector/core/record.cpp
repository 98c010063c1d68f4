#include "record.hpp"

#include <algorithm>
#include <cctype>

namespace connector {

const char *to_string(Target t) noexcept {
    return t == Target::Profiles ? "klaviyo_profiles" : "klaviyo_events";
}

std::string profile_key(const std::string &external_id,
                        const std::string &email,
                        const std::string &phone_e164) {
    if (!external_id.empty())
        return "external_id:" + external_id;
    if (!email.empty()) {
        std::string lower = email;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return "email:" + lower;
    }
    if (!phone_e164.empty())
        return "phone:" + phone_e164;
    return {};
}

} // namespace connector
