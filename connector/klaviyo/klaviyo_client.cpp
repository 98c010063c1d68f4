// KlaviyoClient: public operations, worker threads, the task queue and listener calls.
#include "client_impl.hpp"
#include "core/error.hpp"
#include "core/interrupt.hpp"
#include "retry_policy.hpp"

#include <algorithm>
#include <regex>
#include <stdexcept>

#ifndef CONNECTOR_VERSION
#define CONNECTOR_VERSION "0.0.0"
#endif

namespace connector::klaviyo {

namespace {

/// The settings that need neither the network nor the key.
void check_values(const ClientOptions &options) {
    static const std::regex revision_format(R"(\d{4}-\d{2}-\d{2}(\.[A-Za-z0-9]+)?)");
    if (!std::regex_match(options.revision, revision_format))
        throw ConfigError("--revision must look like 2026-07-15 (or 2026-07-15.pre), not '" +
                          options.revision + "'");
    if (options.concurrency < 1 || options.concurrency > 64)
        throw ConfigError("--concurrency must be between 1 and 64, not " +
                          std::to_string(options.concurrency));
    if (options.max_attempts < 1)
        throw ConfigError("the maximum number of attempts must be at least 1");
}

} // namespace

void check_settings(const ClientOptions &options) {
    parse_base_url(options.base_url);
    const TlsContext tls(options.ca_file);
    check_values(options);
}

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

KlaviyoClient::Impl::Impl(ClientOptions opts, Target tgt, DeliveryListener &l)
    : options(std::move(opts)), target(tgt), listener(l), server(parse_base_url(options.base_url)),
      tls(options.ca_file), pacer(options.pacing), batcher(tgt, batch_limits(options, tgt)),
      started(Clock::now()), deadline(started + options.run_deadline), rng(std::random_device()()) {
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
    const Timeouts timeouts{options.connect_timeout, options.send_timeout, options.receive_timeout};
    for (int i = 0; i < options.concurrency; ++i)
        connections.push_back(std::make_unique<HttpsConnection>(tls, server, timeouts));
    for (int i = 0; i < options.concurrency; ++i)
        workers.emplace_back([this, i] { work(*connections[static_cast<std::size_t>(i)]); });
}

KlaviyoClient::Impl::~Impl() {
    stop_workers(milliseconds(0));
}

BatchLimits KlaviyoClient::Impl::batch_limits(const ClientOptions &o, Target t) {
    BatchLimits limits = bulk_limits(t);
    if (o.max_batch_records)
        limits.max_records = std::min(limits.max_records, o.max_batch_records);
    if (o.max_batch_bytes)
        limits.max_bytes = std::min(limits.max_bytes, o.max_batch_bytes);
    return limits;
}

void KlaviyoClient::Impl::validate() const {
    if (options.api_key.empty())
        throw ConfigError("no Klaviyo API key given to the client");
    for (unsigned char c : options.api_key)
        if (c <= 0x20 || c >= 0x7f)
            throw ConfigError("the Klaviyo API key from " + options.api_key_source +
                              " contains whitespace or characters a header cannot carry");
    check_values(options);
}

Endpoint KlaviyoClient::Impl::send_endpoint() const {
    if (target == Target::Profiles)
        return options.api_mode == ApiMode::Bulk ? Endpoint::ProfileBulkImport
                                                 : Endpoint::ProfileImport;
    return options.api_mode == ApiMode::Bulk ? Endpoint::EventBulkCreate : Endpoint::EventCreate;
}

std::string KlaviyoClient::Impl::clean(const std::string &text) const {
    return redact(text, options.api_key);
}

void KlaviyoClient::Impl::notice(const std::string &message) {
    std::lock_guard<std::mutex> lock(listener_mutex);
    listener.on_notice(clean(message));
}

void KlaviyoClient::Impl::settle(SendJob &job,
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

void KlaviyoClient::Impl::settle_active(SendJob &job,
                                        Outcome outcome,
                                        const std::string &code,
                                        const std::string &message) {
    settle(job, job.active, outcome, code, message);
    job.active.clear();
}

void KlaviyoClient::Impl::schedule(Task task, Clock::time_point at) {
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (task.send)
            ++queued_sends;
        queue.emplace(std::make_pair(at, ++queue_sequence), std::move(task));
    }
    cv.notify_all();
}

void KlaviyoClient::Impl::enqueue_send(std::shared_ptr<SendJob> job) {
    // A bulk request holds up to 10,000 records: two waiting behind the ones in flight keep
    // the connections busy (the next batch is built in a fraction of a request's time) without
    // holding a run's worth of records in memory. Single requests are small: a few more wait.
    const auto limit = options.api_mode == ApiMode::Single
                           ? static_cast<std::size_t>(options.concurrency + 2)
                           : std::size_t{2};
    {
        std::unique_lock<std::mutex> lock(mutex);
        while (queued_sends >= limit && !aborting && !stop_requested())
            cv.wait_for(lock, milliseconds(50));
    }
    schedule(Task{std::move(job), nullptr}, Clock::now());
}

bool KlaviyoClient::Impl::next_task(Task &task) {
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

void KlaviyoClient::Impl::work(HttpsConnection &connection) {
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

void KlaviyoClient::Impl::settle_quietly(SendJob &job) noexcept {
    try {
        settle_active(job, Outcome::Transient, "interrupted", "the run stopped first");
    } catch (...) {
    }
}

void KlaviyoClient::Impl::fail(std::exception_ptr error) {
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (!fatal)
            fatal = error;
        aborting = true;
    }
    cv.notify_all();
}

bool KlaviyoClient::Impl::stopping() {
    std::lock_guard<std::mutex> lock(mutex);
    return aborting || stop_requested();
}

bool KlaviyoClient::Impl::sleep_until(Clock::time_point at) {
    std::unique_lock<std::mutex> lock(mutex);
    while (Clock::now() < at) {
        if (aborting || stop_requested())
            return false;
        cv.wait_until(lock, std::min(at, Clock::now() + milliseconds(50)));
    }
    return !(aborting || stop_requested());
}

double KlaviyoClient::Impl::random_unit() {
    std::lock_guard<std::mutex> lock(rng_mutex);
    return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

milliseconds KlaviyoClient::Impl::backoff(int retry) {
    return full_jitter_backoff(retry, options.backoff_base, options.backoff_cap, random_unit());
}

void KlaviyoClient::Impl::rethrow_if_failed() {
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

void KlaviyoClient::Impl::send(const Record &record) {
    rethrow_if_failed();
    if (stop_requested()) {
        std::lock_guard<std::mutex> lock(listener_mutex);
        listener.on_outcomes(
            {{record.key, Outcome::Transient, "interrupted", "not sent: the run stopped first"}});
        return;
    }
    if (options.api_mode == ApiMode::Single) {
        enqueue_send(make_job({record}));
        return;
    }
    Batcher::Output out = batcher.add(record);
    dispatch(std::move(out));
}

std::shared_ptr<SendJob> KlaviyoClient::Impl::make_job(std::vector<Record> records) {
    auto job = std::make_shared<SendJob>();
    job->endpoint = send_endpoint();
    job->records = std::move(records);
    job->active.resize(job->records.size());
    for (std::size_t i = 0; i < job->active.size(); ++i)
        job->active[i] = i;
    job->settled.assign(job->records.size(), false);
    return job;
}

void KlaviyoClient::Impl::dispatch(Batcher::Output out) {
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

void KlaviyoClient::Impl::resume_job(const std::string &job_id,
                                     const std::vector<std::string> &keys) {
    rethrow_if_failed();
    auto poll = std::make_shared<PollJob>();
    poll->id = job_id;
    poll->keys = keys;
    poll->ordered = false;
    poll->interval = options.job_poll_interval;
    {
        std::lock_guard<std::mutex> lock(mutex);
        resumed.push_back(poll);
    }
    schedule(Task{nullptr, poll}, Clock::now());
}

void KlaviyoClient::Impl::wait_resumed(milliseconds at_most) {
    const auto until = Clock::now() + at_most;
    {
        // A worker drops its task (the last reference to a finished job) before it notifies.
        std::unique_lock<std::mutex> lock(mutex);
        auto polling = [this] {
            return std::any_of(resumed.begin(), resumed.end(),
                               [](const std::weak_ptr<PollJob> &job) { return !job.expired(); });
        };
        while (polling() && !aborting && !stop_requested() && Clock::now() < until)
            cv.wait_until(lock, std::min(until, Clock::now() + milliseconds(100)));
        resumed.clear();
    }
    rethrow_if_failed();
}

SinkStats KlaviyoClient::Impl::finish() {
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
    SinkStats out = stats;
    // Not one answer, of any status: a wrong --klaviyo-url, DNS or a firewall rather than a
    // Klaviyo having a bad day, and retrying tomorrow will not help.
    const bool answered =
        std::any_of(stats.responses_by_status.begin(), stats.responses_by_status.end(),
                    [](const auto &entry) { return entry.first != 0; });
    if (!answered && !last_transport_error.empty())
        out.unreachable =
            clean("could not reach Klaviyo at " + options.base_url + ": " + last_transport_error);
    return out;
}

void KlaviyoClient::Impl::shut_down(milliseconds grace) {
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

void KlaviyoClient::Impl::stop_workers(milliseconds grace) {
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

void KlaviyoClient::Impl::report_leftovers() {
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

void KlaviyoClient::wait_resumed(std::chrono::milliseconds at_most) {
    impl_->wait_resumed(at_most);
}

connector::SinkStats KlaviyoClient::finish() {
    return impl_->finish();
}

} // namespace connector::klaviyo
