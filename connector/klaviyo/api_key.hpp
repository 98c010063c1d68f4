#pragma once

#include <functional>
#include <string>

namespace connector::klaviyo {

/// A Klaviyo private API key and where it came from. Only `source` may appear in messages.
struct ApiKey {
    std::string value;
    std::string source; ///< "KLAVIYO_API_KEY" or the key file's path
};

/// True when `path`, given as the key file, looks like a Klaviyo private key instead (it starts
/// with pk_ and has no '/'): a message about a missing file must then not repeat it.
bool looks_like_api_key(const std::string &path);

/// The message for a key given where its file's path belongs; `where` names the option or the
/// config line, never the value.
std::string api_key_as_file_message(const std::string &where);

/// Loads the key: from `key_file` when one is given (an explicit option beats the
/// environment), else from the KLAVIYO_API_KEY environment variable. Surrounding whitespace is
/// trimmed. Calls `warn` when the file is readable by group or others, or when both sources are
/// set. Throws ConfigError naming the variable or file when the key is missing, empty,
/// unreadable, wrapped in quotes or contains whitespace or control characters, and when a missing
/// key file's name looks like a key itself (looks_like_api_key); the key itself is never in a
/// message.
ApiKey load_api_key(const std::string &key_file,
                    const std::function<void(const std::string &)> &warn);

} // namespace connector::klaviyo
