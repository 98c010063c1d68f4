// KlaviyoClient: sending records and attributing what Klaviyo refused.
#include "client_impl.hpp"
#include "request_body.hpp"
#include "retry_policy.hpp"

#include <algorithm>
#include <stdexcept>

namespace connector::klaviyo {

std::string KlaviyoClient::Impl::build_body(SendJob &job) {
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

void KlaviyoClient::Impl::announce(SendJob &job) {
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

void KlaviyoClient::Impl::run_send(const std::shared_ptr<SendJob> &job,
                                   HttpsConnection &connection) {
    if (job->active.empty())
        return;
    if (stopping()) {
        settle_active(*job, Outcome::Transient, "interrupted", "not sent: the run stopped first");
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
    HttpResult result = exchange(connection, job->endpoint, "POST", target_of(job->endpoint), body,
                                 retry, slot, interrupted);
    body.clear();
    body.shrink_to_fit();
    if (interrupted) {
        settle_active(*job, Outcome::Transient, "interrupted", "not sent: the run stopped first");
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

void KlaviyoClient::Impl::handle_response(const std::shared_ptr<SendJob> &job,
                                          const HttpResponse &r) {
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
        if (errors)
            for (const ApiError &e : *errors)
                if (!e.parameter.empty() && e.pointer.empty()) {
                    // A header or query parameter (the revision): no record is at fault.
                    settle_active(*job, Outcome::Transient, http_code(r.status), what);
                    parameter_failure(job->endpoint, e);
                }
        attribute(job, r.status, errors ? *errors : std::vector<ApiError>{});
        return;
    case StatusClass::Unexpected:
        settle_active(*job, Outcome::Transient, http_code(r.status), what);
        unexpected_failure(job->endpoint, r);
    }
}

void KlaviyoClient::Impl::retry_later(const std::shared_ptr<SendJob> &job,
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

void KlaviyoClient::Impl::delivered(const std::shared_ptr<SendJob> &job, const HttpResponse &r) {
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
            poll->keys.push_back(job->records[i].key);
        }
        listener.on_job_submitted(poll->id, poll->keys);
    }
    job->active.clear();
    schedule(Task{nullptr, poll}, Clock::now() + poll->interval);
}

void KlaviyoClient::Impl::attribute(const std::shared_ptr<SendJob> &job,
                                    int status,
                                    const std::vector<ApiError> &errors) {
    const std::string code =
        errors.empty() ? (status == 413 ? "too_large" : http_code(status)) : errors.front().code;
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
            const auto t = locate_pointer(e.pointer, event_groups_pointer, group_events_pointer);
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

void KlaviyoClient::Impl::split(const std::shared_ptr<SendJob> &job) {
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

} // namespace connector::klaviyo
