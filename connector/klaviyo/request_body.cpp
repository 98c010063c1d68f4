#include "request_body.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <cctype>
#include <sstream>
#include <stdexcept>
#include <string_view>
#include <unordered_map>

namespace connector::klaviyo {
namespace {

constexpr const char *event_head = R"({"type":"event","attributes":{)";

// Index of the '}' that closes the object opening at `open`, skipping strings; npos if none.
std::size_t matching_brace(const std::string &text, std::size_t open) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = open; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{') {
            ++depth;
        } else if (c == '}' && --depth == 0) {
            return i;
        }
    }
    return std::string::npos;
}

// The members of the event's attributes object without its braces, when the event has the
// canonical shape: "attributes" is its last member (checked with a string-aware brace scan,
// much cheaper than parsing).
bool splice_attributes(const std::string &event, std::string &members) {
    const std::string head = event_head;
    if (event.compare(0, head.size(), head) != 0)
        return false;
    std::size_t end = event.size();
    while (end > 0 && std::isspace(static_cast<unsigned char>(event[end - 1])))
        --end;
    if (end < head.size() + 2 || event[end - 1] != '}')
        return false;
    const std::size_t close = matching_brace(event, head.size() - 1);
    if (close != end - 2)
        return false;
    members = event.substr(head.size(), close - head.size());
    return true;
}

std::string rebuild_event(const Record &record) {
    try {
        Poco::JSON::Parser parser;
        Poco::JSON::Object::Ptr event =
            parser.parse(record.event).extract<Poco::JSON::Object::Ptr>();
        Poco::JSON::Object::Ptr attributes = event ? event->getObject("attributes") : nullptr;
        if (!attributes)
            throw std::invalid_argument("the event of record " + record.key +
                                        " has no attributes object");
        Poco::JSON::Parser profile_parser;
        const auto profile = profile_parser.parse(record.profile);
        Poco::JSON::Object::Ptr wrapper = new Poco::JSON::Object;
        wrapper->set("data", profile);
        attributes->set("profile", wrapper);
        event->set("type", "event");
        Poco::JSON::Object root;
        root.set("data", event);
        std::ostringstream out;
        root.stringify(out);
        return out.str();
    } catch (const Poco::Exception &e) {
        throw std::invalid_argument("the event of record " + record.key +
                                    " is not valid JSON: " + e.displayText());
    }
}

} // namespace

std::string bulk_event_profile(const std::string &profile) {
    // The mapper writes an event profile's patch_properties as the last member of its
    // attributes, where POST /api/events wants it: ...,"meta":{...}}}. The bulk schema wants it
    // beside the attributes: ...},"meta":{...}}.
    static const std::string marker = R"(,"meta":{"patch_properties":)";
    const std::size_t at = profile.rfind(marker);
    if (at == std::string::npos || profile.size() < at + marker.size() + 2 ||
        profile.compare(profile.size() - 2, 2, "}}") != 0)
        return profile;
    std::string out;
    out.reserve(profile.size() + 1);
    out.append(profile, 0, at);
    out += "},";
    out.append(profile, at + 1, profile.size() - 2 - (at + 1));
    out += '}';
    return out;
}

std::string profile_bulk_body(const std::vector<const Record *> &records) {
    std::size_t size = bulk_envelope_bytes;
    for (const Record *r : records)
        size += r->profile.size() + 1;
    std::string body;
    body.reserve(size);
    body += R"({"data":{"type":"profile-bulk-import-job","attributes":{"profiles":{"data":[)";
    for (std::size_t i = 0; i < records.size(); ++i) {
        if (i)
            body += ',';
        body += records[i]->profile;
    }
    body += "]}}}}";
    return body;
}

std::string event_bulk_body(const std::vector<const Record *> &records,
                            std::vector<std::vector<std::size_t>> &groups) {
    groups.clear();
    std::unordered_map<std::string_view, std::size_t> group_of;
    std::size_t size = bulk_envelope_bytes;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const std::string &profile = records[i]->profile;
        auto [it, inserted] = group_of.emplace(profile, groups.size());
        if (inserted) {
            groups.emplace_back();
            size += profile.size() + event_group_overhead_bytes;
        }
        groups[it->second].push_back(i);
        size += records[i]->event.size() + 1;
    }
    std::string body;
    body.reserve(size);
    body +=
        R"({"data":{"type":"event-bulk-create-job","attributes":{"events-bulk-create":{"data":[)";
    for (std::size_t g = 0; g < groups.size(); ++g) {
        if (g)
            body += ',';
        body += R"({"type":"event-bulk-create","attributes":{"profile":{"data":)";
        body += bulk_event_profile(records[groups[g].front()]->profile);
        body += R"(},"events":{"data":[)";
        for (std::size_t j = 0; j < groups[g].size(); ++j) {
            if (j)
                body += ',';
            body += records[groups[g][j]]->event;
        }
        body += "]}}}";
    }
    body += "]}}}}";
    return body;
}

std::string profile_single_body(const Record &record) {
    std::string body;
    body.reserve(record.profile.size() + 10);
    body += R"({"data":)";
    body += record.profile;
    body += '}';
    return body;
}

std::string event_single_body(const Record &record) {
    std::string members;
    if (!splice_attributes(record.event, members))
        return rebuild_event(record);
    std::string body;
    body.reserve(record.event.size() + record.profile.size() + 48);
    body += R"({"data":)";
    body += event_head;
    body += members;
    // An empty attributes object needs no separating comma.
    if (members.find_first_not_of(" \n") != std::string::npos)
        body += ',';
    body += R"("profile":{"data":)";
    body += record.profile;
    body += "}}}}";
    return body;
}

} // namespace connector::klaviyo
