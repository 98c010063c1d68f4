#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace connector::mapping {

/// Appends `text` to `out` as a JSON string literal (quotes included), escaping `"`, `\` and
/// control characters and passing valid UTF-8 through unchanged. Returns false, and leaves `out`
/// as it was, when `text` is not valid UTF-8; `bad_offset` then holds the offending byte's
/// offset. Deterministic: the same text always gives the same bytes.
bool append_json_string(std::string &out, std::string_view text, std::size_t *bad_offset = nullptr);

/// The byte offset of the first invalid UTF-8 sequence in `text`, or npos when it is valid
/// (overlong forms, surrogates and code points above U+10FFFF are invalid).
std::size_t find_invalid_utf8(std::string_view text) noexcept;

/// Number of code points in valid UTF-8 text.
std::size_t utf8_length(std::string_view text) noexcept;

/// True when `text` is a number in JSON's grammar
/// (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
bool is_json_number(std::string_view text) noexcept;

/// Rewrites a decimal's text into JSON's grammar without changing its digits' value: a leading
/// `+` is dropped, a bare `.5` becomes `0.5`, `5.` becomes `5`, and leading zeros of the integer
/// part are removed. Returns false when the text is not a decimal number at all.
bool normalise_decimal(std::string_view text, std::string &out);

/// Appends the shortest text that reads back as the same double (std::to_chars). The caller
/// must have rejected NaN and infinity.
void append_json_double(std::string &out, double value);

/// Appends a signed integer in decimal.
void append_json_int(std::string &out, long long value);

} // namespace connector::mapping
