#include "klaviyo_client.hpp"

#include "api_errors.hpp"
#include "batcher.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "endpoints.hpp"
#include "https_connection.hpp"
#include "job_documents.hpp"
#include "pacer.hpp"
#include "request_body.hpp"
#include "retry_policy.hpp"

#include <Poco/URI.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>
#include <unordered_map>

#ifndef CONNECTOR_VERSION
#define CONNECTOR_VERSION "0.0.0"
#endif

namespace connector::klaviyo {

const char *to_string(ApiMode mode) noexcept {
    return mode == ApiMode::Bulk ? "bulk" : "single";
}

ApiMode parse_api_mode(const std::string &text) {
    if (text == "bulk")
        return ApiMode::Bulk;
    if (text == "single")
        return ApiMode::Single;
    throw ConfigError("--api-mode must be bulk or single, not '" + text + "'");
}

namespace {

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
    std::unordered_map<std::string, std::size_t> index_of;
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

bool is_tls(FailureKind f) {
    return f == FailureKind::TlsUntrusted || f == FailureKind::TlsWrongHost;
}

bool is_single(Endpoint e) {
    return e == Endpoint::ProfileImport || e == Endpoint::EventCreate;
}

std::string http_code(int status) {
    return "http_" + std::to_string(status);
}

} // namespace

struct KlaviyoClient::Impl {
    Impl(ClientOptions opts, Target tgt, DeliveryListener &l)
        : options(std::move(opts)), target(tgt), listener(l),
          server(parse_base_url(options.base_url)), tls(options.ca_file), pacer(options.pacing),
          batcher(tgt, batch_limits(options, tgt)), started(Clock::now()),
          deadline(started + options.run_deadline), rng(std::random_device{}()) {
        validate();
        for (const auto &[name, limit] : options.rate_limits) {
            bool known = false;
            for (int i = 0; i < endpoint_count; ++i) {
                const auto e = static_cast<Endpoint>(i);
                if (name == endpoint_name(e)) {
                    pacer.set_limits(e, {limit.per_second, limit.per_minute});
                    known = true;
                }
            }
            if (!known)
                throw ConfigError("unknown endpoint in rate limits: '" + name + "'");
        }
        common_headers = {{"Authorization", "Klaviyo-API-Key " + options.api_key},
                          {"revision", options.revision},
                          {"accept", "application/vnd.api+json"},
                          {"User-Agent", std::string("connector/") + CONNECTOR_VERSION}};
        post_headers = common_headers;
        post_headers.emplace_back("content-type", "application/vnd.api+json");
        const Timeouts timeouts{options.connect_timeout, options.send_timeout,
                                options.receive_timeout};
        for (int i = 0; i < options.concurrency; ++i)
            connections.push_back(std::make_unique<HttpsConnection>(tls, server, timeouts));
        for (int i = 0; i < options.concurrency; ++i)
            workers.emplace_back([this, i] { work(*connections[static_cast<std::size_t>(i)]); });
    }

    ~Impl() { stop_workers(milliseconds(0)); }

    static BatchLimits batch_limits(const ClientOptions &o, Target t) {
        BatchLimits limits = bulk_limits(t);
        if (o.max_batch_records)
            limits.max_records = std::min(limits.max_records, o.max_batch_records);
        if (o.max_batch_bytes)
            limits.max_bytes = std::min(limits.max_bytes, o.max_batch_bytes);
        return limits;
    }

    void validate() const {
        if (options.api_key.empty())
            throw ConfigError("no Klaviyo API key given to the client");
        if (options.revision.empty())
            throw ConfigError("--revision must not be empty");
        if (options.concurrency < 1 || options.concurrency > 64)
            throw ConfigError("--concurrency must be between 1 and 64, not " +
                              std::to_string(options.concurrency));
        if (options.max_attempts < 1)
            throw ConfigError("the maximum number of attempts must be at least 1");
    }

    Endpoint send_endpoint() const {
        if (target == Target::Profiles)
            return options.api_mode == ApiMode::Bulk ? Endpoint::ProfileBulkImport
                                                     : Endpoint::ProfileImport;
        return options.api_mode == ApiMode::Bulk ? Endpoint::EventBulkCreate
                                                 : Endpoint::EventCreate;
    }

    // ---- listener calls: serialised, and never with a key in them ----

    std::string clean(const std::string &text) const { return redact(text, options.api_key); }

    void notice(const std::string &message) {
        std::lock_guard<std::mutex> lock(listener_mutex);
        listener.on_notice(clean(message));
    }

    /// Reports an outcome for the given positions of a job's records not settled yet.
    void settle(SendJob &job,
                const std::vector<std::size_t> &indices,
                Outcome outcome,
                const std::string &code,
                const std::string &message) {
        std::vector<RecordOutcome> outcomes;
        std::lock_guard<std::mutex> lock(listener_mutex);
        for (std::size_t i : indices) {
            if (job.settled[i])
                continue;
            job.settled[i] = true;
            outcomes.push_back({job.records[i].key, outcome, code, clean(message)});
        }
        if (!outcomes.empty())
            listener.on_outcomes(outcomes);
    }

    void settle_active(SendJob &job,
                       Outcome outcome,
                       const std::string &code,
                       const std::string &message) {
        settle(job, job.active, outcome, code, message);
        job.active.clear();
    }

    // ---- the task queue ----

    void schedule(Task task, Clock::time_point at) {
        {
            std::lock_guard<std::mutex> lock(mutex);
            if (task.send)
                ++queued_sends;
            queue.emplace(std::make_pair(at, ++queue_sequence), std::move(task));
        }
        cv.notify_all();
    }

    /// Blocks the caller while the queue holds enough requests (back-pressure).
    void enqueue_send(std::shared_ptr<SendJob> job) {
        const auto limit = static_cast<std::size_t>(2 * options.concurrency + 2);
        {
            std::unique_lock<std::mutex> lock(mutex);
            while (queued_sends >= limit && !aborting && !stop_requested())
                cv.wait_for(lock, milliseconds(50));
        }
        schedule(Task{std::move(job), nullptr}, Clock::now());
    }

    bool next_task(Task &task) {
        std::unique_lock<std::mutex> lock(mutex);
        for (;;) {
            if (aborting || stop_requested())
                return false;
            const auto now = Clock::now();
            if (!queue.empty() && queue.begin()->first.first <= now) {
                task = std::move(queue.begin()->second);
                queue.erase(queue.begin());
                if (task.send)
                    --queued_sends;
                ++active;
                cv.notify_all();
                return true;
            }
            if (queue.empty() && closing && active == 0) {
                cv.notify_all();
                return false;
            }
            auto until = now + milliseconds(100);
            if (!queue.empty())
                until = std::min(until, queue.begin()->first.first);
            cv.wait_until(lock, until);
        }
    }

    void work(HttpsConnection &connection) {
        Task task;
        while (next_task(task)) {
            try {
                if (task.send)
                    run_send(task.send, connection);
                else
                    run_poll(task.poll, connection);
            } catch (...) {
                // A listener (ledger) failure or a bug: the run must stop and say why.
                fail(std::current_exception());
                if (task.send)
                    settle_quietly(*task.send);
            }
            task = Task{};
            {
                std::lock_guard<std::mutex> lock(mutex);
                --active;
            }
            cv.notify_all();
        }
    }

    void settle_quietly(SendJob &job) noexcept {
        try {
            settle_active(job, Outcome::Transient, "interrupted", "the run stopped first");
        } catch (...) {
        }
    }

    void fail(std::exception_ptr error) {
        {
            std::lock_guard<std::mutex> lock(mutex);
            if (!fatal)
                fatal = error;
            aborting = true;
        }
        cv.notify_all();
    }

    bool stopping() {
        std::lock_guard<std::mutex> lock(mutex);
        return aborting || stop_requested();
    }

    /// Sleeps until `at`; false when the run is stopping meanwhile.
    bool sleep_until(Clock::time_point at) {
        std::unique_lock<std::mutex> lock(mutex);
        while (Clock::now() < at) {
            if (aborting || stop_requested())
                return false;
            cv.wait_until(lock, std::min(at, Clock::now() + milliseconds(50)));
        }
        return !(aborting || stop_requested());
    }

    double random_unit() {
        std::lock_guard<std::mutex> lock(rng_mutex);
        return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    }

    milliseconds backoff(int retry) {
        return full_jitter_backoff(retry, options.backoff_base, options.backoff_cap, random_unit());
    }

    // ---- one HTTP exchange, paced and counted ----

    HttpResult exchange(HttpsConnection &connection,
                        Endpoint endpoint,
                        const std::string &method,
                        const std::string &target_path,
                        const std::string &body,
                        bool retry,
                        Pacer::Slot &slot,
                        bool &interrupted) {
        slot = pacer.reserve(endpoint, Clock::now());
        interrupted = !sleep_until(slot.at);
        if (interrupted)
            return {};
        {
            std::lock_guard<std::mutex> lock(stats_mutex);
            ++stats.requests_by_endpoint[endpoint_name(endpoint)];
            stats.bytes_sent += body.size();
            if (retry)
                ++stats.retries;
        }
        HttpResult result = connection.perform(
            method, target_path, method == "GET" ? common_headers : post_headers, body);
        {
            std::lock_guard<std::mutex> lock(stats_mutex);
            ++stats.responses_by_status[result.failure == FailureKind::None ? result.response.status
                                                                            : 0];
            if (result.response.status == 429)
                ++stats.throttled;
        }
        if (result.failure == FailureKind::None && result.response.status != 429)
            follow_rate_headers(endpoint, slot, result.response);
        return result;
    }

    void follow_rate_headers(Endpoint endpoint, const Pacer::Slot &slot, const HttpResponse &r) {
        auto integer = [&](const char *name) -> std::optional<int> {
            const std::string v = r.header(name);
            if (v.empty())
                return std::nullopt;
            try {
                return std::stoi(v);
            } catch (const std::exception &) {
                return std::nullopt;
            }
        };
        const auto limit = integer("ratelimit-limit");
        const auto remaining = integer("ratelimit-remaining");
        const auto reset = integer("ratelimit-reset");
        if (limit || remaining)
            pacer.on_response(endpoint, slot, Clock::now(), limit, remaining,
                              reset ? std::optional<double>(*reset) : std::nullopt);
    }

    /// How long a 429 asks to wait: Retry-After, else the seconds in the detail, else backoff.
    milliseconds throttle_wait(const HttpResponse &r,
                               const std::optional<std::vector<ApiError>> &errors,
                               int retry) {
        if (const auto s = parse_retry_after(r.header("retry-after")))
            return *s + milliseconds(static_cast<long>(random_unit() * 250));
        if (errors)
            for (const auto &e : *errors)
                if (const auto s = seconds_in_detail(e.detail))
                    return *s + milliseconds(static_cast<long>(random_unit() * 250));
        return std::max(backoff(retry), milliseconds(1000));
    }

    std::string target_of(Endpoint endpoint) const {
        return server.path_prefix + endpoint_path(endpoint);
    }

    // ---- fatal conditions ----

    [[noreturn]] void auth_failure(Endpoint endpoint,
                                   int status,
                                   const std::optional<std::vector<ApiError>> &errors) {
        std::string what = "Klaviyo refused the API key from " + options.api_key_source +
                           " (HTTP " + std::to_string(status);
        if (errors && !errors->empty())
            what += " " + errors->front().code + ": " + errors->front().detail;
        what += ") on " + std::string(endpoint_name(endpoint)) +
                "; check the key and that it is a private key with the scopes " +
                required_scopes(send_endpoint()) +
                (target == Target::Profiles && options.api_mode == ApiMode::Bulk
                     ? std::string(" (and profiles:read to follow import jobs)")
                     : std::string());
        throw AuthError(clean(what));
    }

    [[noreturn]] void gone_failure(Endpoint endpoint,
                                   const std::optional<std::vector<ApiError>> &errors) {
        std::string what = "Klaviyo answered 410 Gone for " + std::string(endpoint_name(endpoint)) +
                           " with revision " + options.revision +
                           ": the endpoint or API revision is retired; pass a current --revision "
                           "or upgrade the connector";
        if (errors && !errors->empty())
            what += " (" + errors->front().detail + ")";
        throw AuthError(clean(what));
    }

    [[noreturn]] void bot_failure(Endpoint endpoint, int attempts) {
        throw SinkError(
            "Klaviyo's edge answered " + std::string(endpoint_name(endpoint)) + " at " +
            server.origin + " with a bot challenge (HTTP 403 with an HTML body or cf-mitigated) " +
            std::to_string(attempts) +
            " times: this is not an API key problem; the requests were stopped before reaching "
            "the API (check the egress IP, proxy or request rate, then run again). Unsent "
            "records are left for the next run.");
    }

    [[noreturn]] void tls_failure(const HttpResult &result) {
        std::string what = "cannot verify the TLS certificate of " + server.origin + ": ";
        if (result.failure == FailureKind::TlsWrongHost)
            what += "it does not name " + server.host + " (" + result.error + ")";
        else if (options.ca_file.empty())
            what += result.error + "; for a private server pass --ca-file with its CA";
        else
            what += result.error + "; it is not signed by the CA in " + options.ca_file;
        throw SinkError(what + " (verification is never turned off)");
    }

    [[noreturn]] void unexpected_failure(Endpoint endpoint, const HttpResponse &r) {
        throw SinkError(clean("unexpected HTTP " + std::to_string(r.status) + " from " +
                              endpoint_name(endpoint) + " at " + server.origin + ": " +
                              excerpt(r.body) + "; check --klaviyo-url"));
    }

    // ---- sending records ----

    std::string build_body(SendJob &job) {
        std::vector<const Record *> records;
        records.reserve(job.active.size());
        for (std::size_t i : job.active)
            records.push_back(&job.records[i]);
        switch (job.endpoint) {
        case Endpoint::ProfileBulkImport:
            return profile_bulk_body(records);
        case Endpoint::EventBulkCreate:
            return event_bulk_body(records, job.groups);
        case Endpoint::ProfileImport:
            return profile_single_body(*records.front());
        case Endpoint::EventCreate:
        case Endpoint::JobGet:
        case Endpoint::JobErrors:
            break;
        }
        return event_single_body(*records.front());
    }

    void announce(SendJob &job) {
        if (job.announced)
            return;
        std::vector<const Record *> records;
        records.reserve(job.active.size());
        for (std::size_t i : job.active)
            records.push_back(&job.records[i]);
        std::lock_guard<std::mutex> lock(listener_mutex);
        listener.on_in_flight(records);
        job.announced = true;
    }

    void run_send(const std::shared_ptr<SendJob> &job, HttpsConnection &connection) {
        if (job->active.empty())
            return;
        if (stopping()) {
            settle_active(*job, Outcome::Transient, "interrupted",
                          "not sent: the run stopped first");
            return;
        }
        std::string body;
        try {
            body = build_body(*job);
        } catch (const std::invalid_argument &e) {
            settle_active(*job, Outcome::Failed, "invalid_event", e.what());
            return;
        }
        announce(*job);
        Pacer::Slot slot;
        bool interrupted = false;
        const bool retry = job->attempts + job->throttled_attempts + job->bot_attempts > 0;
        HttpResult result = exchange(connection, job->endpoint, "POST", target_of(job->endpoint),
                                     body, retry, slot, interrupted);
        body.clear();
        body.shrink_to_fit();
        if (interrupted) {
            settle_active(*job, Outcome::Transient, "interrupted",
                          "not sent: the run stopped first");
            return;
        }
        if (is_tls(result.failure)) {
            settle_active(*job, Outcome::Transient, "tls", "TLS verification failed");
            tls_failure(result);
        }
        if (result.failure == FailureKind::Network) {
            ++job->attempts;
            retry_later(job, "network", result.error, backoff(job->attempts), job->attempts,
                        options.max_attempts);
            return;
        }
        handle_response(job, result.response);
    }

    void handle_response(const std::shared_ptr<SendJob> &job, const HttpResponse &r) {
        std::optional<std::vector<ApiError>> errors;
        if (r.status >= 300)
            errors = parse_api_errors(r.body);
        const StatusClass cls =
            classify_status(r.status, errors.has_value(), r.has_header("cf-mitigated"));
        const std::string what =
            "HTTP " + std::to_string(r.status) +
            (errors && !errors->empty() ? " " + errors->front().code + ": " + errors->front().detail
                                        : std::string());
        switch (cls) {
        case StatusClass::Success:
            delivered(job, r);
            return;
        case StatusClass::Throttled: {
            ++job->throttled_attempts;
            const milliseconds wait = throttle_wait(r, errors, job->throttled_attempts);
            pacer.on_throttled(job->endpoint, Clock::now(), wait);
            retry_later(job, "throttled", what, wait, job->throttled_attempts,
                        options.max_attempts * 4);
            return;
        }
        case StatusClass::ServerError:
            ++job->attempts;
            retry_later(job, http_code(r.status), errors ? what : what + " " + excerpt(r.body, 80),
                        backoff(job->attempts), job->attempts, options.max_attempts);
            return;
        case StatusClass::BotChallenge:
            ++job->bot_attempts;
            if (job->bot_attempts < options.bot_challenge_attempts) {
                const auto delay =
                    options.bot_challenge_delay * (1 << std::min(job->bot_attempts - 1, 6));
                schedule(Task{job, nullptr}, Clock::now() + delay);
                return;
            }
            settle_active(*job, Outcome::Transient, "bot_challenge",
                          "Klaviyo's edge answered with a bot challenge (HTTP 403)");
            bot_failure(job->endpoint, job->bot_attempts);
        case StatusClass::Unauthorized:
            settle_active(*job, Outcome::Transient, "auth_error", what);
            auth_failure(job->endpoint, r.status, errors);
        case StatusClass::Gone:
            settle_active(*job, Outcome::Transient, "gone", what);
            gone_failure(job->endpoint, errors);
        case StatusClass::TooLarge:
        case StatusClass::RecordError:
            attribute(job, r.status, errors ? *errors : std::vector<ApiError>{});
            return;
        case StatusClass::Unexpected:
            settle_active(*job, Outcome::Transient, http_code(r.status), what);
            unexpected_failure(job->endpoint, r);
        }
    }

    void retry_later(const std::shared_ptr<SendJob> &job,
                     const std::string &code,
                     const std::string &what,
                     milliseconds delay,
                     int attempts,
                     int max) {
        const auto at = Clock::now() + delay;
        const char *why = nullptr;
        if (attempts >= max)
            why = "attempts";
        else if (at >= deadline)
            why = "deadline";
        else if (stopping())
            why = "stop";
        if (why == nullptr) {
            schedule(Task{job, nullptr}, at);
            return;
        }
        const std::string reason =
            std::string(why) == "attempts"
                ? "still failing after " + std::to_string(attempts) + " attempts: " + what
            : std::string(why) == "deadline" ? "run deadline reached; last error: " + what
                                             : "the run stopped; last error: " + what;
        const std::size_t n = job->active.size();
        settle_active(*job, Outcome::Transient, code, reason);
        if (std::string(why) != "stop")
            notice(std::string(endpoint_name(job->endpoint)) + ": " + std::to_string(n) +
                   " record(s) left for the next run, " + reason);
    }

    void delivered(const std::shared_ptr<SendJob> &job, const HttpResponse &r) {
        if (job->endpoint != Endpoint::ProfileBulkImport) {
            settle_active(*job, Outcome::Sent, "", "");
            return;
        }
        const auto status = parse_job_status(r.body);
        if (!status) {
            const std::size_t n = job->active.size();
            settle_active(*job, Outcome::Transient, "no_job_id",
                          "Klaviyo accepted the import job without returning its id");
            notice("POST /api/profile-bulk-import-jobs answered " + std::to_string(r.status) +
                   " without a job id; " + std::to_string(n) +
                   " record(s) left for the next run: " + excerpt(r.body));
            return;
        }
        auto poll = std::make_shared<PollJob>();
        poll->id = status->id;
        poll->ordered = true;
        poll->interval = options.job_poll_interval;
        {
            std::lock_guard<std::mutex> lock(listener_mutex);
            for (std::size_t i : job->active) {
                job->settled[i] = true;
                poll->index_of.emplace(job->records[i].key, poll->keys.size());
                poll->keys.push_back(job->records[i].key);
            }
            listener.on_job_submitted(poll->id, poll->keys);
        }
        job->active.clear();
        schedule(Task{nullptr, poll}, Clock::now() + poll->interval);
    }

    /// A 400/413/422 (or another JSON 4xx) on a request: fail the records the pointers name,
    /// resend the rest; without usable pointers split the batch until the culprit is alone.
    void attribute(const std::shared_ptr<SendJob> &job,
                   int status,
                   const std::vector<ApiError> &errors) {
        const std::string code = errors.empty() ? (status == 413 ? "too_large" : http_code(status))
                                                : errors.front().code;
        if (is_single(job->endpoint) || job->active.size() == 1) {
            std::string message;
            for (const auto &e : errors)
                message += (message.empty() ? "" : "; ") + describe_error(e, "");
            if (message.empty())
                message = status == 413
                              ? "the record is larger than Klaviyo accepts (HTTP 413)"
                              : "Klaviyo refused the record (HTTP " + std::to_string(status) + ")";
            settle_active(*job, Outcome::Failed, code.empty() ? http_code(status) : code, message);
            return;
        }
        // Position in `active` -> (code, message).
        std::map<std::size_t, std::pair<std::string, std::string>> hits;
        auto hit = [&](std::size_t pos, const ApiError &e, const std::string &field) {
            auto &slot = hits[pos];
            if (slot.first.empty())
                slot.first = e.code.empty() ? http_code(status) : e.code;
            slot.second += (slot.second.empty() ? "" : "; ") + describe_error(e, field);
        };
        for (const auto &e : errors) {
            if (job->endpoint == Endpoint::ProfileBulkImport) {
                const auto t = locate_pointer(e.pointer, profiles_items_pointer);
                if (t && t->item < job->active.size())
                    hit(t->item, e, t->field);
            } else {
                const auto t =
                    locate_pointer(e.pointer, event_groups_pointer, group_events_pointer);
                if (!t || t->item >= job->groups.size())
                    continue;
                const auto &group = job->groups[t->item];
                if (t->sub && *t->sub < group.size())
                    hit(group[*t->sub], e, t->field);
                else if (!t->sub)
                    for (std::size_t pos : group)
                        hit(pos, e, "profile " + t->field);
            }
        }
        if (hits.empty()) {
            split(job);
            return;
        }
        std::vector<std::size_t> rest;
        for (std::size_t pos = 0; pos < job->active.size(); ++pos) {
            const auto it = hits.find(pos);
            if (it == hits.end()) {
                rest.push_back(job->active[pos]);
                continue;
            }
            settle(*job, {job->active[pos]}, Outcome::Failed, it->second.first, it->second.second);
        }
        job->active = std::move(rest);
        if (!job->active.empty())
            schedule(Task{job, nullptr}, Clock::now());
    }

    void split(const std::shared_ptr<SendJob> &job) {
        const std::size_t half = job->active.size() / 2;
        for (int part = 0; part < 2; ++part) {
            auto piece = std::make_shared<SendJob>();
            piece->endpoint = job->endpoint;
            piece->announced = true;
            const std::size_t from = part == 0 ? 0 : half;
            const std::size_t to = part == 0 ? half : job->active.size();
            for (std::size_t pos = from; pos < to; ++pos)
                piece->records.push_back(std::move(job->records[job->active[pos]]));
            piece->active.resize(piece->records.size());
            for (std::size_t i = 0; i < piece->active.size(); ++i)
                piece->active[i] = i;
            piece->settled.assign(piece->records.size(), false);
            schedule(Task{piece, nullptr}, Clock::now());
        }
        std::lock_guard<std::mutex> lock(listener_mutex);
        for (std::size_t i : job->active)
            job->settled[i] = true; // handed over to the pieces
        job->active.clear();
    }

    // ---- following bulk profile jobs ----

    std::string job_target(const PollJob &job) const {
        std::string id;
        Poco::URI::encode(job.id, "/?#%&+ ", id);
        return server.path_prefix + "/api/profile-bulk-import-jobs/" + id;
    }

    void leave_job(const PollJob &job, const std::string &why) {
        notice("bulk import job " + job.id + " (" + std::to_string(job.keys.size()) +
               " records) is not finished: " + why + "; the next run finishes it");
    }

    void run_poll(const std::shared_ptr<PollJob> &job, HttpsConnection &connection) {
        if (stopping()) {
            leave_job(*job, "the run stopped");
            return;
        }
        if (Clock::now() >= deadline) {
            leave_job(*job, "the run deadline was reached");
            return;
        }
        const Endpoint endpoint = job->reading_errors ? Endpoint::JobErrors : Endpoint::JobGet;
        std::string target_path = job->reading_errors ? job->errors_target : job_target(*job);
        Pacer::Slot slot;
        bool interrupted = false;
        HttpResult result = exchange(connection, endpoint, "GET", target_path, "",
                                     job->failed_polls > 0, slot, interrupted);
        if (interrupted) {
            leave_job(*job, "the run stopped");
            return;
        }
        if (is_tls(result.failure))
            tls_failure(result);
        if (result.failure == FailureKind::Network) {
            poll_failed(job, result.error, backoff(job->failed_polls + 1));
            return;
        }
        const HttpResponse &r = result.response;
        std::optional<std::vector<ApiError>> errors;
        if (r.status >= 300)
            errors = parse_api_errors(r.body);
        switch (classify_status(r.status, errors.has_value(), r.has_header("cf-mitigated"))) {
        case StatusClass::Success:
            break;
        case StatusClass::Throttled: {
            const milliseconds wait = throttle_wait(r, errors, job->failed_polls + 1);
            pacer.on_throttled(endpoint, Clock::now(), wait);
            schedule(Task{nullptr, job}, Clock::now() + wait);
            return;
        }
        case StatusClass::ServerError:
            poll_failed(job, "HTTP " + std::to_string(r.status), backoff(job->failed_polls + 1));
            return;
        case StatusClass::BotChallenge:
            if (++job->bot_attempts < options.bot_challenge_attempts) {
                schedule(Task{nullptr, job},
                         Clock::now() + options.bot_challenge_delay *
                                            (1 << std::min(job->bot_attempts - 1, 6)));
                return;
            }
            bot_failure(endpoint, job->bot_attempts);
        case StatusClass::Unauthorized:
            auth_failure(endpoint, r.status, errors);
        case StatusClass::Gone:
            gone_failure(endpoint, errors);
        case StatusClass::TooLarge:
        case StatusClass::RecordError:
        case StatusClass::Unexpected:
            if (r.status == 404) {
                job_unknown(*job);
                return;
            }
            leave_job(*job, clean("HTTP " + std::to_string(r.status) + " " + excerpt(r.body)));
            return;
        }
        job->failed_polls = 0;
        if (!job->reading_errors) {
            const auto status = parse_job_status(r.body);
            if (!status) {
                poll_failed(job, "an unreadable job document: " + excerpt(r.body),
                            backoff(job->failed_polls + 1));
                return;
            }
            job->status = *status;
            if (!status->finished()) {
                schedule(Task{nullptr, job}, Clock::now() + job->interval);
                job->interval = std::min(options.job_poll_max_interval,
                                         milliseconds(job->interval.count() * 3 / 2));
                return;
            }
            job->reading_errors = true;
            job->errors_target = job_target(*job) + "/import-errors?page%5Bsize%5D=100";
            schedule(Task{nullptr, job}, Clock::now());
            return;
        }
        const auto page = parse_import_errors(r.body);
        if (!page) {
            poll_failed(job, "an unreadable import-errors page: " + excerpt(r.body),
                        backoff(job->failed_polls + 1));
            return;
        }
        for (const auto &e : page->errors)
            record_import_error(*job, e);
        if (!page->next.empty()) {
            job->errors_target = next_target(page->next);
            schedule(Task{nullptr, job}, Clock::now());
            return;
        }
        complete_job(*job);
    }

    std::string next_target(const std::string &next) const {
        try {
            const Poco::URI uri(next);
            std::string path = uri.getPathEtc();
            if (!server.path_prefix.empty() && path.rfind(server.path_prefix, 0) != 0)
                path = server.path_prefix + path;
            return path;
        } catch (const std::exception &) {
            return next;
        }
    }

    void
    poll_failed(const std::shared_ptr<PollJob> &job, const std::string &what, milliseconds delay) {
        ++job->failed_polls;
        if (job->failed_polls >= options.max_attempts || Clock::now() + delay >= deadline) {
            leave_job(*job, "following it failed " + std::to_string(job->failed_polls) +
                                " times (" + what + ")");
            return;
        }
        schedule(Task{nullptr, job}, Clock::now() + delay);
    }

    void record_import_error(PollJob &job, const ImportError &e) {
        std::optional<std::size_t> index;
        std::string field;
        if (const auto it = job.index_of.find(e.key); !e.key.empty() && it != job.index_of.end())
            index = it->second;
        const auto t = locate_pointer(e.error.pointer, profiles_items_pointer);
        if (t)
            field = t->field;
        if (!index && job.ordered && t && t->item < job.keys.size())
            index = t->item;
        if (!index) {
            ++job.unmatched;
            notice("bulk import job " + job.id + " reported an error that matches none of its " +
                   "records: " + e.error.code + ": " + e.error.detail);
            return;
        }
        auto &outcome = job.failures[*index];
        outcome.key = job.keys[*index];
        outcome.outcome = Outcome::Failed;
        if (outcome.code.empty())
            outcome.code = e.error.code.empty() ? "import_error" : e.error.code;
        const std::string message = clean(describe_error(e.error, field));
        outcome.message += (outcome.message.empty() ? "" : "; ") + message;
    }

    void job_unknown(const PollJob &job) {
        std::vector<RecordOutcome> outcomes;
        for (const auto &key : job.keys)
            outcomes.push_back({key, Outcome::Transient, "job_not_found",
                                "Klaviyo no longer knows bulk import job " + job.id +
                                    "; the record is sent again"});
        std::lock_guard<std::mutex> lock(listener_mutex);
        listener.on_notice("bulk import job " + job.id + " is unknown to Klaviyo (HTTP 404); its " +
                           std::to_string(job.keys.size()) + " record(s) are sent again next run");
        listener.on_outcomes(outcomes);
        listener.on_job_finished(job.id);
    }

    void complete_job(PollJob &job) {
        const JobStatus &s = job.status;
        const auto sent = static_cast<long>(job.keys.size());
        std::string doubt;
        if (s.status == "cancelled")
            doubt = "Klaviyo cancelled the job";
        else if (s.total_count >= 0 && s.total_count != sent)
            doubt = "it reported total_count " + std::to_string(s.total_count) + " of " +
                    std::to_string(sent) + " sent";
        else if (s.failed_count > static_cast<long>(job.failures.size()))
            doubt = "it reported failed_count " + std::to_string(s.failed_count) + " but " +
                    std::to_string(job.failures.size()) + " import error(s) matched a record";
        else if (job.unmatched > 0)
            doubt = std::to_string(job.unmatched) + " import error(s) matched no record";
        std::vector<RecordOutcome> outcomes;
        outcomes.reserve(job.keys.size());
        std::size_t left = 0;
        for (std::size_t i = 0; i < job.keys.size(); ++i) {
            const auto it = job.failures.find(i);
            if (it != job.failures.end()) {
                outcomes.push_back(it->second);
            } else if (doubt.empty()) {
                outcomes.push_back({job.keys[i], Outcome::Sent, "", ""});
            } else {
                ++left;
                outcomes.push_back({job.keys[i], Outcome::Transient, "job_unaccounted",
                                    "bulk import job " + job.id + " did not account for it (" +
                                        doubt + "); it is sent again"});
            }
        }
        std::lock_guard<std::mutex> lock(listener_mutex);
        if (!doubt.empty())
            listener.on_notice(clean("bulk import job " + job.id + ": " + doubt + "; " +
                                     std::to_string(left) +
                                     " record(s) without an import error are sent again"));
        listener.on_outcomes(outcomes);
        listener.on_job_finished(job.id);
    }

    // ---- public operations ----

    void rethrow_if_failed() {
        std::exception_ptr error;
        {
            std::lock_guard<std::mutex> lock(mutex);
            error = fatal;
        }
        if (!error)
            return;
        shut_down(options.stop_grace);
        std::rethrow_exception(error);
    }

    void send(const Record &record) {
        rethrow_if_failed();
        if (stop_requested()) {
            std::lock_guard<std::mutex> lock(listener_mutex);
            listener.on_outcomes({{record.key, Outcome::Transient, "interrupted",
                                   "not sent: the run stopped first"}});
            return;
        }
        if (options.api_mode == ApiMode::Single) {
            enqueue_send(make_job({record}));
            return;
        }
        Batcher::Output out = batcher.add(record);
        dispatch(std::move(out));
    }

    std::shared_ptr<SendJob> make_job(std::vector<Record> records) {
        auto job = std::make_shared<SendJob>();
        job->endpoint = send_endpoint();
        job->records = std::move(records);
        job->active.resize(job->records.size());
        for (std::size_t i = 0; i < job->active.size(); ++i)
            job->active[i] = i;
        job->settled.assign(job->records.size(), false);
        return job;
    }

    void dispatch(Batcher::Output out) {
        if (!out.too_large.empty()) {
            const auto limit = batch_limits(options, target).max_bytes;
            std::vector<RecordOutcome> outcomes;
            for (const Record &r : out.too_large)
                outcomes.push_back({r.key, Outcome::Failed, "too_large",
                                    "the record needs more than " + std::to_string(limit) +
                                        " bytes, over what one Klaviyo request accepts"});
            std::lock_guard<std::mutex> lock(listener_mutex);
            listener.on_outcomes(outcomes);
        }
        for (auto &batch : out.batches)
            enqueue_send(make_job(std::move(batch)));
    }

    void resume_job(const std::string &job_id, const std::vector<std::string> &keys) {
        rethrow_if_failed();
        auto poll = std::make_shared<PollJob>();
        poll->id = job_id;
        poll->keys = keys;
        poll->ordered = false;
        poll->interval = options.job_poll_interval;
        for (std::size_t i = 0; i < keys.size(); ++i)
            poll->index_of.emplace(keys[i], i);
        schedule(Task{nullptr, poll}, Clock::now());
    }

    SinkStats finish() {
        rethrow_if_failed();
        if (!stop_requested())
            dispatch(batcher.flush());
        {
            std::unique_lock<std::mutex> lock(mutex);
            closing = true;
            cv.notify_all();
            while (!(queue.empty() && active == 0) && !aborting && !stop_requested())
                cv.wait_for(lock, milliseconds(100));
        }
        rethrow_if_failed();
        shut_down(options.stop_grace);
        rethrow_if_failed();
        std::lock_guard<std::mutex> lock(stats_mutex);
        return stats;
    }

    /// Stops the workers (after `grace` for requests in flight), then reports what is left.
    void shut_down(milliseconds grace) {
        {
            std::unique_lock<std::mutex> lock(mutex);
            if (shut)
                return;
            shut = true;
            closing = true;
            cv.notify_all();
            if (aborting || stop_requested()) {
                aborting = true;
                cv.wait_for(lock, grace, [this] { return active == 0; });
            }
        }
        stop_workers(grace);
        report_leftovers();
    }

    void stop_workers(milliseconds grace) {
        bool interrupt = false;
        {
            std::unique_lock<std::mutex> lock(mutex);
            if (grace.count() == 0)
                aborting = true;
            interrupt = aborting;
            cv.notify_all();
        }
        if (interrupt)
            for (auto &c : connections)
                c->interrupt();
        for (auto &w : workers)
            if (w.joinable())
                w.join();
    }

    void report_leftovers() {
        std::multimap<std::pair<Clock::time_point, std::uint64_t>, Task> left;
        {
            std::lock_guard<std::mutex> lock(mutex);
            left.swap(queue);
            queued_sends = 0;
        }
        for (auto &[when, task] : left) {
            if (task.send)
                settle_active(*task.send, Outcome::Transient, "interrupted",
                              "not sent: the run stopped first");
            else
                leave_job(*task.poll, "the run stopped");
        }
        Batcher::Output rest = batcher.flush();
        std::vector<RecordOutcome> outcomes;
        for (auto &batch : rest.batches)
            for (const Record &r : batch)
                outcomes.push_back(
                    {r.key, Outcome::Transient, "interrupted", "not sent: the run stopped first"});
        for (const Record &r : rest.too_large)
            outcomes.push_back(
                {r.key, Outcome::Transient, "interrupted", "not sent: the run stopped first"});
        if (!outcomes.empty()) {
            std::lock_guard<std::mutex> lock(listener_mutex);
            listener.on_outcomes(outcomes);
        }
    }

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
    bool closing = false;
    bool aborting = false;
    bool shut = false;
    std::exception_ptr fatal;

    std::mutex listener_mutex; ///< serialises listener calls and the settled flags
    std::mutex stats_mutex;
    SinkStats stats;
    std::mutex rng_mutex;
    std::mt19937_64 rng;

    std::vector<std::unique_ptr<HttpsConnection>> connections;
    std::vector<std::thread> workers;
};

KlaviyoClient::KlaviyoClient(ClientOptions options,
                             connector::Target target,
                             connector::DeliveryListener &listener)
    : impl_(std::make_unique<Impl>(std::move(options), target, listener)) {}

KlaviyoClient::~KlaviyoClient() = default;

void KlaviyoClient::send(const connector::Record &record) {
    impl_->send(record);
}

void KlaviyoClient::resume_job(const std::string &job_id, const std::vector<std::string> &keys) {
    impl_->resume_job(job_id, keys);
}

connector::SinkStats KlaviyoClient::finish() {
    return impl_->finish();
}

} // namespace connector::klaviyo
