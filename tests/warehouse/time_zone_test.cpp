#include "core/error.hpp"
#include "warehouse/detail/time_zone.hpp"

#include <catch2/catch.hpp>

using namespace connector;
using namespace connector::warehouse::detail;

namespace {

std::string utc_of(const TimeZone &zone, int y, unsigned mo, unsigned d, unsigned h, unsigned mi) {
    return to_iso8601(zone.to_utc(LocalDateTime{Date{y, mo, d}, Time{h, mi, 0, 0}}));
}

} // namespace

TEST_CASE("TimeZone: wall-clock time in an IANA zone becomes UTC, DST included", "[warehouse]") {
    const TimeZone ny("America/New_York");
    CHECK(utc_of(ny, 2024, 1, 15, 12, 0) == "2024-01-15T17:00:00Z");
    CHECK(utc_of(ny, 2024, 7, 15, 12, 0) == "2024-07-15T16:00:00Z");
    const TimeZone kolkata("Asia/Kolkata");
    CHECK(utc_of(kolkata, 2024, 7, 15, 12, 0) == "2024-07-15T06:30:00Z");
    const TimeZone utc("UTC");
    CHECK(utc.is_utc());
    CHECK(utc_of(utc, 2024, 7, 15, 12, 0) == "2024-07-15T12:00:00Z");
}

TEST_CASE("TimeZone: repeated and skipped wall-clock hours resolve to the earlier offset",
          "[warehouse]") {
    const TimeZone paris("Europe/Paris");
    // 2024-10-27 02:30 happens twice in Paris: the first one is 00:30Z (CEST, +2).
    CHECK(utc_of(paris, 2024, 10, 27, 2, 30) == "2024-10-27T00:30:00Z");
    // 2024-03-31 02:30 does not exist: read with the offset before the change (CET, +1).
    CHECK(utc_of(paris, 2024, 3, 31, 2, 30) == "2024-03-31T01:30:00Z");
}

TEST_CASE("TimeZone: an unknown name is a config error naming it", "[warehouse]") {
    try {
        TimeZone zone("Mars/Olympus_Mons");
        FAIL("no error");
    } catch (const ConfigError &e) {
        CHECK_THAT(e.what(), Catch::Contains("Mars/Olympus_Mons"));
    }
}
