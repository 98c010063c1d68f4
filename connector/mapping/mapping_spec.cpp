#include "mapping_spec.hpp"

namespace connector::mapping {

MappingSpec default_mapping() {
    return MappingSpec{};
}

const char *to_string(Cast cast) noexcept {
    switch (cast) {
    case Cast::Auto:
        return "auto";
    case Cast::String:
        return "string";
    case Cast::Number:
        return "number";
    case Cast::Integer:
        return "integer";
    case Cast::Boolean:
        return "boolean";
    case Cast::Date:
        return "date";
    case Cast::DateTime:
        return "datetime";
    case Cast::Array:
        return "array";
    case Cast::Object:
        return "object";
    }
    return "auto";
}

const char *to_string(NullPolicy policy) noexcept {
    switch (policy) {
    case NullPolicy::Keep:
        return "keep";
    case NullPolicy::Clear:
        return "clear";
    case NullPolicy::Unset:
        return "unset";
    }
    return "keep";
}

} // namespace connector::mapping
