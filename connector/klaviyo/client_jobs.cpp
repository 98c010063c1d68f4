// KlaviyoClient: following bulk profile import jobs to their end.
#include "client_impl.hpp"
#include "request_body.hpp"
#include "retry_policy.hpp"

#include <Poco/URI.h>

#include <algorithm>

namespace connector::klaviyo {

std::string KlaviyoClient::Impl::job_target(const PollJob &job) const {
    std::string id;
    Poco::URI::encode(job.id, "/?#%&+ ", id);
    return server.path_prefix + "/api/profile-bulk-import-jobs/" + id;
}

void KlaviyoClient::Impl::leave_job(const PollJob &job, const std::string &why) {
    notice("bulk import job " + job.id + " (" + std::to_string(job.keys.size()) +
           " records) is not finished: " + why + "; the next run finishes it");
}

void KlaviyoClient::Impl::run_poll(const std::shared_ptr<PollJob> &job,
                                   HttpsConnection &connection) {
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
                     Clock::now() +
                         options.bot_challenge_delay * (1 << std::min(job->bot_attempts - 1, 6)));
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

std::string KlaviyoClient::Impl::next_target(const std::string &next) const {
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

void KlaviyoClient::Impl::poll_failed(const std::shared_ptr<PollJob> &job,
                                      const std::string &what,
                                      milliseconds delay) {
    ++job->failed_polls;
    if (job->failed_polls >= options.max_attempts || Clock::now() + delay >= deadline) {
        leave_job(*job, "following it failed " + std::to_string(job->failed_polls) + " times (" +
                            what + ")");
        return;
    }
    schedule(Task{nullptr, job}, Clock::now() + delay);
}

void KlaviyoClient::Impl::record_import_error(PollJob &job, const ImportError &e) {
    std::optional<std::size_t> index;
    std::string field;
    if (!e.key.empty())
        index = job.index_of(e.key);
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

void KlaviyoClient::Impl::job_unknown(const PollJob &job) {
    std::vector<RecordOutcome> outcomes;
    for (const auto &key : job.keys)
        outcomes.push_back(
            {key, Outcome::Transient, "job_not_found",
             "Klaviyo no longer knows bulk import job " + job.id + "; the record is sent again"});
    std::lock_guard<std::mutex> lock(listener_mutex);
    listener.on_notice("bulk import job " + job.id + " is unknown to Klaviyo (HTTP 404); its " +
                       std::to_string(job.keys.size()) +
                       " record(s) are sent again, in this run or the next");
    listener.on_outcomes(outcomes);
    listener.on_job_finished(job.id);
}

void KlaviyoClient::Impl::complete_job(PollJob &job) {
    const JobStatus &s = job.status;
    const auto sent = static_cast<long>(job.keys.size());
    // A job of an earlier run (not ordered) may have carried more records than the ledger still
    // waits for: a later run sent some again with new data and moved them to its own job. Then
    // Klaviyo's totals count them too, and an import error may name one of them.
    const bool earlier_run = !job.ordered;
    const long errors_seen = static_cast<long>(job.failures.size()) +
                             (earlier_run ? static_cast<long>(job.unmatched) : 0);
    std::string doubt;
    if (s.status == "cancelled")
        doubt = "Klaviyo cancelled the job";
    else if (s.total_count >= 0 && (earlier_run ? s.total_count < sent : s.total_count != sent))
        doubt = "it reported total_count " + std::to_string(s.total_count) + " of " +
                std::to_string(sent) + " sent";
    else if (s.failed_count > errors_seen)
        doubt = "it reported failed_count " + std::to_string(s.failed_count) + " but " +
                std::to_string(job.failures.size()) + " import error(s) matched a record";
    else if (job.unmatched > 0 && !earlier_run)
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
                                "bulk import job " + job.id + " did not account for it (" + doubt +
                                    "); it is sent again"});
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

} // namespace connector::klaviyo
