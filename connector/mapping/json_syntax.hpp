#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace connector::mapping {

/// Where a JSON text stops being valid, for messages: 1-based line and column (columns count
/// UTF-8 characters, a tab as one).
struct JsonSyntaxPosition {
    std::size_t line = 1;
    std::size_t column = 1;
    bool at_end = false; ///< the text ended before the value was complete
};

/// Scans `text` as one JSON value (RFC 8259) and returns the position of the first byte that
/// cannot continue it, or nullopt when the text is valid. Poco's parser says what it disliked
/// but not where; this says where. It does not check UTF-8 or build anything.
std::optional<JsonSyntaxPosition> find_json_syntax_error(std::string_view text);

/// `text` without a leading UTF-8 byte-order mark (EF BB BF), which some editors write.
std::string_view strip_utf8_bom(std::string_view text) noexcept;

} // namespace connector::mapping
