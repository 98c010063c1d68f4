#include "mapping/json_syntax.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace connector::mapping;

namespace {

// "line:column" of the first invalid byte, "end line:column" when the text ended early, or
// "valid".
std::string where(const std::string &text) {
    const auto at = find_json_syntax_error(text);
    if (!at)
        return "valid";
    return (at->at_end ? "end " : "") + std::to_string(at->line) + ":" + std::to_string(at->column);
}

} // namespace

TEST_CASE("JsonSyntax: valid JSON has no error position", "[mapping]") {
    for (const char *text :
         {"{}", "[]", " {\"a\": [1, -2.5e+3, 0, 0.5, true, false, null, \"x\\\"\\u00e9\\n\"]}\n",
          "\"just a string\"", "-0", "{\"a\": {\"b\": {\"c\": []}}}", "\r\n{ }\r\n"}) {
        INFO(text);
        CHECK(where(text) == "valid");
    }
}

TEST_CASE("JsonSyntax: the first byte that cannot continue the value is named by line and column",
          "[mapping]") {
    const auto [text, expected] = GENERATE(table<std::string, std::string>({
        {"{\"a\": 1,}", "1:9"},                      // trailing comma in an object
        {"{\n  \"a\": 1,\n  \"b\": 2,\n}\n", "4:1"}, // ... on its own line
        {"[1, 2,]", "1:7"},                          // trailing comma in an array
        {"{\"a\" 1}", "1:6"},                        // missing colon
        {"{\"a\": 1 \"b\": 2}", "1:9"},              // missing comma
        {"{'a': 1}", "1:2"},                         // single quotes
        {"{a: 1}", "1:2"},                           // bare key
        {"{\"a\": tru}", "1:10"},                    // misspelt literal
        {"{\"a\": 01}", "1:8"},                      // leading zero
        {"{\"a\": 1.}", "1:9"},                      // no digits after the point
        {"{\"a\": \"x\\q\"}", "1:9"},                // bad escape, at the backslash
        {"{\"a\": \"x\ny\"}", "1:9"},                // raw newline in a string
        {"{\"é\": 1,}", "1:9"},                      // columns count characters, not bytes
        {"{\"a\": 1} x", "1:10"},                    // text after the value
        {"{\"a\": 1", "end 1:8"},                    // unterminated object
        {"{\"a\": \"x", "end 1:9"},                  // unterminated string
        {"", "end 1:1"},                             // nothing at all
        {"\t{\"a\": [1,\n\t\t2\n\t}", "3:2"},        // wrong closing bracket
    }));
    INFO(text);
    CHECK(where(text) == expected);
}

TEST_CASE("JsonSyntax: deep nesting is scanned without recursion", "[mapping]") {
    const std::string deep = std::string(100000, '[') + std::string(100000, ']');
    CHECK(where(deep) == "valid");
    CHECK(where(std::string(100000, '[')) == "end 1:100001");
}

TEST_CASE("JsonSyntax: a UTF-8 byte-order mark is stripped, nothing else", "[mapping]") {
    CHECK(strip_utf8_bom("\xEF\xBB\xBF{}") == "{}");
    CHECK(strip_utf8_bom("{}") == "{}");
    CHECK(strip_utf8_bom("\xEF\xBB") == "\xEF\xBB");
    CHECK(strip_utf8_bom("") == "");
}
