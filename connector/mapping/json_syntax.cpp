#include "json_syntax.hpp"

#include <vector>

namespace connector::mapping {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// A scan without recursion (the nesting is a stack of '{' and '['), so a deeply nested file
// cannot overflow the call stack. Each step leaves `i_` at the first byte it could not take.
class Scanner {
  public:
    explicit Scanner(std::string_view text) : t_(text) {}

    // The offset of the first invalid byte (t_.size() when the text ended early), or nullopt.
    std::optional<std::size_t> run() {
        enum class Next { Value, Key, AfterValue };
        Next next = Next::Value;
        std::vector<char> open;
        for (;;) {
            skip_space();
            if (next == Next::Value) {
                if (at_end())
                    return i_;
                const char c = t_[i_];
                if (c == '{' || c == '[') {
                    open.push_back(c);
                    ++i_;
                    skip_space();
                    if (!at_end() && t_[i_] == (c == '{' ? '}' : ']')) {
                        open.pop_back();
                        ++i_;
                        next = Next::AfterValue;
                    } else {
                        next = c == '{' ? Next::Key : Next::Value;
                    }
                    continue;
                }
                if (!scalar())
                    return i_;
                next = Next::AfterValue;
            } else if (next == Next::Key) {
                if (at_end() || t_[i_] != '"' || !string())
                    return i_;
                skip_space();
                if (at_end() || t_[i_] != ':')
                    return i_;
                ++i_;
                next = Next::Value;
            } else {
                if (open.empty())
                    return at_end() ? std::nullopt : std::optional<std::size_t>(i_);
                if (at_end())
                    return i_;
                if (t_[i_] == ',') {
                    ++i_;
                    next = open.back() == '{' ? Next::Key : Next::Value;
                } else if (t_[i_] == (open.back() == '{' ? '}' : ']')) {
                    open.pop_back();
                    ++i_;
                } else {
                    return i_;
                }
            }
        }
    }

  private:
    bool at_end() const { return i_ >= t_.size(); }

    void skip_space() {
        while (!at_end() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r'))
            ++i_;
    }

    bool scalar() {
        const char c = t_[i_];
        if (c == '"')
            return string();
        if (c == '-' || is_digit(c))
            return number();
        if (c == 't')
            return literal("true");
        if (c == 'f')
            return literal("false");
        if (c == 'n')
            return literal("null");
        return false;
    }

    bool literal(std::string_view word) {
        for (const char expected : word) {
            if (at_end() || t_[i_] != expected)
                return false;
            ++i_;
        }
        return true;
    }

    bool digits() {
        if (at_end() || !is_digit(t_[i_]))
            return false;
        while (!at_end() && is_digit(t_[i_]))
            ++i_;
        return true;
    }

    bool number() {
        if (t_[i_] == '-')
            ++i_;
        if (!at_end() && t_[i_] == '0')
            ++i_; // a leading zero stands alone: "01" fails at the '1'
        else if (!digits())
            return false;
        if (!at_end() && t_[i_] == '.') {
            ++i_;
            if (!digits())
                return false;
        }
        if (!at_end() && (t_[i_] == 'e' || t_[i_] == 'E')) {
            ++i_;
            if (!at_end() && (t_[i_] == '+' || t_[i_] == '-'))
                ++i_;
            if (!digits())
                return false;
        }
        return true;
    }

    bool string() {
        ++i_; // the opening quote
        while (!at_end()) {
            const auto c = static_cast<unsigned char>(t_[i_]);
            if (c == '"') {
                ++i_;
                return true;
            }
            if (c < 0x20)
                return false; // a raw newline or tab inside a string
            if (c != '\\') {
                ++i_;
                continue;
            }
            const std::size_t backslash = i_++;
            if (at_end())
                return false;
            const char e = t_[i_];
            if (e == 'u') {
                for (int k = 0; k < 4; ++k) {
                    ++i_;
                    if (at_end() || !is_hex(t_[i_]))
                        return false;
                }
                ++i_;
            } else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' ||
                       e == 'r' || e == 't') {
                ++i_;
            } else {
                i_ = backslash;
                return false;
            }
        }
        return false;
    }

    std::string_view t_;
    std::size_t i_ = 0;
};

} // namespace

std::optional<JsonSyntaxPosition> find_json_syntax_error(std::string_view text) {
    const std::optional<std::size_t> offset = Scanner(text).run();
    if (!offset)
        return std::nullopt;
    JsonSyntaxPosition position;
    position.at_end = *offset >= text.size();
    for (std::size_t i = 0; i < *offset && i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n') {
            ++position.line;
            position.column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++position.column; // UTF-8 continuation bytes belong to the character before
        }
    }
    return position;
}

std::string_view strip_utf8_bom(std::string_view text) noexcept {
    constexpr std::string_view bom = "\xEF\xBB\xBF";
    return text.substr(0, bom.size()) == bom ? text.substr(bom.size()) : text;
}

} // namespace connector::mapping
