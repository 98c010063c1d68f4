#include "mapping/phone_normalizer.hpp"

#include <catch2/catch.hpp>

using connector::mapping::PhoneNormalizer;
using connector::mapping::PhoneResult;
using Status = PhoneResult::Status;

TEST_CASE("PhoneNormalizer: national and international formats become E.164", "[mapping]") {
    const auto [text, region, fallback, e164] =
        GENERATE(table<std::string, std::string, std::string, std::string>({
            {"+1 (650) 253-0000", "", "", "+16502530000"},
            {"(650) 253-0000", "US", "", "+16502530000"},
            {"650.253.0000", "", "US", "+16502530000"},
            {"1-425-882-8080", "us", "", "+14258828080"},
            {"0711 2842222", "DE", "", "+497112842222"},
            {"+49 0711 2842222", "", "", "+497112842222"},
            {"020 7946 0958", "gb", "US", "+442079460958"},
            {"+44 20 7946 0958", "US", "", "+442079460958"},
            {"(12) 3923-5555", "BR", "", "+551239235555"},
            {"514-721-4711", "CA", "", "+15147214711"},
            {"  +33 1 49 70 65 65  ", "", "", "+33149706565"},
            {"+46 08-651 52 52", "", "", "+4686515252"},
        }));
    const PhoneResult r = PhoneNormalizer().normalise(text, region, fallback);
    INFO(text << " in " << region << "/" << fallback << ": " << r.problem);
    CHECK(r.status == Status::Ok);
    CHECK(r.e164 == e164);
    CHECK(r.extension.empty());
}

TEST_CASE("PhoneNormalizer: a 00 prefix is read as +", "[mapping]") {
    const auto [text, region] = GENERATE(table<std::string, std::string>({
        {"0047 22 44 22 22", "NO"}, // the region's own international prefix
        {"0047 22 44 22 22", "US"}, // US dials 011, so 00 is read as + on retry
        {"0047 22 44 22 22", ""},   // no region at all
        {"00 47 22442222", "DE"},
    }));
    const PhoneResult r = PhoneNormalizer().normalise(text, region, "");
    INFO(r.problem);
    CHECK(r.status == Status::Ok);
    CHECK(r.e164 == "+4722442222");
}

TEST_CASE("PhoneNormalizer: extensions are split off because E.164 has none", "[mapping]") {
    const auto [text, ext] = GENERATE(table<std::string, std::string>({
        {"+420 2 4177 0449 ext. 12", "12"},
        {"+1 650 253 0000 x123", "123"},
        {"(650) 253-0000 ext 7", "7"},
    }));
    const PhoneResult r = PhoneNormalizer().normalise(text, "", "US");
    INFO(r.problem);
    CHECK(r.status == Status::Ok);
    CHECK(r.e164.find_first_not_of("+0123456789") == std::string::npos);
    CHECK(r.extension == ext);
}

TEST_CASE("PhoneNormalizer: blanks and placeholders mean no phone", "[mapping]") {
    const std::string text =
        GENERATE("", "   ", "\t", "N/A", "n/a", "NA", "none", "NULL", "-", "unknown");
    const PhoneResult r = PhoneNormalizer().normalise(text, "US", "US");
    CHECK(r.status == Status::Blank);
    CHECK(r.e164.empty());
}

TEST_CASE("PhoneNormalizer: invalid numbers say what is wrong and which region was used",
          "[mapping]") {
    const auto [text, region, fallback, words] =
        GENERATE(table<std::string, std::string, std::string, std::string>({
            {"(650) 253-0000", "", "", "no region known"},
            {"12", "US", "", "for region US"},
            {"+453 3331 9991", "", "", "not a valid number"},
            {"call me maybe", "US", "", "is not a phone number"},
            {"12", "", "DE", "for region DE"},
            {"+99 123 456 789", "", "", "country code"},
            {"0711 2842222", "Germany", "", "no region known"}, // names are not regions
        }));
    const PhoneResult r = PhoneNormalizer().normalise(text, region, fallback);
    CHECK(r.status == Status::Invalid);
    CHECK_THAT(r.problem, Catch::Contains(words));
    CHECK_THAT(r.problem, Catch::Contains(std::string(text.substr(0, 6))));
}

TEST_CASE("PhoneNormalizer: a country column value overrides the fallback region", "[mapping]") {
    const PhoneResult r = PhoneNormalizer().normalise("0711 2842222", "de", "US");
    CHECK(r.status == Status::Ok);
    CHECK(r.e164 == "+497112842222");
    // An unknown country falls back to the default region.
    const PhoneResult f = PhoneNormalizer().normalise("(650) 253-0000", "XX", "US");
    CHECK(f.e164 == "+16502530000");
}

TEST_CASE("PhoneNormalizer: known_region accepts ISO alpha-2 codes only", "[mapping]") {
    CHECK(PhoneNormalizer::known_region("us") == "US");
    CHECK(PhoneNormalizer::known_region(" GB ") == "GB");
    CHECK(PhoneNormalizer::known_region("XX").empty());
    CHECK(PhoneNormalizer::known_region("USA").empty());
    CHECK(PhoneNormalizer::known_region("").empty());
}

TEST_CASE("PhoneNormalizer: numbers already in E.164 take the fast path but are still checked",
          "[mapping]") {
    const PhoneNormalizer n;
    SECTION("a possible number in a known country is kept as it is") {
        const PhoneResult r = n.normalise("+12122000001", "", "");
        CHECK(r.status == Status::Ok);
        CHECK(r.e164 == "+12122000001");
    }
    SECTION("an unassigned country code is invalid") {
        const PhoneResult r = n.normalise("+9991234567890", "", "");
        CHECK(r.status == Status::Invalid);
        CHECK(r.problem.find("+9991234567890") != std::string::npos);
    }
    SECTION("a length that does not fit the country's plan is invalid") {
        CHECK(n.normalise("+1212200", "", "").status == Status::Invalid);
        CHECK(n.normalise("+121220000011234", "", "").status == Status::Invalid);
    }
    SECTION("a national leading zero goes through the full parser") {
        const PhoneResult r = n.normalise("+390649910000", "", "");
        CHECK(r.status == Status::Ok);
        CHECK(r.e164 == "+390649910000");
    }
}
