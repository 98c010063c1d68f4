#include "faults.hpp"

#include "ids.hpp"
#include "json_util.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <stdexcept>

namespace fake_klaviyo {

namespace {

const std::map<std::string, FaultKind> &kinds() {
    static const std::map<std::string, FaultKind> k = {
        {"status", FaultKind::Status},
        {"throttle", FaultKind::Throttle},
        {"drop_before", FaultKind::DropBefore},
        {"drop_after", FaultKind::DropAfter},
        {"hang", FaultKind::Hang},
        {"cloudflare", FaultKind::Cloudflare},
        {"latency", FaultKind::Latency},
        {"duplicate_profile", FaultKind::DuplicateProfile},
        {"import_error", FaultKind::ImportError},
        {"short_total", FaultKind::ShortTotal},
    };
    return k;
}

bool request_level(FaultKind k) {
    return k != FaultKind::DuplicateProfile && k != FaultKind::ImportError &&
           k != FaultKind::ShortTotal;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

[[noreturn]] void bad(std::size_t position, const std::string &what) {
    throw std::invalid_argument("fault rule " + std::to_string(position) + ": " + what);
}

double number(const Json &obj, const std::string &key, std::size_t position) {
    const Json &v = obj[key];
    if (!v.is_number())
        bad(position, "'" + key + "' must be a number");
    return v.as_double();
}

long long whole(const Json &obj, const std::string &key, std::size_t position, long long min) {
    const double d = number(obj, key, position);
    const auto n = static_cast<long long>(d);
    if (static_cast<double>(n) != d || n < min)
        bad(position, "'" + key + "' must be a whole number >= " + std::to_string(min));
    return n;
}

std::string text(const Json &obj, const std::string &key, std::size_t position) {
    const Json &v = obj[key];
    if (!v.is_string())
        bad(position, "'" + key + "' must be a string");
    return v.as_string();
}

} // namespace

const char *to_string(FaultKind k) {
    for (const auto &kv : kinds()) {
        if (kv.second == k)
            return kv.first.c_str();
    }
    return "status";
}

Faults::Faults(std::uint64_t seed) : seed_(seed) {}

Faults::Rule Faults::parse_rule(const Json &obj, std::size_t position) {
    if (!obj.is_object())
        bad(position, "must be a JSON object");
    static const std::set<std::string> known = {
        "kind",        "endpoint", "share", "nth",   "next", "for_seconds", "status", "retry_after",
        "duration_ms", "match",    "index", "field", "code", "title",       "detail", "count"};
    for (const auto &kv : obj.members()) {
        if (!known.count(kv.first))
            bad(position, "unknown field '" + kv.first + "'");
    }
    Rule r;
    if (!obj.has("kind"))
        bad(position, "'kind' is required");
    const std::string kind = text(obj, "kind", position);
    auto k = kinds().find(kind);
    if (k == kinds().end())
        bad(position, "unknown kind '" + kind +
                          "' (status, throttle, drop_before, drop_after, hang, cloudflare, "
                          "latency, duplicate_profile, import_error, short_total)");
    r.kind = k->second;
    if (obj.has("endpoint")) {
        const Json &e = obj["endpoint"];
        if (e.is_array()) {
            for (const auto &name : e.items())
                r.endpoints.push_back(name.is_string() ? name.as_string() : name.dump());
        } else {
            std::string list = text(obj, "endpoint", position);
            std::size_t start = 0;
            while (start <= list.size()) {
                std::size_t bar = list.find('|', start);
                if (bar == std::string::npos)
                    bar = list.size();
                if (bar > start)
                    r.endpoints.push_back(list.substr(start, bar - start));
                start = bar + 1;
            }
        }
        r.endpoints.erase(std::remove(r.endpoints.begin(), r.endpoints.end(), "*"),
                          r.endpoints.end());
    }
    if (obj.has("share")) {
        r.share = number(obj, "share", position);
        if (*r.share < 0 || *r.share > 1)
            bad(position, "'share' must be between 0 and 1");
    }
    if (obj.has("nth"))
        r.nth = whole(obj, "nth", position, 1);
    if (obj.has("next"))
        r.next = whole(obj, "next", position, 0);
    if (obj.has("for_seconds")) {
        r.for_seconds = number(obj, "for_seconds", position);
        if (*r.for_seconds < 0)
            bad(position, "'for_seconds' must not be negative");
    }
    if (obj.has("status")) {
        r.status = static_cast<int>(whole(obj, "status", position, 400));
        if (r.status > 599)
            bad(position, "'status' must be an HTTP error status (400..599)");
    }
    if (obj.has("retry_after"))
        r.retry_after = static_cast<int>(whole(obj, "retry_after", position, 0));
    r.duration_ms = r.kind == FaultKind::Hang ? 30000 : r.kind == FaultKind::Latency ? 200 : 0;
    if (obj.has("duration_ms"))
        r.duration_ms = whole(obj, "duration_ms", position, 0);
    if (obj.has("match"))
        r.match = text(obj, "match", position);
    if (obj.has("index"))
        r.index = whole(obj, "index", position, 0);
    if (obj.has("field")) {
        r.field = text(obj, "field", position);
        const auto &ids = ProfileStore::identifier_names();
        if (std::find(ids.begin(), ids.end(), r.field) == ids.end())
            bad(position, "'field' must name an identifier (email, phone_number, external_id, "
                          "anonymous_id, _kx)");
    }
    if (r.kind == FaultKind::DuplicateProfile && !r.match)
        bad(position, "duplicate_profile needs 'match' (an identifier value)");
    const bool phone = r.field == "phone_number";
    r.code = phone ? "invalid_phone_number" : r.field == "email" ? "invalid_email" : "invalid";
    r.title = "Invalid input.";
    r.detail = phone                ? "Invalid phone number format."
               : r.field == "email" ? "Invalid email address."
                                    : "Invalid " + r.field + ".";
    if (obj.has("code"))
        r.code = text(obj, "code", position);
    if (obj.has("title"))
        r.title = text(obj, "title", position);
    if (obj.has("detail"))
        r.detail = text(obj, "detail", position);
    if (obj.has("count"))
        r.count = whole(obj, "count", position, 0);
    r.source = obj;
    return r;
}

Json Faults::parse_flag(const std::string &spec) {
    Json obj = Json::object();
    std::size_t start = 0;
    while (start < spec.size()) {
        std::size_t comma = spec.find(',', start);
        if (comma == std::string::npos)
            comma = spec.size();
        const std::string item = spec.substr(start, comma - start);
        start = comma + 1;
        if (item.empty())
            continue;
        const std::size_t eq = item.find('=');
        if (eq == std::string::npos || eq == 0)
            throw std::invalid_argument("--fault '" + spec + "': '" + item + "' is not key=value");
        const std::string key = item.substr(0, eq);
        const std::string value = item.substr(eq + 1);
        // Numbers become numbers (share=0.1, nth=3); everything else stays text.
        std::size_t used = 0;
        double d = 0;
        try {
            d = std::stod(value, &used);
        } catch (const std::exception &) {
            used = 0;
        }
        const bool text_field = key == "match" || key == "code" || key == "title" ||
                                key == "detail" || key == "endpoint" || key == "kind" ||
                                key == "field";
        if (!text_field && used == value.size() && used > 0)
            obj.set(key, d);
        else
            obj.set(key, value);
    }
    return obj;
}

void Faults::install(const Json &doc) {
    if (!doc.is_object())
        throw std::invalid_argument("the faults document must be a JSON object");
    for (const auto &kv : doc.members()) {
        if (kv.first != "rules" && kv.first != "seed" && kv.first != "replace")
            throw std::invalid_argument("unknown field '" + kv.first +
                                        "' in the faults document (rules, seed, replace)");
    }
    const Json &list = doc["rules"];
    if (doc.has("rules") && !list.is_array())
        throw std::invalid_argument("'rules' must be an array of rule objects");
    std::vector<Rule> parsed;
    for (std::size_t i = 0; i < list.size(); ++i)
        parsed.push_back(parse_rule(list[i], i));
    bool replace = true;
    if (const Json *v = doc.find("replace")) {
        if (!v->is_bool())
            throw std::invalid_argument("'replace' must be true or false");
        replace = v->as_bool();
    }
    std::optional<std::uint64_t> seed;
    if (const Json *v = doc.find("seed")) {
        if (!v->is_int() || v->as_int() < 0)
            throw std::invalid_argument("'seed' must be a whole number");
        seed = static_cast<std::uint64_t>(v->as_int());
    }
    std::lock_guard<std::mutex> lock(mutex_);
    if (seed) {
        seed_ = *seed;
        installed_total_ = 0;
    }
    if (replace)
        rules_.clear();
    const auto now = std::chrono::steady_clock::now();
    for (auto &r : parsed) {
        r.installed = now;
        r.rng.seed(splitmix64(seed_ ^ (0x5851F42D4C957F2DULL * (installed_total_ + 1))));
        ++installed_total_;
        rules_.push_back(std::move(r));
    }
}

void Faults::clear() {
    std::lock_guard<std::mutex> lock(mutex_);
    rules_.clear();
}

void Faults::reset_counts() {
    std::lock_guard<std::mutex> lock(mutex_);
    injected_.clear();
}

bool Faults::applies_to(const Rule &r, const std::string &endpoint) const {
    return r.endpoints.empty() ||
           std::find(r.endpoints.begin(), r.endpoints.end(), endpoint) != r.endpoints.end();
}

bool Faults::fires(Rule &r, std::chrono::steady_clock::time_point now) {
    ++r.seen;
    bool ok = true;
    if (r.nth && r.seen != *r.nth)
        ok = false;
    if (r.next && r.fired >= *r.next)
        ok = false;
    if (r.for_seconds && std::chrono::duration<double>(now - r.installed).count() >= *r.for_seconds)
        ok = false;
    if (r.share) {
        // Always draw, so the sequence of decisions depends only on the seed and the count.
        const double draw = std::uniform_real_distribution<double>(0.0, 1.0)(r.rng);
        if (draw >= *r.share)
            ok = false;
    }
    return ok;
}

RequestFault Faults::on_request(const std::string &endpoint) {
    RequestFault out;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    for (auto &r : rules_) {
        if (!request_level(r.kind) || !applies_to(r, endpoint))
            continue;
        if (!fires(r, now))
            continue;
        if (r.kind == FaultKind::Latency) {
            ++r.fired;
            out.latency += std::chrono::milliseconds(r.duration_ms);
            ++injected_["latency"];
            continue;
        }
        if (out.action)
            continue; // the first rule that fires wins; the others only count the request
        ++r.fired;
        out.action = r.kind;
        out.status = r.kind == FaultKind::Cloudflare ? 403
                     : r.kind == FaultKind::Throttle ? 429
                                                     : r.status;
        out.retry_after = r.retry_after;
        out.hang = std::chrono::milliseconds(r.duration_ms);
        ++injected_[to_string(r.kind)];
        if (r.kind == FaultKind::Status)
            ++injected_["status_" + std::to_string(r.status)];
    }
    return out;
}

std::optional<std::string> Faults::duplicate_for(const ProfileInput &profile) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    for (auto &r : rules_) {
        if (r.kind != FaultKind::DuplicateProfile)
            continue;
        for (const auto &name : ProfileStore::identifier_names()) {
            auto value = member_string(profile.attributes, name);
            if (!value)
                continue;
            const bool same =
                name == "email" ? lower(*value) == lower(*r.match) : *value == *r.match;
            if (same && fires(r, now)) {
                ++r.fired;
                ++injected_["duplicate_profile"];
                return name;
            }
        }
    }
    return std::nullopt;
}

JobPlan Faults::plan_job(const std::vector<ProfileInput> &profiles) {
    JobPlan plan;
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    for (auto &r : rules_) {
        if (r.kind == FaultKind::ShortTotal && fires(r, now)) {
            ++r.fired;
            plan.dropped += static_cast<std::size_t>(r.count);
            ++injected_["short_total"];
        }
    }
    plan.dropped = std::min(plan.dropped, profiles.size());
    const std::size_t kept = profiles.size() - plan.dropped;
    for (std::size_t i = 0; i < kept; ++i) {
        for (auto &r : rules_) {
            if (r.kind != FaultKind::ImportError || plan.failures.count(i))
                continue;
            if (r.index && static_cast<std::size_t>(*r.index) != i)
                continue;
            if (r.match) {
                bool same = false;
                for (const auto &name : ProfileStore::identifier_names()) {
                    auto value = member_string(profiles[i].attributes, name);
                    if (value &&
                        (name == "email" ? lower(*value) == lower(*r.match) : *value == *r.match))
                        same = true;
                }
                if (!same)
                    continue;
            }
            if (!fires(r, now))
                continue;
            ++r.fired;
            ImportFailure f;
            f.code = r.code;
            f.title = r.title;
            f.detail = r.detail;
            f.pointer =
                "/data/attributes/profiles/data/" + std::to_string(i) + "/attributes/" + r.field;
            plan.failures[i] = f;
            ++injected_["import_error"];
        }
    }
    return plan;
}

void Faults::count(FaultKind kind, long long n) {
    std::lock_guard<std::mutex> lock(mutex_);
    injected_[to_string(kind)] += n;
}

Json Faults::state() {
    std::lock_guard<std::mutex> lock(mutex_);
    Json rules = Json::array();
    for (const auto &r : rules_) {
        Json obj = r.source;
        obj.set("seen", r.seen);
        obj.set("fired", r.fired);
        rules.push(std::move(obj));
    }
    Json injected = Json::object();
    for (const auto &kv : injected_)
        injected.add(kv.first, kv.second);
    Json doc = Json::object();
    doc.add("seed", static_cast<unsigned long long>(seed_));
    doc.add("rules", std::move(rules));
    doc.add("injected", std::move(injected));
    return doc;
}

} // namespace fake_klaviyo
