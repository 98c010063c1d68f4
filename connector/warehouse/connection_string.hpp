#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace connector::warehouse {

/// Replaces every `${VAR}` with the value of the environment variable VAR, so a password can
/// live in the environment instead of a file or argv. `$$` stands for a literal `$`.
/// Throws ConfigError naming VAR when it is not set, or naming the position of an unterminated
/// or empty `${`.
std::string expand_environment(const std::string &text);

/// A copy of an ODBC connection string in which the values of secret attributes (PWD,
/// Password, tokens, secrets, keys: see is_secret_key) and token-like values are replaced by
/// `***`. Safe to print. Never throws on a malformed string.
std::string redact_connection_string(const std::string &connection_string);

/// One `key=value` attribute of a connection string, with where its value sits in the string.
struct ConnectionAttribute {
    std::string key;             ///< as written (ODBC keys are case-insensitive)
    std::string value;           ///< without the braces of a `{...}` value
    std::size_t value_begin = 0; ///< offset of the value as written (braces included)
    std::size_t value_end = 0;   ///< one past its end
};

/// Splits `k=v;k2={v;w};...` into attributes (braces protect `;`). Pieces without `=` are kept
/// with an empty value. Never throws.
std::vector<ConnectionAttribute> parse_connection_string(const std::string &connection_string);

/// The value of attribute `key` (case-insensitive), or nullptr when absent.
const ConnectionAttribute *find_attribute(const std::vector<ConnectionAttribute> &attributes,
                                          const std::string &key);

/// True for attribute names whose values are secrets: PWD, Password, Passphrase, any name
/// containing "token", "secret" or "credential", and names ending in "key" (ApiKey, PrivateKey).
bool is_secret_key(const std::string &key);

/// The secret values of a connection string (to scrub them from driver messages).
std::vector<std::string> secret_values(const std::string &connection_string);

/// `text` with every occurrence of each non-empty secret replaced by `***`.
std::string scrub_secrets(std::string text, const std::vector<std::string> &secrets);

} // namespace connector::warehouse
