#include "email_normalizer.hpp"

#include "json_text.hpp"
#include "json_writer.hpp"
#include "value_cast.hpp"

#include <cctype>

namespace connector::mapping {
namespace {

EmailResult invalid(std::string_view text, const std::string &why) {
    EmailResult r;
    r.status = EmailResult::Status::Invalid;
    r.problem = "email " + quote_excerpt(text) + " " + why;
    return r;
}

bool label_char(unsigned char c) {
    return std::isalnum(c) || c == '-' || c >= 0x80;
}

} // namespace

EmailResult normalise_email(std::string_view text) {
    const std::string_view t = trim(text);
    if (t.empty())
        return {};
    if (find_invalid_utf8(t) != std::string_view::npos)
        return invalid(t, "is not valid UTF-8");
    if (t.size() > 254)
        return invalid(t, "is longer than 254 bytes");
    const std::size_t at = t.find('@');
    if (at == std::string_view::npos)
        return invalid(t, "has no @");
    if (t.find('@', at + 1) != std::string_view::npos)
        return invalid(t, "has more than one @");
    const std::string_view local = t.substr(0, at);
    const std::string_view domain = t.substr(at + 1);
    if (local.empty())
        return invalid(t, "has nothing before the @");
    if (local.size() > 64)
        return invalid(t, "has more than 64 bytes before the @");
    for (const char ch : local) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c == 0x7F ||
            std::string_view("<>()[]\\,;:\"").find(ch) != std::string_view::npos)
            return invalid(t, "has a space or a character not allowed before the @");
    }
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
        return invalid(t, "has a misplaced dot before the @");
    if (domain.empty())
        return invalid(t, "has no domain after the @");
    std::size_t labels = 0;
    std::string_view last;
    std::size_t pos = 0;
    while (pos <= domain.size()) {
        std::size_t dot = domain.find('.', pos);
        if (dot == std::string_view::npos)
            dot = domain.size();
        const std::string_view label = domain.substr(pos, dot - pos);
        if (label.empty() || label.size() > 63)
            return invalid(t, "has an empty or overlong part in its domain");
        if (label.front() == '-' || label.back() == '-')
            return invalid(t, "has a domain part starting or ending with -");
        for (const char ch : label)
            if (!label_char(static_cast<unsigned char>(ch)))
                return invalid(t, "has a character not allowed in its domain");
        ++labels;
        last = label;
        pos = dot + 1;
    }
    if (labels < 2)
        return invalid(t, "has no top-level domain (like .com)");
    if (utf8_length(last) < 2 || last.find_first_not_of("0123456789") == std::string_view::npos)
        return invalid(t, "has no valid top-level domain (like .com)");

    EmailResult r;
    r.status = EmailResult::Status::Ok;
    r.email.assign(t);
    for (std::size_t i = at + 1; i < r.email.size(); ++i) {
        const auto c = static_cast<unsigned char>(r.email[i]);
        if (c < 0x80)
            r.email[i] = static_cast<char>(std::tolower(c));
    }
    return r;
}

} // namespace connector::mapping
