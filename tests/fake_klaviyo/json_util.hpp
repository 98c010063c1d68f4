#pragma once

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Timestamp.h>

#include <cstddef>
#include <optional>
#include <string>

namespace fake_klaviyo {

/// A JSON object that keeps its keys in insertion order (readable, stable output).
Poco::JSON::Object::Ptr new_object();
Poco::JSON::Array::Ptr new_array();

/// Compact JSON text of a value.
std::string to_json(const Poco::Dynamic::Var &value);

bool is_object(const Poco::Dynamic::Var &value);
bool is_array(const Poco::Dynamic::Var &value);
/// The object held by `value`, or null when it holds something else.
Poco::JSON::Object::Ptr as_object(const Poco::Dynamic::Var &value);
Poco::JSON::Array::Ptr as_array(const Poco::Dynamic::Var &value);
/// The member `key` of `object` when it is an object; null otherwise (also when absent).
Poco::JSON::Object::Ptr member_object(const Poco::JSON::Object::Ptr &object,
                                      const std::string &key);
Poco::JSON::Array::Ptr member_array(const Poco::JSON::Object::Ptr &object, const std::string &key);
/// The member `key` when it is a string; nullopt when absent, null or not a string.
std::optional<std::string> member_string(const Poco::JSON::Object::Ptr &object,
                                         const std::string &key);
/// True when `key` is present with a JSON null.
bool member_is_null(const Poco::JSON::Object::Ptr &object, const std::string &key);

/// The size in bytes of `value` written as compact JSON (escapes counted as one byte each, which
/// is exact for the ASCII text the limits are about and close enough otherwise).
std::size_t compact_size(const Poco::Dynamic::Var &value);

/// A JSON pointer token: "~" becomes "~0" and "/" becomes "~1" (RFC 6901).
std::string pointer_token(const std::string &key);

/// "2026-05-01T10:00:00+00:00", Klaviyo's way of writing times in responses.
std::string iso_time(const Poco::Timestamp &t);
/// Parses an ISO-8601 date-time as Klaviyo's API accepts it (DRF's DateTimeField):
/// YYYY-MM-DD[Thh:mm[:ss[.ffffff]]][Z|+HH:MM|-HH:MM|+HHMM]; no zone means UTC. nullopt when the
/// text is not such a time.
std::optional<Poco::Timestamp> parse_iso_time(const std::string &text);

} // namespace fake_klaviyo
