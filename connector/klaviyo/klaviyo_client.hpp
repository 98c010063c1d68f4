#pragma once

#include "core/record.hpp"
#include "core/sink.hpp"

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace connector::klaviyo {

/// Bulk endpoints (the default) or one record per call (the seed product's way).
enum class ApiMode { Bulk, Single };

/// "bulk" / "single".
const char *to_string(ApiMode mode) noexcept;
/// Parses "bulk" or "single". Throws ConfigError naming the value otherwise.
ApiMode parse_api_mode(const std::string &text);

/// Requests allowed per 1 s burst window and per 1 min steady window.
struct RateLimit {
    int per_second = 0;
    int per_minute = 0;
};

/// Everything the client needs; the CLI fills it from the command line and the key loader.
struct ClientOptions {
    std::string base_url = "https://a.klaviyo.com"; ///< --klaviyo-url (https only)
    std::string ca_file;                            ///< --ca-file, else the system CAs
    std::string revision = "2026-07-15";            ///< --revision
    ApiMode api_mode = ApiMode::Bulk;               ///< --api-mode bulk|single
    int concurrency = 4;                            ///< --concurrency: connections in flight
    std::string api_key;                            ///< never logged, never in a message
    std::string api_key_source = "KLAVIYO_API_KEY"; ///< the variable or key file, for messages

    std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
    std::chrono::milliseconds send_timeout{std::chrono::seconds(30)};
    std::chrono::milliseconds receive_timeout{std::chrono::seconds(60)};
    /// Measured from construction: no retry and no job poll starts after it; what is still
    /// failing is reported Transient, a job still running is left for the next run.
    std::chrono::milliseconds run_deadline{std::chrono::hours(1)};

    /// Tries per request (the first included) for 429, 5xx and network faults.
    int max_attempts = 8;
    /// Full-jitter exponential backoff: a delay drawn from [0, min(cap, base * 2^retry)).
    std::chrono::milliseconds backoff_base{500};
    std::chrono::milliseconds backoff_cap{std::chrono::seconds(30)};
    /// Bulk profile jobs: first poll after this, then 1.5x longer each time up to the max.
    std::chrono::milliseconds job_poll_interval{std::chrono::seconds(1)};
    std::chrono::milliseconds job_poll_max_interval{std::chrono::seconds(20)};
    /// A 403 bot challenge (HTML body or cf-mitigated) is retried this many times, spaced by
    /// this delay (doubling), before the run stops.
    int bot_challenge_attempts = 3;
    std::chrono::milliseconds bot_challenge_delay{std::chrono::seconds(5)};
    /// After stop_requested(): how long in-flight requests may take before they are abandoned.
    std::chrono::milliseconds stop_grace{std::chrono::seconds(10)};

    /// Client-side pacing to Klaviyo's documented limits (off only for benchmarks).
    bool pacing = true;
    /// Overrides by endpoint name, e.g. {"POST /api/events", {350, 3500}}.
    std::map<std::string, RateLimit> rate_limits;
    /// Batch caps; 0 means Klaviyo's limits (10,000 profiles or 1,000 events, 5 MB minus a
    /// margin).
    std::size_t max_batch_records = 0;
    std::size_t max_batch_bytes = 0;
};

/// Checks what the client would refuse apart from the API key: the base URL, the CA file
/// (loaded as the client loads it), the revision, the concurrency and the attempts. Needs no
/// key, so a dry run refuses the settings a real run would, and both before the run begins.
/// Throws ConfigError with the client's own message.
void check_settings(const ClientOptions &options);

/// The Klaviyo delivery port (design §3): batches records into bulk requests (or one per call),
/// paces them per endpoint, retries transient faults, attributes permanent failures to the
/// exact record, follows bulk profile jobs to the end, and reports every record's outcome to
/// the DeliveryListener. Worker threads each own one keep-alive HTTPS connection.
///
/// send() and finish() throw AuthError when Klaviyo refuses the key or the endpoint/revision
/// is retired, and SinkError when the server cannot be trusted (TLS) or keeps answering with a
/// bot challenge; records not finished by then are reported Transient first.
class KlaviyoClient : public connector::Sink {
  public:
    /// Throws ConfigError for a bad base URL, CA file or option.
    KlaviyoClient(ClientOptions options,
                  connector::Target target,
                  connector::DeliveryListener &listener);
    /// Stops the workers without reporting; call finish() first for a complete account.
    ~KlaviyoClient() override;
    KlaviyoClient(const KlaviyoClient &) = delete;
    KlaviyoClient &operator=(const KlaviyoClient &) = delete;

    /// Queues a copy of the record; blocks while enough requests are waiting (back-pressure).
    void send(const connector::Record &record) override;
    /// Follows a bulk profile job submitted by an earlier run (profiles target).
    void resume_job(const std::string &job_id, const std::vector<std::string> &keys) override;
    /// Waits until the resumed jobs' polls ended (or `at_most`, or the run stops); rethrows what
    /// stopped the client.
    void wait_resumed(std::chrono::milliseconds at_most) override;
    /// Sends what is queued, waits for every request and job, and returns the counters;
    /// `unreachable` names the URL and the last error when no request got an HTTP response.
    connector::SinkStats finish() override;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace connector::klaviyo
