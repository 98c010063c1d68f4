#include "mapping/email_normalizer.hpp"

#include <catch2/catch.hpp>

using connector::mapping::EmailResult;
using connector::mapping::normalise_email;
using Status = EmailResult::Status;

TEST_CASE("EmailNormalizer: emails are trimmed and their domain lower-cased", "[mapping]") {
    const auto [text, expected] = GENERATE(table<std::string, std::string>({
        {"ada@example.org", "ada@example.org"},
        {"  Luis.Goncalves@Example.COM ", "Luis.Goncalves@example.com"},
        {"\tALEXANDRE.ROCHA@EXAMPLE.COM\n", "ALEXANDRE.ROCHA@example.com"},
        {"first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"},
        {"stanisław.wójcik@wp.pl", "stanisław.wójcik@wp.pl"},
        {"o'brien@example.ie", "o'brien@example.ie"},
        {"x@münchen.de", "x@münchen.de"},
        {"a@b-c.io", "a@b-c.io"},
    }));
    const EmailResult r = normalise_email(text);
    INFO(r.problem);
    CHECK(r.status == Status::Ok);
    CHECK(r.email == expected);
}

TEST_CASE("EmailNormalizer: empty and blank cells mean no email", "[mapping]") {
    CHECK(normalise_email("").status == Status::Blank);
    CHECK(normalise_email("   ").status == Status::Blank);
}

TEST_CASE("EmailNormalizer: malformed emails are refused with the reason", "[mapping]") {
    const auto [text, reason] = GENERATE(table<std::string, std::string>({
        {"michelle.brooks@example", "no top-level domain"},
        {"no-at-sign.example.com", "has no @"},
        {"a@@example.com", "more than one @"},
        {"a@b@example.com", "more than one @"},
        {"@example.com", "nothing before the @"},
        {"ada@", "no domain"},
        {"ada lovelace@example.com", "not allowed before the @"},
        {"ada,l@example.com", "not allowed before the @"},
        {"a..b@example.com", "misplaced dot"},
        {".ada@example.com", "misplaced dot"},
        {"ada.@example.com", "misplaced dot"},
        {"ada@-example.com", "starting or ending with -"},
        {"ada@example..com", "empty or overlong part"},
        {"ada@example.c", "no valid top-level domain"},
        {"ada@example.123", "no valid top-level domain"},
        {"ada@exa_mple.com", "not allowed in its domain"},
        {std::string(65, 'a') + "@example.com", "more than 64 bytes"},
        {"ada@" + std::string(250, 'a') + ".com", "longer than 254"},
        {"caf\xE9@example.com", "not valid UTF-8"},
    }));
    const EmailResult r = normalise_email(text);
    CHECK(r.status == Status::Invalid);
    CHECK_THAT(r.problem, Catch::Contains(reason));
    CHECK_THAT(r.problem, Catch::StartsWith("email \""));
}
