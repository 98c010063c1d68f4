#include "ledger/decision_rules.hpp"

#include <catch2/catch.hpp>

using connector::Decision;
using connector::Target;
using connector::ledger::decide;
using connector::ledger::parse_state;
using connector::ledger::RecordState;
using connector::ledger::StoredRecord;

namespace {

StoredRecord stored(RecordState state, const std::string &hash = "h1", bool ever_sent = false) {
    StoredRecord s;
    s.state = state;
    s.hash = hash;
    s.ever_sent = ever_sent || state == RecordState::Sent;
    return s;
}

Decision
profile(const StoredRecord &s, const std::string &hash, bool resync = false, bool retry = false) {
    return decide(&s, hash, Target::Profiles, resync, retry);
}

Decision
event(const StoredRecord &s, const std::string &hash, bool resync = false, bool retry = false) {
    return decide(&s, hash, Target::Events, resync, retry);
}

} // namespace

TEST_CASE("decide: an unknown key is New for both targets", "[ledger]") {
    CHECK(decide(nullptr, "h1", Target::Profiles, false, false) == Decision::New);
    CHECK(decide(nullptr, "h1", Target::Events, false, false) == Decision::New);
    CHECK(decide(nullptr, "h1", Target::Events, true, true) == Decision::New);
}

TEST_CASE("decide: a sent profile is Unchanged with the same hash and Changed with another",
          "[ledger]") {
    CHECK(profile(stored(RecordState::Sent), "h1") == Decision::Unchanged);
    CHECK(profile(stored(RecordState::Sent), "h2") == Decision::Changed);
}

TEST_CASE("decide: a sent event is Unchanged forever, even when its hash changed", "[ledger]") {
    CHECK(event(stored(RecordState::Sent), "h1") == Decision::Unchanged);
    CHECK(event(stored(RecordState::Sent), "h2") == Decision::Unchanged);
}

TEST_CASE("decide: a permanent failure is skipped until its data changes or --retry-failed",
          "[ledger]") {
    for (const Target t : {Target::Profiles, Target::Events}) {
        CAPTURE(connector::to_string(t));
        const StoredRecord failed = stored(RecordState::Failed);
        CHECK(decide(&failed, "h1", t, false, false) == Decision::SkipFailed);
        CHECK(decide(&failed, "h2", t, false, false) == Decision::Changed);
        CHECK(decide(&failed, "h1", t, false, true) == Decision::Retry);
    }
}

TEST_CASE("decide: pending, in-flight and transient records are retried", "[ledger]") {
    for (const RecordState s :
         {RecordState::Pending, RecordState::InFlight, RecordState::Transient}) {
        CAPTURE(connector::ledger::to_string(s));
        CHECK(profile(stored(s), "h1") == Decision::Retry);
        CHECK(profile(stored(s), "h2") == Decision::Retry);
        CHECK(event(stored(s), "h1") == Decision::Retry);
    }
}

TEST_CASE("decide: a key seen earlier in this run is a Duplicate whatever its state", "[ledger]") {
    for (const RecordState s :
         {RecordState::Pending, RecordState::Sent, RecordState::Failed, RecordState::Rejected}) {
        StoredRecord seen = stored(s);
        seen.seen_in_this_run = true;
        CHECK(profile(seen, "h1") == Decision::Duplicate);
        CHECK(event(seen, "h2", true, true) == Decision::Duplicate);
    }
}

TEST_CASE("decide: full resync sends unchanged and failed records again", "[ledger]") {
    CHECK(profile(stored(RecordState::Sent), "h1", true) == Decision::Retry);
    CHECK(profile(stored(RecordState::Sent), "h2", true) == Decision::Changed);
    CHECK(event(stored(RecordState::Sent), "h2", true) == Decision::Retry);
    CHECK(profile(stored(RecordState::Failed), "h1", true) == Decision::Retry);
    CHECK(profile(stored(RecordState::Transient), "h1", true) == Decision::Retry);
}

TEST_CASE("decide: a rejected key that becomes valid is New unless a version was sent",
          "[ledger]") {
    CHECK(profile(stored(RecordState::Rejected, ""), "h1") == Decision::New);
    CHECK(profile(stored(RecordState::Rejected, "h1", true), "h1") == Decision::Unchanged);
    CHECK(profile(stored(RecordState::Rejected, "h1", true), "h2") == Decision::Changed);
    CHECK(event(stored(RecordState::Rejected, "h1", true), "h2") == Decision::Unchanged);
}

TEST_CASE("RecordState: stored spellings round-trip and unknown ones are refused", "[ledger]") {
    for (const RecordState s : {RecordState::Pending, RecordState::InFlight, RecordState::Sent,
                                RecordState::Failed, RecordState::Transient, RecordState::Rejected})
        CHECK(parse_state(connector::ledger::to_string(s)) == s);
    CHECK(connector::ledger::to_string(RecordState::InFlight) == std::string("in_flight"));
    CHECK_FALSE(parse_state("done").has_value());
}

TEST_CASE("RecordState: codes are the stored ones, unsent states first", "[ledger]") {
    using connector::ledger::state_from_code;
    CHECK(state_from_code(1) == RecordState::Pending);
    CHECK(state_from_code(2) == RecordState::InFlight);
    CHECK(state_from_code(3) == RecordState::Transient);
    CHECK(state_from_code(4) == RecordState::Sent);
    CHECK(state_from_code(5) == RecordState::Failed);
    CHECK(state_from_code(6) == RecordState::Rejected);
    CHECK_FALSE(state_from_code(0).has_value());
    CHECK_FALSE(state_from_code(7).has_value());
}

TEST_CASE("decide: a record in flight in an open bulk job is not sent again unless changed",
          "[ledger]") {
    StoredRecord in_job = stored(RecordState::InFlight);
    in_job.in_open_job = true;
    CHECK(profile(in_job, "h1") == Decision::Unchanged);
    CHECK(profile(in_job, "h2") == Decision::Changed);
    CHECK(profile(in_job, "h1", true) == Decision::Retry);
}
