#include "ledger/stored_hash.hpp"

#include <catch2/catch.hpp>

using connector::ledger::restore_hash;
using connector::ledger::store_hash;

TEST_CASE("store_hash: a SHA-256 in hex is kept as its first 16 bytes", "[ledger]") {
    const std::string hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const auto stored = store_hash(hex);
    CHECK(stored.binary);
    REQUIRE(stored.bytes.size() == 16);
    CHECK(static_cast<unsigned char>(stored.bytes[0]) == 0xe3);
    CHECK(static_cast<unsigned char>(stored.bytes[15]) == 0x24);
    CHECK(restore_hash(stored.bytes, true) == hex.substr(0, 32));
    // Upper-case digits are the same digest.
    std::string upper = hex;
    for (char &c : upper)
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    CHECK(store_hash(upper).bytes == stored.bytes);
    // A change anywhere in the kept half changes the stored form.
    std::string other = hex;
    other[31] = '0';
    CHECK(store_hash(other).bytes != stored.bytes);
}

TEST_CASE("store_hash: anything else is kept as given", "[ledger]") {
    for (const std::string &h :
         {std::string("h1"), std::string(64, 'z'), std::string(63, 'a'), std::string()}) {
        const auto stored = store_hash(h);
        CHECK_FALSE(stored.binary);
        CHECK(stored.bytes == h);
        CHECK(restore_hash(stored.bytes, false) == h);
    }
}
