#include "mapping/json_writer.hpp"

#include <catch2/catch.hpp>

using namespace connector::mapping;

namespace {
std::string json(std::string_view text) {
    std::string out;
    REQUIRE(append_json_string(out, text));
    return out;
}
} // namespace

TEST_CASE("JsonWriter: strings are escaped the JSON way and UTF-8 passes through", "[mapping]") {
    CHECK(json("plain") == R"("plain")");
    CHECK(json("say \"hi\"") == R"("say \"hi\"")");
    CHECK(json("back\\slash") == R"("back\\slash")");
    CHECK(json("a\nb\tc\rd\be\ff") == R"("a\nb\tc\rd\be\ff")");
    CHECK(json(std::string("nul\0x", 5)) == R"("nul\u0000x")");
    CHECK(json("\x1f") == R"("\u001f")");
    CHECK(json("Gonçalves ☕ 😀") == "\"Gonçalves ☕ 😀\"");
    CHECK(json("</script>") == R"("</script>")");
    CHECK(json("") == R"("")");
}

TEST_CASE("JsonWriter: invalid UTF-8 is refused with its offset and leaves the output alone",
          "[mapping]") {
    const auto [text, offset] = GENERATE(table<std::string, std::size_t>({
        {"ab\xC3", 2},           // truncated 2-byte sequence
        {"\xC0\xAF", 0},         // overlong '/'
        {"x\xE0\x80\xAF", 1},    // overlong 3-byte
        {"ok\xED\xA0\x80", 2},   // UTF-16 surrogate
        {"\xF4\x90\x80\x80", 0}, // above U+10FFFF
        {"abc\xFF", 3},          // never valid
        {"caf\xE9", 3},          // Latin-1, not UTF-8
        {"\xE2\x82", 0},         // cut 3-byte sequence
    }));
    std::string out = "kept";
    std::size_t bad = 99;
    CHECK_FALSE(append_json_string(out, text, &bad));
    CHECK(out == "kept");
    CHECK(bad == offset);
    CHECK(find_invalid_utf8(text) == offset);
}

TEST_CASE("JsonWriter: utf8_length counts code points", "[mapping]") {
    CHECK(utf8_length("abc") == 3);
    CHECK(utf8_length("ção") == 3);
    CHECK(utf8_length("😀😀") == 2);
}

TEST_CASE("JsonWriter: numbers follow JSON's grammar", "[mapping]") {
    for (const char *ok : {"0", "-0", "12", "12.50", "-0.001", "1e5", "1E+5", "2.5e-3"})
        CHECK(is_json_number(ok));
    for (const char *bad :
         {"", "-", "01", ".5", "5.", "+1", "1e", "1.2.3", "NaN", "Infinity", "0x10", " 1", "1 "})
        CHECK_FALSE(is_json_number(bad));
}

TEST_CASE("JsonWriter: decimals are normalised without changing their digits", "[mapping]") {
    const auto [in, expected] = GENERATE(table<std::string, std::string>({
        {"12.50", "12.50"},
        {"+12.50", "12.50"},
        {".5", "0.5"},
        {"-.5", "-0.5"},
        {"5.", "5"},
        {"007.10", "7.10"},
        {"-000", "-0"},
        {"12345678901234567890.123456789", "12345678901234567890.123456789"},
        {"1.5E+3", "1.5E+3"},
    }));
    std::string out;
    REQUIRE(normalise_decimal(in, out));
    CHECK(out == expected);
}

TEST_CASE("JsonWriter: text that is no decimal is refused", "[mapping]") {
    std::string out;
    for (const char *bad : {"", "abc", ".", "-", "1,5", "1.2.3", "e5", "12abc"})
        CHECK_FALSE(normalise_decimal(bad, out));
}

TEST_CASE("JsonWriter: doubles use the shortest text that reads back the same", "[mapping]") {
    const auto [value, expected] = GENERATE(table<double, std::string>({
        {0.1, "0.1"},
        {1.98, "1.98"},
        {-2.5, "-2.5"},
        {100.0, "100"},
        {1e21, "1e+21"},
        {5e-324, "5e-324"},
    }));
    std::string out;
    append_json_double(out, value);
    CHECK(out == expected);
    CHECK(is_json_number(out));
}
