#pragma once

// Internal to the klaviyo module: the state of a KlaviyoClient, shared by its implementation
// files: klaviyo_client.cpp (public operations, worker threads, task queue, listener calls),
// client_exchange.cpp (one paced HTTP exchange and the errors that stop a run),
// client_send.cpp (sending records, attributing failures) and client_jobs.cpp (following
// bulk profile import jobs). No Poco here.

#include "api_errors.hpp"
#include "batcher.hpp"
#include "core/record.hpp"
#include "core/sink.hpp"
#include "endpoints.hpp"
#include "https_connection.hpp"
#include "job_documents.hpp"
#include "klaviyo_client.hpp"
#include "pacer.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace connector::klaviyo {
namespace detail {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

/// One request's records: a bulk batch or a single record. Owned by one task at a time.
struct SendJob {
    Endpoint endpoint = Endpoint::EventBulkCreate;
    std::vector<Record> records;
    std::vector<std::size_t> active; ///< indices of records still to deliver
    std::vector<bool> settled;
    std::vector<std::vector<std::size_t>> groups; ///< event groups of the last body (positions)
    int attempts = 0;                             ///< transient failures so far (5xx, network)
    int throttled_attempts = 0;                   ///< 429s so far
    int bot_attempts = 0;                         ///< 403 bot challenges so far
    bool announced = false;                       ///< on_in_flight was called
};

/// A bulk profile import job being followed to its end.
struct PollJob {
    std::string id;
    std::vector<std::string> keys;
    bool ordered = false; ///< keys are in request order (submitted in this run)
    /// The position of `key` in keys. The index is built on the first call (an import error
    /// that names its record by key), so a job without errors never holds it: 10,000 keys
    /// cost about 0.6 MB while the job runs.
    std::optional<std::size_t> index_of(const std::string &key) {
        if (key_index.empty())
            for (std::size_t i = 0; i < keys.size(); ++i)
                key_index.emplace(keys[i], i);
        const auto it = key_index.find(key);
        return it == key_index.end() ? std::nullopt : std::optional<std::size_t>(it->second);
    }
    std::unordered_map<std::string, std::size_t> key_index; ///< see index_of
    std::map<std::size_t, RecordOutcome> failures;
    bool reading_errors = false;
    std::string errors_target;
    JobStatus status;
    std::size_t unmatched = 0;
    int failed_polls = 0;
    int bot_attempts = 0;
    milliseconds interval{1000};
};

struct Task {
    std::shared_ptr<SendJob> send;
    std::shared_ptr<PollJob> poll;
};

inline bool is_tls(FailureKind f) {
    return f == FailureKind::TlsUntrusted || f == FailureKind::TlsWrongHost;
}

inline bool is_single(Endpoint e) {
    return e == Endpoint::ProfileImport || e == Endpoint::EventCreate;
}

inline std::string http_code(int status) {
    return "http_" + std::to_string(status);
}

} // namespace detail

using namespace detail;

struct KlaviyoClient::Impl {
    Impl(ClientOptions opts, Target tgt, DeliveryListener &l);
    ~Impl();
    static BatchLimits batch_limits(const ClientOptions &o, Target t);
    void validate() const;
    Endpoint send_endpoint() const;

    // ---- listener calls: serialised, and never with a key in them ----
    std::string clean(const std::string &text) const;
    void notice(const std::string &message);
    /// Reports an outcome for the given positions of a job's records not settled yet.
    void settle(SendJob &job,
                const std::vector<std::size_t> &indices,
                Outcome outcome,
                const std::string &code,
                const std::string &message);
    void settle_active(SendJob &job,
                       Outcome outcome,
                       const std::string &code,
                       const std::string &message);

    // ---- the task queue ----
    void schedule(Task task, Clock::time_point at);
    /// Blocks the caller while the queue holds enough requests (back-pressure).
    void enqueue_send(std::shared_ptr<SendJob> job);
    bool next_task(Task &task);
    void work(HttpsConnection &connection);
    void settle_quietly(SendJob &job) noexcept;
    void fail(std::exception_ptr error);
    bool stopping();
    /// Sleeps until `at`; false when the run is stopping meanwhile.
    bool sleep_until(Clock::time_point at);
    double random_unit();
    milliseconds backoff(int retry);

    // ---- one HTTP exchange, paced and counted ----
    HttpResult exchange(HttpsConnection &connection,
                        Endpoint endpoint,
                        const std::string &method,
                        const std::string &target_path,
                        const std::string &body,
                        bool retry,
                        Pacer::Slot &slot,
                        bool &interrupted);
    void follow_rate_headers(Endpoint endpoint, const Pacer::Slot &slot, const HttpResponse &r);
    /// How long a 429 asks to wait: Retry-After, else the seconds in the detail, else backoff.
    milliseconds throttle_wait(const HttpResponse &r,
                               const std::optional<std::vector<ApiError>> &errors,
                               int retry);
    std::string target_of(Endpoint endpoint) const;

    // ---- fatal conditions ----
    [[noreturn]] void
    auth_failure(Endpoint endpoint, int status, const std::optional<std::vector<ApiError>> &errors);
    [[noreturn]] void gone_failure(Endpoint endpoint,
                                   const std::optional<std::vector<ApiError>> &errors);
    [[noreturn]] void bot_failure(Endpoint endpoint, int attempts);
    [[noreturn]] void tls_failure(const HttpResult &result);
    [[noreturn]] void unexpected_failure(Endpoint endpoint, const HttpResponse &r);
    [[noreturn]] void parameter_failure(Endpoint endpoint, const ApiError &error);

    // ---- sending records ----
    std::string build_body(SendJob &job);
    void announce(SendJob &job);
    void run_send(const std::shared_ptr<SendJob> &job, HttpsConnection &connection);
    void handle_response(const std::shared_ptr<SendJob> &job, const HttpResponse &r);
    void retry_later(const std::shared_ptr<SendJob> &job,
                     const std::string &code,
                     const std::string &what,
                     milliseconds delay,
                     int attempts,
                     int max);
    void delivered(const std::shared_ptr<SendJob> &job, const HttpResponse &r);
    /// A 400/413/422 (or another JSON 4xx) on a request: fail the records the pointers name,
    /// resend the rest; without usable pointers split the batch until the culprit is alone.
    void
    attribute(const std::shared_ptr<SendJob> &job, int status, const std::vector<ApiError> &errors);
    void split(const std::shared_ptr<SendJob> &job);

    // ---- following bulk profile jobs ----
    std::string job_target(const PollJob &job) const;
    void leave_job(const PollJob &job, const std::string &why);
    void run_poll(const std::shared_ptr<PollJob> &job, HttpsConnection &connection);
    std::string next_target(const std::string &next) const;
    void
    poll_failed(const std::shared_ptr<PollJob> &job, const std::string &what, milliseconds delay);
    void record_import_error(PollJob &job, const ImportError &e);
    void job_unknown(const PollJob &job);
    void complete_job(PollJob &job);

    // ---- public operations ----
    void rethrow_if_failed();
    void send(const Record &record);
    std::shared_ptr<SendJob> make_job(std::vector<Record> records);
    void dispatch(Batcher::Output out);
    void resume_job(const std::string &job_id, const std::vector<std::string> &keys);
    void wait_resumed(milliseconds at_most);
    SinkStats finish();
    /// Stops the workers (after `grace` for requests in flight), then reports what is left.
    void shut_down(milliseconds grace);
    void stop_workers(milliseconds grace);
    void report_leftovers();

    ClientOptions options;
    Target target;
    DeliveryListener &listener;
    ServerAddress server;
    TlsContext tls;
    Pacer pacer;
    Batcher batcher;
    Clock::time_point started;
    Clock::time_point deadline;
    HttpsConnection::Headers common_headers;
    HttpsConnection::Headers post_headers;
    std::mutex mutex; ///< guards the queue and the flags below
    std::condition_variable cv;
    std::multimap<std::pair<Clock::time_point, std::uint64_t>, Task> queue;
    std::uint64_t queue_sequence = 0;
    std::size_t queued_sends = 0;
    std::size_t active = 0;
    /// The jobs of resume_job: a job's polls have ended when nothing holds it any more.
    std::vector<std::weak_ptr<PollJob>> resumed;
    bool closing = false;
    bool aborting = false;
    bool shut = false;
    std::exception_ptr fatal;
    std::mutex listener_mutex; ///< serialises listener calls and the settled flags
    std::mutex stats_mutex;
    SinkStats stats;
    std::string last_transport_error; ///< the last exchange that got no response: why
    std::mutex rng_mutex;
    std::mt19937_64 rng;
    std::vector<std::unique_ptr<HttpsConnection>> connections;
    std::vector<std::thread> workers;
};

} // namespace connector::klaviyo
