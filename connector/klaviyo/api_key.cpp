#include "api_key.hpp"

#include "core/error.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <sys/stat.h>

namespace connector::klaviyo {
namespace {

constexpr const char *env_name = "KLAVIYO_API_KEY";

std::string trim(const std::string &s) {
    const char *ws = " \t\r\n";
    const auto b = s.find_first_not_of(ws);
    if (b == std::string::npos)
        return {};
    const auto e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

// The bytes of a quote mark at the start (or end) of `s`: ASCII ' and ", or the typographic
// ones a word processor or web page substitutes (U+2018, U+2019, U+201C, U+201D).
std::size_t quote_at(const std::string &s, bool at_end) {
    if (s.empty())
        return 0;
    const char edge = at_end ? s.back() : s.front();
    if (edge == '"' || edge == '\'')
        return 1;
    if (s.size() < 3)
        return 0;
    const std::string mark = at_end ? s.substr(s.size() - 3) : s.substr(0, 3);
    for (const char *typographic : {"\xE2\x80\x98", "\xE2\x80\x99", "\xE2\x80\x9C", "\xE2\x80\x9D"})
        if (mark == typographic)
            return 3;
    return 0;
}

void check_shape(const std::string &key, const std::string &source) {
    // Quotes are checked first: a key pasted as "pk_..." from a shell or JSON snippet would
    // otherwise be sent as it is and refused by Klaviyo with a 401 that does not say why.
    const bool opens = quote_at(key, false) > 0;
    const bool closes = quote_at(key, true) > 0;
    if (opens || closes)
        throw ConfigError("the Klaviyo API key in " + source +
                          (opens && closes ? " is wrapped in quotes"
                           : opens         ? " starts with a quote mark"
                                           : " ends with a quote mark") +
                          "; write only the key itself, without quotes (a private key such as "
                          "pk_...)");
    for (unsigned char c : key) {
        if (c <= 0x20 || c == 0x7f)
            throw ConfigError("the Klaviyo API key from " + source +
                              " contains whitespace or control characters; it must be one token "
                              "(a private key such as pk_...)");
    }
}

ApiKey from_file(const std::string &path, const std::function<void(const std::string &)> &warn) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT && looks_like_api_key(path))
            throw ConfigError(api_key_as_file_message("--api-key-file"));
        throw ConfigError("cannot read the Klaviyo API key file " + path + ": " +
                          std::strerror(errno));
    }
    if (!S_ISREG(st.st_mode))
        throw ConfigError("the Klaviyo API key file " + path + " is not a regular file");
    if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0 && warn)
        warn("the Klaviyo API key file " + path +
             " is readable by group or others; run: chmod 600 " + path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ConfigError("cannot read the Klaviyo API key file " + path + ": " +
                          std::strerror(errno));
    std::ostringstream text;
    text << in.rdbuf();
    ApiKey key{trim(text.str()), path};
    if (key.value.empty())
        throw ConfigError("the Klaviyo API key file " + path + " is empty");
    check_shape(key.value, path);
    return key;
}

} // namespace

bool looks_like_api_key(const std::string &path) {
    return path.compare(0, 3, "pk_") == 0 && path.find('/') == std::string::npos;
}

std::string api_key_as_file_message(const std::string &where) {
    return "the value of " + where +
           " names no existing file and looks like a Klaviyo API key itself (it starts with pk_; "
           "it is not repeated here): keys go in the " +
           env_name +
           " environment variable, or in a file readable only by you whose path is passed to "
           "--api-key-file (a key typed on a command line may be in the shell history: consider "
           "rotating it)";
}

ApiKey load_api_key(const std::string &key_file,
                    const std::function<void(const std::string &)> &warn) {
    const char *env = std::getenv(env_name);
    if (!key_file.empty()) {
        if (env != nullptr && *env != '\0' && warn)
            warn(std::string("both ") + env_name + " and --api-key-file are set; using the file " +
                 key_file);
        return from_file(key_file, warn);
    }
    if (env == nullptr)
        throw ConfigError(std::string("no Klaviyo API key: set ") + env_name +
                          " or pass --api-key-file FILE (never on the command line)");
    ApiKey key{trim(env), env_name};
    if (key.value.empty())
        throw ConfigError(std::string("the environment variable ") + env_name + " is empty");
    check_shape(key.value, env_name);
    return key;
}

} // namespace connector::klaviyo
