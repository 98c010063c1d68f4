#include "operations.hpp"

#include "json_util.hpp"
#include "limits.hpp"
#include "payload_checks.hpp"

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

namespace fake_klaviyo {

namespace {

Reply errors_reply(std::vector<ApiError> errors) {
    Reply r;
    r.status = errors.empty() ? 400 : errors.front().status;
    r.errors = std::move(errors);
    return r;
}

ApiError not_found(const std::string &detail) {
    ApiError e;
    e.status = 404;
    e.code = "not_found";
    e.title = "Not found.";
    e.detail = detail;
    return e;
}

ApiError duplicate_profile(const std::string &existing_id, const std::string &key) {
    ApiError e;
    e.status = 409;
    e.code = "duplicate_profile";
    e.title = "Conflict.";
    e.detail = "A profile already exists with one of these identifiers (" + key + ").";
    e.pointer = "/data/attributes";
    e.meta.add("duplicate_profile_id", existing_id);
    return e;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

EventInput event_input(const Json &attrs) {
    EventInput e;
    const Json &metric = attrs["metric"]["data"]["attributes"];
    e.metric = metric["name"].as_string();
    e.service = member_string(metric, "service").value_or("api");
    e.properties = attrs["properties"];
    if (auto t = member_string(attrs, "time"))
        e.time = parse_iso_time(*t);
    e.value = attrs["value"];
    e.value_currency = member_string(attrs, "value_currency");
    e.unique_id = member_string(attrs, "unique_id");
    e.backfill = attrs["backfill"].as_bool();
    return e;
}

ProfileInput profile_input(const Json &resource, const Json &meta) {
    return ProfileInput{member_string(resource, "id"), resource["attributes"], meta};
}

// Who an event profile is, for spotting unique_id repeats inside one bulk request.
std::string identity(const ProfileInput &p) {
    if (p.id)
        return "id:" + *p.id;
    for (const auto &name : ProfileStore::identifier_names()) {
        const Json &v = p.attributes[name];
        if (v.is_string() && !v.as_string().empty())
            return name + ":" + (name == "email" ? lower(v.as_string()) : v.as_string());
    }
    return "";
}

std::string encode_cursor(std::size_t offset) {
    std::ostringstream out;
    Poco::Base64Encoder enc(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
    enc << "next::offset::" << offset;
    enc.close();
    return out.str();
}

std::optional<std::size_t> decode_cursor(const std::string &cursor) {
    try {
        std::istringstream in(cursor);
        Poco::Base64Decoder dec(in, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
        std::string text((std::istreambuf_iterator<char>(dec)), std::istreambuf_iterator<char>());
        const std::string prefix = "next::offset::";
        if (text.compare(0, prefix.size(), prefix) != 0 || text.size() == prefix.size() ||
            text.size() > prefix.size() + 12)
            return std::nullopt;
        std::size_t offset = 0;
        for (std::size_t i = prefix.size(); i < text.size(); ++i) {
            if (!std::isdigit(static_cast<unsigned char>(text[i])))
                return std::nullopt;
            offset = offset * 10 + static_cast<std::size_t>(text[i] - '0');
        }
        return offset;
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

} // namespace

Reply create_or_update_profile(Backend &b, const Json &body) {
    std::vector<ApiError> errors;
    b.schemas.validate("create_or_update_profile", body, errors, limits::max_errors);
    if (!errors.empty())
        return errors_reply(std::move(errors));
    const Json &data = body["data"];
    check_profile(data, "/data", ProfileKind::Upsert, errors, limits::max_errors);
    check_strings(body, "", errors, limits::max_errors);
    if (!errors.empty())
        return errors_reply(std::move(errors));

    const ProfileInput in = profile_input(data, data["meta"]);
    if (auto key = b.faults.duplicate_for(in)) {
        const std::string value = in.attributes[*key].as_string();
        const std::string existing = b.account.profile_id_by(*key, value).value_or(b.ids.ulid());
        return errors_reply({duplicate_profile(existing, *key)});
    }
    auto r = b.account.import_profile(in, b.base_url);
    switch (r.outcome) {
    case ProfileStore::Outcome::Conflict:
        return errors_reply({duplicate_profile(r.conflict_id, r.conflict_key)});
    case ProfileStore::Outcome::NotFound:
        return errors_reply({not_found("No profile exists with id '" + in.id.value_or("") + "'.")});
    case ProfileStore::Outcome::Created:
    case ProfileStore::Outcome::Updated:
        break;
    }
    Reply reply;
    reply.status = r.outcome == ProfileStore::Outcome::Created ? 201 : 200;
    reply.body = std::move(r.resource);
    return reply;
}

Reply bulk_import_profiles(Backend &b, const Json &body) {
    std::vector<ApiError> errors;
    b.schemas.validate("bulk_import_profiles", body, errors, limits::max_errors);
    if (!errors.empty())
        return errors_reply(std::move(errors));
    const Json &data = body["data"];
    const Json &profiles = data["attributes"]["profiles"]["data"];
    const std::string list_ptr = "/data/attributes/profiles/data";
    if (profiles.size() == 0)
        return errors_reply({invalid("This list may not be empty.", list_ptr)});
    if (profiles.size() > limits::max_job_profiles)
        return errors_reply({invalid("Ensure this field has no more than " +
                                         std::to_string(limits::max_job_profiles) + " elements.",
                                     list_ptr)});
    Account::JobRequest job;
    job.profiles.reserve(profiles.size());
    job.originals.reserve(profiles.size());
    for (std::size_t i = 0; i < profiles.size(); ++i) {
        const Json &resource = profiles[i];
        const std::string ptr = list_ptr + "/" + std::to_string(i);
        check_profile(resource, ptr, ProfileKind::Upsert, errors, limits::max_errors);
        const std::size_t bytes = compact_size(resource);
        if (bytes > limits::max_profile_bytes && errors.size() < limits::max_errors)
            errors.push_back(
                invalid("A profile may be at most " + std::to_string(limits::max_profile_bytes) +
                            " bytes of JSON; this one is " + std::to_string(bytes) + ".",
                        ptr));
        check_strings(resource, ptr, errors, limits::max_errors);
        if (errors.size() >= limits::max_errors)
            break;
        job.profiles.push_back(profile_input(resource, resource["meta"]));
        job.originals.push_back(resource);
    }
    if (!errors.empty())
        return errors_reply(std::move(errors)); // all or nothing: nothing is imported
    for (const auto &l : data["relationships"]["lists"]["data"].items()) {
        if (auto id = member_string(l, "id"))
            job.list_ids.push_back(*id);
    }
    const std::size_t count = job.profiles.size();
    job.plan = b.faults.plan_job(job.profiles);
    job.delay = std::chrono::milliseconds(b.options.job_delay_ms);
    Reply reply;
    reply.status = 202;
    reply.body = b.account.submit_job(std::move(job), b.base_url);
    b.counters.add("bulk_profiles_accepted", static_cast<long long>(count));
    return reply;
}

Reply get_bulk_import_profiles_job(Backend &b, const std::string &id) {
    auto job = b.account.job(id, b.base_url);
    if (!job)
        return errors_reply({not_found("No profile bulk import job with id '" + id + "'.")});
    Reply reply;
    reply.body = std::move(*job);
    return reply;
}

Reply get_bulk_import_profiles_jobs(Backend &b) {
    Reply reply;
    reply.body = b.account.jobs(b.base_url);
    return reply;
}

Reply get_errors_for_bulk_import_profiles_job(Backend &b,
                                              const std::string &id,
                                              const QueryParameters &query) {
    std::size_t size = 20;
    std::size_t offset = 0;
    bool size_given = false;
    for (const auto &kv : query) {
        if (kv.first == "page[size]") {
            std::size_t used = 0;
            long long n = 0;
            try {
                n = std::stoll(kv.second, &used);
            } catch (const std::exception &) {
                used = 0;
            }
            if (used == 0 || used != kv.second.size() || n < 1 || n > 100)
                return errors_reply({invalid_parameter("Invalid page size '" + kv.second +
                                                           "': it must be a whole number from 1 "
                                                           "to 100.",
                                                       "page[size]")});
            size = static_cast<std::size_t>(n);
            size_given = true;
        } else if (kv.first == "page[cursor]") {
            auto o = decode_cursor(kv.second);
            if (!o)
                return errors_reply(
                    {invalid_parameter("Invalid cursor provided.", "page[cursor]")});
            offset = *o;
        } else if (kv.first.compare(0, 7, "fields[") != 0) {
            return errors_reply({invalid_parameter(
                "'" + kv.first + "' is not a valid query parameter for this endpoint.", kv.first)});
        }
    }
    auto page = b.account.import_errors(id, offset, size);
    if (!page)
        return errors_reply({not_found("No profile bulk import job with id '" + id + "'.")});
    const std::string self = b.base_url + "/api/profile-bulk-import-jobs/" + id + "/import-errors";
    const std::string size_part = size_given ? "&page%5Bsize%5D=" + std::to_string(size) : "";
    Json links = Json::object();
    links.add("self", self);
    links.add("next", page->more ? Json(self + "?page%5Bcursor%5D=" + encode_cursor(offset + size) +
                                        size_part)
                                 : Json());
    links.add("prev", offset > 0
                          ? Json(self + "?page%5Bcursor%5D=" +
                                 encode_cursor(offset > size ? offset - size : 0) + size_part)
                          : Json());
    Json doc = Json::object();
    doc.add("data", std::move(page->items));
    doc.add("links", std::move(links));
    Reply reply;
    reply.body = std::move(doc);
    return reply;
}

Reply create_event(Backend &b, const Json &body, const std::string &revision) {
    std::vector<ApiError> errors;
    b.schemas.validate("create_event", body, errors, limits::max_errors);
    if (!errors.empty())
        return errors_reply(std::move(errors));
    const Json &attrs = body["data"]["attributes"];
    const Json &profile = attrs["profile"]["data"];
    check_profile(profile, "/data/attributes/profile/data", ProfileKind::EventProfile, errors,
                  limits::max_errors);
    check_event(attrs, "/data/attributes", revision, Poco::Timestamp(), errors, limits::max_errors);
    check_strings(body, "", errors, limits::max_errors);
    if (!errors.empty())
        return errors_reply(std::move(errors));
    // Single events carry the profile's meta inside its attributes.
    EventGroup g{profile_input(profile, profile["attributes"]["meta"]), {event_input(attrs)}};
    const std::size_t stored = b.account.record_events({g}, "create_event");
    b.counters.add("events_accepted", 1);
    b.counters.add("events_duplicate", static_cast<long long>(1 - stored));
    Reply reply;
    reply.status = 202;
    return reply;
}

Reply bulk_create_events(Backend &b, const Json &body, const std::string &revision) {
    std::vector<ApiError> errors;
    b.schemas.validate("bulk_create_events", body, errors, limits::max_errors);
    if (!errors.empty())
        return errors_reply(std::move(errors));
    const Json &entries = body["data"]["attributes"]["events-bulk-create"]["data"];
    const std::string list_ptr = "/data/attributes/events-bulk-create/data";
    std::size_t total = 0;
    for (const auto &entry : entries.items())
        total += entry["attributes"]["events"]["data"].size();
    if (total > limits::max_bulk_events)
        return errors_reply({invalid("A bulk create request may hold at most " +
                                         std::to_string(limits::max_bulk_events) +
                                         " events; this one has " + std::to_string(total) + ".",
                                     list_ptr)});
    const Poco::Timestamp now;
    std::vector<EventGroup> groups;
    std::map<std::string, std::string> seen; // identity + metric + unique_id -> first pointer
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const Json &entry_attrs = entries[i]["attributes"];
        const std::string entry_ptr = list_ptr + "/" + std::to_string(i) + "/attributes";
        const Json &profile = entry_attrs["profile"]["data"];
        check_profile(profile, entry_ptr + "/profile/data", ProfileKind::EventProfile, errors,
                      limits::max_errors);
        EventGroup g{profile_input(profile, profile["meta"]), {}};
        const std::string who = identity(g.profile);
        const Json &events = entry_attrs["events"]["data"];
        for (std::size_t j = 0; j < events.size(); ++j) {
            const Json &ev_attrs = events[j]["attributes"];
            const std::string ev_ptr =
                entry_ptr + "/events/data/" + std::to_string(j) + "/attributes";
            check_event(ev_attrs, ev_ptr, revision, now, errors, limits::max_errors);
            EventInput in = event_input(ev_attrs);
            if (in.unique_id && !who.empty()) {
                const std::string key = who + '\x1f' + in.metric + '\x1f' + *in.unique_id;
                auto [it, fresh] = seen.emplace(key, ev_ptr + "/unique_id");
                if (!fresh && errors.size() < limits::max_errors)
                    errors.push_back(invalid("Duplicate unique_id '" + *in.unique_id +
                                                 "' for the same profile and metric in one "
                                                 "request (first at " +
                                                 it->second +
                                                 "); no event in this request was processed.",
                                             ev_ptr + "/unique_id"));
            }
            g.events.push_back(std::move(in));
        }
        groups.push_back(std::move(g));
    }
    check_strings(body, "", errors, limits::max_errors);
    if (!errors.empty())
        return errors_reply(std::move(errors));
    const std::size_t stored = b.account.record_events(groups, "bulk_create_events");
    b.counters.add("events_accepted", static_cast<long long>(total));
    b.counters.add("events_duplicate", static_cast<long long>(total - stored));
    Reply reply;
    reply.status = 202;
    return reply;
}

} // namespace fake_klaviyo
