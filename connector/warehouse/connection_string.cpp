#include "connection_string.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace connector::warehouse {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(const std::string &s) {
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    const auto last = s.find_last_not_of(" \t\r\n");
    return s.substr(first, last - first + 1);
}

bool is_name_start(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// A value that looks like a credential even under an innocent key: a JWT, or a long run of
// base64/hex-like characters that mixes letters and digits (access tokens, signed URLs' keys).
bool looks_like_token(const std::string &value) {
    if (value.rfind("eyJ", 0) == 0 && value.size() > 20)
        return true;
    if (value.size() < 40)
        return false;
    bool letter = false;
    bool digit = false;
    for (char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalpha(u))
            letter = true;
        else if (std::isdigit(u))
            digit = true;
        else if (c != '+' && c != '/' && c != '=' && c != '_' && c != '-')
            return false;
    }
    return letter && digit;
}

} // namespace

std::string expand_environment(const std::string &text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '$' || i + 1 >= text.size()) {
            out.push_back(c);
            continue;
        }
        if (text[i + 1] == '$') {
            out.push_back('$');
            ++i;
            continue;
        }
        if (text[i + 1] != '{') {
            out.push_back(c);
            continue;
        }
        const auto close = text.find('}', i + 2);
        if (close == std::string::npos)
            throw ConfigError("connection string: '${' at character " + std::to_string(i + 1) +
                              " is not closed by '}' (write $$ for a literal $)");
        const std::string name = text.substr(i + 2, close - i - 2);
        if (name.empty() || !is_name_start(name.front()) ||
            !std::all_of(name.begin(), name.end(), is_name_char))
            throw ConfigError("connection string: '${" + name + "}' at character " +
                              std::to_string(i + 1) +
                              " is not a valid environment variable name (letters, digits, _)");
        const char *value = std::getenv(name.c_str());
        if (value == nullptr)
            throw ConfigError("connection string refers to ${" + name +
                              "}, but the environment variable " + name + " is not set");
        out += value;
        i = close;
    }
    return out;
}

std::vector<ConnectionAttribute> parse_connection_string(const std::string &s) {
    std::vector<ConnectionAttribute> attributes;
    std::size_t i = 0;
    while (i < s.size()) {
        const std::size_t start = i;
        while (i < s.size() && s[i] != '=' && s[i] != ';')
            ++i;
        ConnectionAttribute a;
        a.key = trim(s.substr(start, i - start));
        if (i < s.size() && s[i] == '=') {
            ++i;
            a.value_begin = i;
            // Skip spaces before a braced value: "PWD= {a;b}".
            std::size_t j = i;
            while (j < s.size() && (s[j] == ' ' || s[j] == '\t'))
                ++j;
            if (j < s.size() && s[j] == '{') {
                // ODBC: "}}" inside braces is an escaped "}".
                std::size_t k = j + 1;
                std::string value;
                while (k < s.size()) {
                    if (s[k] == '}') {
                        if (k + 1 < s.size() && s[k + 1] == '}') {
                            value.push_back('}');
                            k += 2;
                            continue;
                        }
                        ++k;
                        break;
                    }
                    value.push_back(s[k++]);
                }
                a.value = value;
                i = k;
                while (i < s.size() && s[i] != ';')
                    ++i;
            } else {
                while (i < s.size() && s[i] != ';')
                    ++i;
                a.value = trim(s.substr(a.value_begin, i - a.value_begin));
            }
            a.value_end = i;
        } else {
            a.value_begin = a.value_end = i;
        }
        if (!a.key.empty() || a.value_end > a.value_begin)
            attributes.push_back(std::move(a));
        if (i < s.size() && s[i] == ';')
            ++i;
    }
    return attributes;
}

const ConnectionAttribute *find_attribute(const std::vector<ConnectionAttribute> &attributes,
                                          const std::string &key) {
    const std::string wanted = lower(key);
    for (const auto &a : attributes)
        if (lower(a.key) == wanted)
            return &a;
    return nullptr;
}

bool is_secret_key(const std::string &key) {
    std::string k;
    for (char c : lower(key))
        if (std::isalnum(static_cast<unsigned char>(c)))
            k.push_back(c);
    if (k.empty())
        return false;
    static const char *const parts[] = {"pwd",   "passw",  "passphrase",
                                        "token", "secret", "credential"};
    for (const char *p : parts)
        if (k.find(p) != std::string::npos)
            return true;
    return k.size() >= 3 && k.compare(k.size() - 3, 3, "key") == 0;
}

std::string redact_connection_string(const std::string &connection_string) {
    std::string out;
    std::size_t copied = 0;
    for (const auto &a : parse_connection_string(connection_string)) {
        if (a.value_end == a.value_begin)
            continue;
        if (!is_secret_key(a.key) && !looks_like_token(a.value))
            continue;
        out.append(connection_string, copied, a.value_begin - copied);
        out += "***";
        copied = a.value_end;
    }
    out.append(connection_string, copied, std::string::npos);
    return out;
}

std::vector<std::string> secret_values(const std::string &connection_string) {
    std::vector<std::string> secrets;
    for (const auto &a : parse_connection_string(connection_string))
        if (!a.value.empty() && (is_secret_key(a.key) || looks_like_token(a.value)))
            secrets.push_back(a.value);
    return secrets;
}

std::string scrub_secrets(std::string text, const std::vector<std::string> &secrets) {
    for (const auto &secret : secrets) {
        if (secret.empty())
            continue;
        for (auto pos = text.find(secret); pos != std::string::npos;
             pos = text.find(secret, pos + 3))
            text.replace(pos, secret.size(), "***");
    }
    return text;
}

} // namespace connector::warehouse
