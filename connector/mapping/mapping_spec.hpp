#pragma once

#include <optional>
#include <string>
#include <vector>

namespace connector::mapping {

/// How a column's value is converted before it is sent (a mapping file's `"cast"`).
enum class Cast {
    Auto,     ///< the SQL type decides: numbers stay numbers, text stays text, dates become ISO
    String,   ///< any scalar as text
    Number,   ///< a JSON number (text is parsed)
    Integer,  ///< a whole JSON number (text is parsed; a fraction is rejected)
    Boolean,  ///< true/false, 1/0, yes/no, y/n, t/f (text, case-insensitive)
    Date,     ///< "YYYY-MM-DD"
    DateTime, ///< "YYYY-MM-DDTHH:MM:SS[.fff]Z" (UTC)
    Array,    ///< a JSON array, from JSON text or from text split on `delimiter`
    Object,   ///< a JSON object, from JSON text
};

/// What a SQL NULL means for a destination (a mapping file's `"null"`).
enum class NullPolicy {
    Keep,  ///< leave Klaviyo's value alone: the field is left out of the payload (default)
    Clear, ///< send JSON null, which clears the field in Klaviyo
    Unset, ///< remove the custom property with `meta.patch_properties.unset` (profile properties)
};

/// One column's rule in a mapping file.
struct ColumnRule {
    std::string column; ///< result column name (exact match first, then case-insensitive)
    std::string to;     ///< destination, e.g. "email", "location.city", "properties.plan.tier",
                        ///< "metric"; empty with `ignore`
    Cast cast = Cast::Auto;
    std::string delimiter;             ///< Array cast from delimited text; empty: JSON array text
    std::optional<NullPolicy> on_null; ///< unset: MappingSpec::default_null
    bool ignore = false;               ///< the column is not sent at all
    std::string origin;                ///< where the rule was written, e.g. `columns."Total"`
};

/// A constant destination value (a mapping file's `"constants"` or `event.metric`).
struct ConstantRule {
    std::string to;     ///< destination, as in ColumnRule::to
    std::string json;   ///< the value, serialised deterministically
    std::string origin; ///< where it was written, e.g. `constants."properties.source"`
};

/// A column-to-Klaviyo mapping: the file in mappings/ or the by-convention default. Columns
/// without a rule follow the convention (design §3): a column named like a Klaviyo field maps to
/// it, any other becomes a custom property named as the column (or is ignored).
struct MappingSpec {
    std::string source = "(by-convention mapping)"; ///< the file, for error messages
    std::vector<ColumnRule> columns;
    std::vector<ConstantRule> constants;
    NullPolicy default_null = NullPolicy::Keep;
    bool unmapped_to_properties = true; ///< false: columns without a rule or a field name are
                                        ///< ignored
    std::string default_region;         ///< ISO 3166 alpha-2 for phones without "+", "" = none
    std::string country_column;         ///< a column holding each row's country (alpha-2)
};

/// Reads a mapping file (JSON, see docs/mapping.md).
/// @throws ConfigError naming the file, the key and the fix, for unreadable or invalid JSON, an
/// unknown key, a wrong type or a value out of range.
MappingSpec load_mapping_file(const std::string &path);

/// The mapping used without a file: every column by convention.
MappingSpec default_mapping();

/// "auto", "string", "number", ... (the mapping file's spelling).
const char *to_string(Cast cast) noexcept;
/// "keep", "clear", "unset".
const char *to_string(NullPolicy policy) noexcept;

} // namespace connector::mapping
