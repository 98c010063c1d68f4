#include "klaviyo/batcher.hpp"
#include "recording_listener.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace connector;
using namespace connector::klaviyo;
using connector::test::event_record;
using connector::test::profile_record;

TEST_CASE("Batcher: Klaviyo's caps are 10,000 profiles, 1,000 events and under 5 MB", "[klaviyo]") {
    CHECK(bulk_limits(Target::Profiles).max_records == 10000);
    CHECK(bulk_limits(Target::Events).max_records == 1000);
    CHECK(bulk_limits(Target::Events).max_bytes < 5u * 1024 * 1024);
    CHECK(bulk_limits(Target::Events).max_bytes > 4u * 1024 * 1024);
}

TEST_CASE("Batcher: a batch is cut at the record cap", "[klaviyo]") {
    Batcher batcher(Target::Profiles, {3, 1u << 20});
    std::vector<std::vector<Record>> batches;
    for (int i = 0; i < 7; ++i) {
        auto out = batcher.add(profile_record("p" + std::to_string(i) + "@example.org"));
        for (auto &b : out.batches)
            batches.push_back(std::move(b));
    }
    CHECK(batches.size() == 2);
    auto rest = batcher.flush();
    REQUIRE(rest.batches.size() == 1);
    CHECK(rest.batches[0].size() == 1);
    CHECK(batcher.pending() == 0);
}

TEST_CASE("Batcher: a batch is cut before it would pass the byte cap", "[klaviyo]") {
    const std::string padding(300, 'x');
    Batcher batcher(Target::Profiles, {1000, 1000});
    std::size_t batches = 0;
    for (int i = 0; i < 6; ++i) {
        auto out = batcher.add(profile_record("p" + std::to_string(i) + "@example.org",
                                              R"("title":")" + padding + R"(")"));
        for (auto &b : out.batches) {
            std::size_t bytes = 0;
            for (auto &r : b)
                bytes += r.profile.size();
            CHECK(bytes < 1000);
            ++batches;
        }
    }
    batches += batcher.flush().batches.size();
    CHECK(batches == 3); // two ~370-byte profiles fit under 1000 with the envelope, three do not
}

TEST_CASE("Batcher: a repeated key is held for the next batch", "[klaviyo]") {
    Batcher batcher(Target::Events, {10, 1u << 20});
    batcher.add(event_record("a@example.org", "o1"));
    batcher.add(event_record("a@example.org", "o1"));
    batcher.add(event_record("a@example.org", "o2"));
    batcher.add(event_record("b@example.org", "o1"));
    auto out = batcher.flush();
    REQUIRE(out.batches.size() == 3);
    CHECK(out.batches[0].size() == 2); // o1, o2
    CHECK(out.batches[1].size() == 1); // o1 again
    CHECK(out.batches[2].size() == 1); // o1 a third time
    for (const auto &b : out.batches) {
        std::set<std::string> keys;
        for (const auto &r : b)
            CHECK(keys.insert(r.key).second);
    }
}

TEST_CASE("Batcher: a record larger than a whole request is set aside", "[klaviyo]") {
    Batcher batcher(Target::Events, {10, 500});
    auto huge = event_record("a@example.org", "big");
    huge.event.insert(huge.event.size() - 2, std::string(600, ' '));
    auto out = batcher.add(huge);
    REQUIRE(out.too_large.size() == 1);
    CHECK(out.too_large[0].key == "big");
    CHECK(batcher.pending() == 0);
}

TEST_CASE("Batcher: events of a known profile cost less than a new profile", "[klaviyo]") {
    // 4 events of one profile fit where 4 events of 4 profiles do not.
    const BatchLimits limits{100, 128 + 4 * 200 + 112 + 150};
    Batcher same(Target::Events, limits);
    Batcher different(Target::Events, limits);
    std::size_t same_batches = 0, different_batches = 0;
    for (int i = 0; i < 4; ++i) {
        same_batches +=
            same.add(event_record("a@example.org", "s" + std::to_string(i))).batches.size();
        different_batches += different
                                 .add(event_record("p" + std::to_string(i) + "@example.org",
                                                   "d" + std::to_string(i)))
                                 .batches.size();
    }
    same_batches += same.flush().batches.size();
    different_batches += different.flush().batches.size();
    CHECK(same_batches == 1);
    CHECK(different_batches > 1);
}
