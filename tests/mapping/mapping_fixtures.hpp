#pragma once

#include "mapping/json_mapper.hpp"
#include "mapping/mapping_spec.hpp"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace connector::test {

/// Columns named `names` (type text).
inline std::vector<Column> columns_named(std::initializer_list<const char *> names) {
    std::vector<Column> out;
    for (const char *n : names)
        out.push_back({n, "VARCHAR"});
    return out;
}

/// Row number `number` holding `values`.
inline Row row_of(std::vector<Value> values, std::uint64_t number = 1) {
    Row r;
    r.number = number;
    r.values = std::move(values);
    return r;
}

/// The Record of a result that must be one (fails the test with the rejection otherwise).
inline Record expect_record(const MapResult &result) {
    if (const auto *rej = std::get_if<Rejection>(&result))
        FAIL("unexpected rejection: " << rej->code << " at column " << rej->column << ": "
                                      << rej->message);
    return std::get<Record>(result);
}

/// The Rejection of a result that must be one.
inline Rejection expect_rejection(const MapResult &result) {
    if (const auto *rec = std::get_if<Record>(&result))
        FAIL("unexpected record: " << rec->profile << " " << rec->event);
    return std::get<Rejection>(result);
}

/// Maps one row with a spec and target (columns by name).
inline MapResult map_one(const mapping::MappingSpec &spec,
                         Target target,
                         std::initializer_list<const char *> names,
                         std::vector<Value> values) {
    mapping::JsonMapper mapper(spec, target, columns_named(names));
    mapper.set_now(Timestamp{1780000000, 0}); // 2026-05-28
    return mapper.map(row_of(std::move(values)));
}

} // namespace connector::test
