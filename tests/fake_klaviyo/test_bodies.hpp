#pragma once

// JSON bodies for the fake's own tests, built as text so each test shows what goes on the wire.

#include <string>
#include <vector>

namespace fake_klaviyo::test {

/// {"type":"profile","attributes":{...}} with `attributes` given as JSON object members.
inline std::string profile_resource(const std::string &attributes) {
    return R"({"type":"profile","attributes":{)" + attributes + "}}";
}

/// A profile-import body around `attributes` (JSON object members).
inline std::string profile_import(const std::string &attributes, const std::string &extra = "") {
    return R"({"data":{"type":"profile","attributes":{)" + attributes + "}" + extra + "}}";
}

/// A bulk import job body holding `resources` (profile resource objects).
inline std::string bulk_import(const std::vector<std::string> &resources,
                               const std::string &relationships = "") {
    std::string list;
    for (const auto &r : resources)
        list += (list.empty() ? "" : ",") + r;
    return R"({"data":{"type":"profile-bulk-import-job","attributes":{"profiles":{"data":[)" +
           list + "]}}" + (relationships.empty() ? "" : ",\"relationships\":" + relationships) +
           "}}";
}

/// `n` profiles a<i>@example.org with external ids wh_<i>.
inline std::vector<std::string> numbered_profiles(std::size_t n, std::size_t first = 0) {
    std::vector<std::string> out;
    out.reserve(n);
    for (std::size_t i = first; i < first + n; ++i)
        out.push_back(profile_resource(R"("email":"a)" + std::to_string(i) +
                                       R"(@example.org","external_id":"wh_)" + std::to_string(i) +
                                       R"(","properties":{"score":)" + std::to_string(i) + "}"));
    return out;
}

/// One event (type "event") for bulk create or single create attributes.
inline std::string event_attributes(const std::string &metric,
                                    const std::string &unique_id,
                                    const std::string &properties = R"({"order_id":"SO-1"})") {
    return R"("metric":{"data":{"type":"metric","attributes":{"name":")" + metric +
           R"("}}},"properties":)" + properties +
           R"(,"time":"2026-04-30T17:05:09Z","value":59.9,"value_currency":"EUR")" +
           (unique_id.empty() ? "" : R"(,"unique_id":")" + unique_id + "\"");
}

/// A POST /api/events body for a profile given as attribute members.
inline std::string create_event(const std::string &profile_attributes,
                                const std::string &metric,
                                const std::string &unique_id) {
    return R"({"data":{"type":"event","attributes":{"profile":{"data":{"type":"profile","attributes":{)" +
           profile_attributes + "}}}," + event_attributes(metric, unique_id) + "}}}";
}

/// One entry of a bulk create: a profile (attribute members) and its events (attribute bodies).
inline std::string bulk_entry(const std::string &profile_attributes,
                              const std::vector<std::string> &events) {
    std::string list;
    for (const auto &e : events)
        list +=
            (list.empty() ? "" : ",") + std::string(R"({"type":"event","attributes":{)") + e + "}}";
    return R"({"type":"event-bulk-create","attributes":{"profile":{"data":{"type":"profile","attributes":{)" +
           profile_attributes + R"(}}},"events":{"data":[)" + list + "]}}}";
}

/// A POST /api/event-bulk-create-jobs body holding `entries`.
inline std::string bulk_events(const std::vector<std::string> &entries) {
    std::string list;
    for (const auto &e : entries)
        list += (list.empty() ? "" : ",") + e;
    return R"({"data":{"type":"event-bulk-create-job","attributes":{"events-bulk-create":{"data":[)" +
           list + "]}}}}";
}

} // namespace fake_klaviyo::test
