#pragma once

#include "json.hpp"

#include <Poco/Timestamp.h>

#include <cstddef>
#include <optional>
#include <string>

namespace fake_klaviyo {

/// The string member `key` of `object`; nullopt when absent, null or not a string.
std::optional<std::string> member_string(const Json &object, std::string_view key);

/// The size in bytes of `value` written as compact JSON, without writing it (escapes counted as
/// one byte each: exact for the ASCII text the limits are about, close enough otherwise).
std::size_t compact_size(const Json &value);

/// A JSON pointer built lazily while walking a document: each level points at its parent, so a
/// walk allocates nothing until an error needs the text.
struct JsonPath {
    const JsonPath *parent = nullptr;
    const std::string *base = nullptr; ///< root only: the pointer text the path starts from
    const std::string *key = nullptr;  ///< a member name, or null for an array index
    std::size_t index = 0;

    static JsonPath root(const std::string &base) { return JsonPath{nullptr, &base, nullptr, 0}; }
    JsonPath child(const std::string &member) const { return JsonPath{this, nullptr, &member, 0}; }
    JsonPath child(std::size_t i) const { return JsonPath{this, nullptr, nullptr, i}; }
    /// The pointer text, e.g. "/data/attributes/profiles/data/17/attributes/email".
    std::string str() const;
};

/// A JSON pointer token: "~" becomes "~0" and "/" becomes "~1" (RFC 6901).
std::string pointer_token(const std::string &key);

/// "2026-05-01T10:00:00+00:00", Klaviyo's way of writing times in responses.
std::string iso_time(const Poco::Timestamp &t);
/// Parses an ISO-8601 date-time as Klaviyo's API accepts it (DRF's DateTimeField):
/// YYYY-MM-DD[Thh:mm[:ss[.ffffff]]][Z|+HH:MM|-HH:MM|+HHMM]; no zone means UTC. nullopt when the
/// text is not such a time.
std::optional<Poco::Timestamp> parse_iso_time(const std::string &text);

} // namespace fake_klaviyo
