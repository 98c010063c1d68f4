#include "api_errors.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cctype>

namespace connector::klaviyo {
namespace {

std::string string_member(const Poco::JSON::Object::Ptr &obj, const std::string &name) {
    if (!obj || !obj->has(name))
        return {};
    const Poco::Dynamic::Var v = obj->get(name);
    if (v.isEmpty())
        return {};
    return v.isString() ? v.extract<std::string>() : v.toString();
}

// Parses the decimal index at `pos` of `text`; advances `pos` past it.
std::optional<std::size_t> index_at(const std::string &text, std::size_t &pos) {
    std::size_t value = 0;
    const std::size_t start = pos;
    while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
        value = value * 10 + static_cast<std::size_t>(text[pos] - '0');
        if (value > 100'000'000)
            return std::nullopt;
        ++pos;
    }
    if (pos == start || (pos < text.size() && text[pos] != '/'))
        return std::nullopt;
    return value;
}

bool starts_with(const std::string &text, std::size_t pos, const std::string &prefix) {
    return text.compare(pos, prefix.size(), prefix) == 0;
}

} // namespace

std::optional<std::vector<ApiError>> parse_api_errors(const std::string &body) {
    if (body.empty() || body.find('{') == std::string::npos)
        return std::nullopt;
    try {
        Poco::JSON::Parser parser;
        const Poco::Dynamic::Var root = parser.parse(body);
        const auto obj = root.extract<Poco::JSON::Object::Ptr>();
        if (!obj)
            return std::nullopt;
        const auto errors = obj->getArray("errors");
        if (!errors)
            return std::nullopt;
        std::vector<ApiError> out;
        for (std::size_t i = 0; i < errors->size(); ++i) {
            const auto e = errors->getObject(static_cast<unsigned>(i));
            if (!e)
                continue;
            ApiError err;
            err.code = string_member(e, "code");
            err.title = string_member(e, "title");
            err.detail = string_member(e, "detail");
            if (const auto source = e->getObject("source")) {
                err.pointer = string_member(source, "pointer");
                err.parameter = string_member(source, "parameter");
            }
            if (const auto meta = e->getObject("meta"))
                err.duplicate_profile_id = string_member(meta, "duplicate_profile_id");
            out.push_back(std::move(err));
        }
        return out;
    } catch (const Poco::Exception &) {
        return std::nullopt;
    } catch (const std::exception &) {
        // Poco::BadCastException derives from Poco::Exception; anything else is a bad body too.
        return std::nullopt;
    }
}

std::optional<PointerTarget> locate_pointer(const std::string &pointer,
                                            const std::string &items_prefix,
                                            const std::string &sub_prefix) {
    const std::string prefix = items_prefix + "/";
    if (!starts_with(pointer, 0, prefix))
        return std::nullopt;
    std::size_t pos = prefix.size();
    const auto item = index_at(pointer, pos);
    if (!item)
        return std::nullopt;
    PointerTarget target;
    target.item = *item;
    std::string rest = pos < pointer.size() ? pointer.substr(pos + 1) : std::string();
    if (!sub_prefix.empty() && starts_with(rest, 0, sub_prefix + "/")) {
        std::size_t sub_pos = sub_prefix.size() + 1;
        if (const auto sub = index_at(rest, sub_pos)) {
            target.sub = *sub;
            rest = sub_pos < rest.size() ? rest.substr(sub_pos + 1) : std::string();
        }
    }
    target.field = rest;
    return target;
}

std::string describe_error(const ApiError &error, const std::string &field) {
    std::string text = !error.detail.empty() ? error.detail : error.title;
    if (text.empty())
        text = "refused without a detail";
    if (!field.empty())
        text += " (at " + field + ")";
    if (error.code == "duplicate_profile") {
        text += "; the identifiers belong to another Klaviyo profile";
        if (!error.duplicate_profile_id.empty())
            text += " (duplicate_profile_id " + error.duplicate_profile_id + ")";
    }
    return text;
}

std::string redact(std::string text, const std::string &secret) {
    if (secret.empty())
        return text;
    static const std::string mask = "[REDACTED]";
    for (std::size_t pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + mask.size()))
        text.replace(pos, secret.size(), mask);
    return text;
}

std::string excerpt(const std::string &text, std::size_t max) {
    std::string out;
    out.reserve(std::min(text.size(), max));
    for (char c : text) {
        if (out.size() >= max) {
            out += "...";
            break;
        }
        out.push_back(c == '\n' || c == '\r' || c == '\t' ? ' ' : c);
    }
    return out;
}

} // namespace connector::klaviyo
