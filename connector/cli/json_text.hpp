#pragma once

#include "sync/run_observer.hpp"

#include <string>
#include <vector>

namespace connector::cli {

/// `text` as a JSON string literal, quotes included.
std::string json_string(const std::string &text);

/// One JSON object, keys in the given order, from log fields (numbers unquoted).
std::string json_object(const std::vector<sync::LogField> &fields);

/// Re-indents a compact JSON document for humans (2 spaces), or returns it unchanged when it
/// does not parse.
std::string pretty_json(const std::string &json);

} // namespace connector::cli
