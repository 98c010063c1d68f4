#pragma once

#include "bulk_job.hpp"
#include "json.hpp"
#include "profile_store.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace fake_klaviyo {

/// The kinds of fault the fake can inject (docs/fake_klaviyo.md describes each).
enum class FaultKind {
    Status,           ///< answer with an HTTP error status (500, 502, 503, 504, 520, ...)
    Throttle,         ///< answer 429 with Retry-After, as if rate limited (a "429 storm")
    DropBefore,       ///< close the connection without processing the request or answering
    DropAfter,        ///< process the request, then close the connection without answering
    Hang,             ///< wait duration_ms, then close the connection without processing
    Cloudflare,       ///< 403 with an HTML challenge page and cf-mitigated: challenge
    Latency,          ///< wait duration_ms, then process normally
    DuplicateProfile, ///< profile-import answers 409 duplicate_profile for a chosen identifier
    ImportError,      ///< a bulk import job fails chosen profiles asynchronously
    ShortTotal,       ///< a bulk import job reports a total_count smaller than what was sent
};

const char *to_string(FaultKind k);

/// What the fault plan says about one API request.
struct RequestFault {
    std::optional<FaultKind> action; ///< Status, Throttle, DropBefore, DropAfter, Hang, Cloudflare
    int status = 503;
    int retry_after = 1;
    std::chrono::milliseconds hang{0};
    std::chrono::milliseconds latency{0}; ///< total added latency (every Latency rule that fired)
};

/// Fault injection rules, installed by --fault flags, --faults-file or POST /__fake/faults.
/// Deterministic: each rule draws from its own generator seeded from --seed and its position.
/// Thread-safe.
class Faults {
  public:
    explicit Faults(std::uint64_t seed);

    /// Installs the rules of a faults document ({"seed"?, "replace"?, "rules":[...]}; see the
    /// docs). Throws std::invalid_argument naming the rule and field that is wrong; on error
    /// nothing changes.
    void install(const Json &doc);
    /// Turns a --fault flag ("kind=status,status=503,share=0.1") into one rule object.
    /// Throws std::invalid_argument.
    static Json parse_flag(const std::string &spec);
    /// Removes every rule (the injected counts stay until reset_counts).
    void clear();
    void reset_counts();

    /// Decides the fate of one request to `endpoint` (an operation id such as
    /// "bulk_import_profiles").
    RequestFault on_request(const std::string &endpoint);
    /// For profile-import: the identifier name whose value a duplicate_profile rule matches.
    std::optional<std::string> duplicate_for(const ProfileInput &profile);
    /// For a bulk import job: which profiles fail asynchronously and how many vanish.
    JobPlan plan_job(const std::vector<ProfileInput> &profiles);

    /// Counts a fault that was injected (the handler calls it when it acts on a decision).
    void count(FaultKind kind, long long n = 1);
    /// {"rules":[... with seen/fired counters], "injected":{"status":n,...}}
    Json state();

  private:
    struct Rule {
        FaultKind kind = FaultKind::Status;
        std::vector<std::string> endpoints; ///< empty = every endpoint
        std::optional<double> share;
        std::optional<long long> nth;
        std::optional<long long> next;
        std::optional<double> for_seconds;
        int status = 503;
        int retry_after = 1;
        long long duration_ms = 0;
        std::optional<std::string> match;
        std::optional<long long> index;
        std::string field = "email";
        std::string code;
        std::string title;
        std::string detail;
        long long count = 1;
        Json source; ///< the rule as installed, for state()
        long long seen = 0;
        long long fired = 0;
        std::chrono::steady_clock::time_point installed;
        std::mt19937_64 rng;
    };

    static Rule parse_rule(const Json &obj, std::size_t position);
    bool applies_to(const Rule &r, const std::string &endpoint) const;
    /// Counts one candidate for `r` and says whether the rule fires for it.
    bool fires(Rule &r, std::chrono::steady_clock::time_point now);

    std::mutex mutex_;
    std::uint64_t seed_;
    std::vector<Rule> rules_;
    std::size_t installed_total_ = 0;
    std::map<std::string, long long> injected_;
};

} // namespace fake_klaviyo
