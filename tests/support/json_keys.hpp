#pragma once

#include <string>
#include <vector>

namespace connector::test {

/// The keys that occur more than once at the top level of one JSON object's text, each named
/// once, in the order their repeats appear: {"a":1,"b":{"a":2},"a":3} gives {"a"}. Poco's parser
/// (like many) keeps the last value silently, while strict parsers reject such a document.
/// Keys are compared as written (escapes are not decoded). Throws std::invalid_argument when
/// `text` is not one object.
std::vector<std::string> duplicate_keys(const std::string &text);

} // namespace connector::test
