#include "json_keys.hpp"

#include <set>
#include <stdexcept>

namespace connector::test {

std::vector<std::string> duplicate_keys(const std::string &text) {
    std::set<std::string> seen;
    std::set<std::string> repeated;
    std::vector<std::string> out;
    int depth = 0;
    bool opened = false;
    bool expect_key = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '"') {
            std::string s;
            for (++i; i < text.size() && text[i] != '"'; ++i) {
                if (text[i] == '\\' && i + 1 < text.size())
                    s += text[i++];
                s += text[i];
            }
            if (i >= text.size())
                throw std::invalid_argument("unterminated string in " + text);
            if (depth == 1 && expect_key) {
                expect_key = false;
                if (!seen.insert(s).second && repeated.insert(s).second)
                    out.push_back(s);
            }
        } else if (c == '{' || c == '[') {
            if (depth == 0) {
                if (c != '{' || opened)
                    throw std::invalid_argument("not one JSON object: " + text);
                opened = true;
                expect_key = true;
            }
            ++depth;
        } else if (c == '}' || c == ']') {
            if (--depth < 0)
                throw std::invalid_argument("unbalanced JSON: " + text);
        } else if (c == ',' && depth == 1) {
            expect_key = true;
        }
    }
    if (!opened || depth != 0)
        throw std::invalid_argument("not one JSON object: " + text);
    return out;
}

} // namespace connector::test
