#include "core/error.hpp"

#include <catch2/catch.hpp>

using namespace connector;

TEST_CASE("Error: each kind maps to its documented exit code", "[core]") {
    CHECK(exit_code_for(ErrorKind::Config) == 2);
    CHECK(exit_code_for(ErrorKind::Source) == 3);
    CHECK(exit_code_for(ErrorKind::KlaviyoAuth) == 4);
    CHECK(exit_code_for(ErrorKind::Ledger) == 6);
    CHECK(exit_code_for(ErrorKind::LedgerLocked) == 6);
    CHECK(exit_code_for(ErrorKind::Interrupted) == 7);
    CHECK(exit_code_for(ErrorKind::Internal) == 1);
}

TEST_CASE("Error: derived errors keep their kind and message", "[core]") {
    try {
        throw ConfigError("unknown target 'x'");
    } catch (const Error &e) {
        CHECK(e.kind() == ErrorKind::Config);
        CHECK(std::string(e.what()) == "unknown target 'x'");
        CHECK(std::string(to_string(e.kind())) == "config");
    }
}
