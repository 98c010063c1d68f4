#include "delivery_recorder.hpp"

#include <utility>

namespace connector::sync {

namespace {

// Transient records remembered per run for settle_transient (a few MB at most).
constexpr std::size_t max_tracked_transient = 100000;

const std::string &reason_of(const RecordOutcome &outcome) {
    static const std::string unknown = "unknown";
    return outcome.code.empty() ? unknown : outcome.code;
}

void count(ReasonMap &reasons,
           const RecordOutcome &outcome,
           std::size_t max_examples,
           bool &first_examples) {
    ReasonCount &reason = reasons[reason_of(outcome)];
    ++reason.count;
    first_examples = reason.examples.size() < max_examples;
    if (first_examples)
        reason.examples.push_back(Example{0, outcome.key, {}, outcome.message});
}

} // namespace

DeliveryRecorder::DeliveryRecorder(Ledger &ledger, RunObserver *observer, std::size_t max_examples)
    : ledger_(ledger), observer_(observer), max_examples_(max_examples) {}

template <typename F> void DeliveryRecorder::guarded(F &&write) {
    try {
        write();
    } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (!ledger_error_)
            ledger_error_ = std::current_exception();
        throw;
    }
}

void DeliveryRecorder::log(LogLevel level,
                           const std::string &event,
                           const std::string &message,
                           std::vector<LogField> fields) {
    if (observer_)
        observer_->on_event(LogEvent{level, event, message, std::move(fields)});
}

void DeliveryRecorder::on_in_flight(const std::vector<const Record *> &records) {
    guarded([&] { ledger_.on_in_flight(records); });
}

void DeliveryRecorder::on_job_submitted(const std::string &job_id,
                                        const std::vector<std::string> &keys) {
    guarded([&] { ledger_.on_job_submitted(job_id, keys); });
    log(LogLevel::Debug, "job_submitted",
        "bulk job " + job_id + " accepted with " + std::to_string(keys.size()) + " records",
        {field("job_id", job_id), field("records", static_cast<std::uint64_t>(keys.size()))});
}

void DeliveryRecorder::on_job_finished(const std::string &job_id) {
    guarded([&] { ledger_.on_job_finished(job_id); });
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++totals_.jobs_finished;
    }
    log(LogLevel::Debug, "job_finished", "bulk job " + job_id + " finished",
        {field("job_id", job_id)});
}

void DeliveryRecorder::on_outcomes(const std::vector<RecordOutcome> &outcomes) {
    std::vector<bool> aside;
    guarded([&] { aside = ledger_.record_outcomes(outcomes); });
    std::vector<LogEvent> events;
    std::uint64_t sent = 0;
    std::uint64_t counted = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (std::size_t i = 0; i < outcomes.size(); ++i) {
            if (i < aside.size() && aside[i])
                continue; // about an older version of the record, sent again since
            const RecordOutcome &o = outcomes[i];
            ++counted;
            bool first = false;
            if (!transient_keys_.empty())
                settle_transient(o);
            switch (o.outcome) {
            case Outcome::Sent:
                ++totals_.sent;
                ++sent;
                break;
            case Outcome::Failed:
                ++totals_.failed;
                count(totals_.failed_by_reason, o, max_examples_, first);
                events.push_back(
                    LogEvent{first ? LogLevel::Warning : LogLevel::Debug,
                             "record_failed",
                             "Klaviyo refused record " + o.key + " (" + o.code + "): " + o.message,
                             {field("key", o.key), field("code", o.code)}});
                break;
            case Outcome::Transient:
                ++totals_.transient;
                count(totals_.transient_by_reason, o, max_examples_, first);
                if (transient_keys_.size() < max_tracked_transient)
                    transient_keys_.emplace(std::hash<std::string>{}(o.key), reason_of(o));
                events.push_back(
                    LogEvent{first ? LogLevel::Warning : LogLevel::Debug,
                             "record_transient",
                             "record " + o.key + " not delivered (" + o.code +
                                 (o.code == "job_not_found" ? "): " // sent again, maybe in this run
                                                            : "), left for the next run: ") +
                                 o.message,
                             {field("key", o.key), field("code", o.code)}});
                break;
            }
        }
    }
    sent_ += sent;
    done_ += counted;
    if (observer_)
        for (const LogEvent &e : events)
            observer_->on_event(e);
}

void DeliveryRecorder::settle_transient(const RecordOutcome &outcome) {
    const auto it = transient_keys_.find(std::hash<std::string>{}(outcome.key));
    if (it == transient_keys_.end())
        return;
    --totals_.transient;
    const auto reason = totals_.transient_by_reason.find(it->second);
    if (reason != totals_.transient_by_reason.end()) {
        std::vector<Example> &examples = reason->second.examples;
        for (auto e = examples.begin(); e != examples.end(); ++e) {
            if (e->key == outcome.key) {
                examples.erase(e);
                break;
            }
        }
        if (--reason->second.count == 0)
            totals_.transient_by_reason.erase(reason);
    }
    transient_keys_.erase(it);
}

void DeliveryRecorder::on_notice(const std::string &message) {
    guarded([&] { ledger_.on_notice(message); });
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++totals_.notices;
    }
    log(LogLevel::Warning, "klaviyo_notice", message);
}

void DeliveryRecorder::reset(std::size_t max_examples) {
    std::lock_guard<std::mutex> lock(mutex_);
    max_examples_ = max_examples;
    totals_ = DeliveryTotals{};
    transient_keys_.clear();
    ledger_error_ = nullptr;
    done_ = 0;
    sent_ = 0;
}

DeliveryTotals DeliveryRecorder::totals() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return totals_;
}

std::exception_ptr DeliveryRecorder::ledger_error() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return ledger_error_;
}

} // namespace connector::sync
