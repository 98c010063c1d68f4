#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace connector::mapping {

/// Why a value could not become JSON: a stable reason code and a sentence about the value.
struct ValueProblem {
    std::string code;
    std::string message;
};

/// What a JSON text must be.
enum class JsonShape { Any, Array, Object };

/// Parses JSON `text` (Poco::JSON) and appends it re-serialised deterministically: object keys
/// in the order written, numbers in their shortest form, strings escaped by append_json_string.
/// Enforces Klaviyo's limits on the way: strings, array items and nesting (`depth` is the level
/// the value itself sits at; see limits.hpp). Returns the problem instead of throwing; `out` is
/// left as it was on failure.
std::optional<ValueProblem>
append_json_text(std::string &out, std::string_view text, JsonShape shape, int depth);

/// The text of a JSON string literal (`"a\"b"` -> `a"b`); nullopt when `json` is not one.
std::optional<std::string> decode_json_string(std::string_view json);

/// A value's text shortened for messages: at most `max_chars` bytes (on a UTF-8 boundary),
/// with control characters shown as `\n`-style escapes, in double quotes.
std::string quote_excerpt(std::string_view text, std::size_t max_chars = 60);

} // namespace connector::mapping
