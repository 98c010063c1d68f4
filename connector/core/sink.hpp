#pragma once

#include "record.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace connector {

/// What happened to one record in Klaviyo.
enum class Outcome {
    Sent,      ///< accepted (for bulk profile jobs: the job completed without an error for it)
    Failed,    ///< permanent: a 4xx naming this record; retried only when its data changes
    Transient, ///< still failing after the in-run retries (429/5xx/network); next run resends it
};

/// "sent" / "failed" / "transient".
const char *to_string(Outcome o) noexcept;

/// The outcome of one record, with Klaviyo's own words when it failed.
struct RecordOutcome {
    std::string key;
    Outcome outcome = Outcome::Sent;
    std::string
        code; ///< Klaviyo's error code ("invalid", "duplicate_profile") or ours ("http_503")
    std::string message; ///< Klaviyo's detail, never containing the API key
};

/// Receives the life of every record from the sink. The sink calls these from any of its
/// threads, but never two at once. Implemented by the sync, which writes them to the ledger.
class DeliveryListener {
  public:
    virtual ~DeliveryListener() = default;
    /// Called before the request carrying these records leaves. Must be durable on return.
    virtual void on_in_flight(const std::vector<const Record *> &records) = 0;
    /// A bulk profile import job was accepted: these records now wait for the job.
    virtual void on_job_submitted(const std::string &job_id,
                                  const std::vector<std::string> &keys) = 0;
    /// A bulk job finished (complete or cancelled) and all its outcomes were reported.
    virtual void on_job_finished(const std::string &job_id) = 0;
    /// Final outcomes for records (in this run).
    virtual void on_outcomes(const std::vector<RecordOutcome> &outcomes) = 0;
    /// A non-fatal note for the log ("job 123 reported total_count 9998 of 10000 sent").
    virtual void on_notice(const std::string &message) = 0;
};

/// Counters for the run summary.
struct SinkStats {
    std::map<std::string, std::uint64_t> requests_by_endpoint; ///< "POST /api/events" -> n
    std::map<int, std::uint64_t> responses_by_status;          ///< 202 -> n, 429 -> n, 0 = network
    std::uint64_t throttled = 0;                               ///< 429s received
    std::uint64_t retries = 0;                                 ///< requests sent again
    std::uint64_t bytes_sent = 0;                              ///< request body bytes
    /// Set when no request got an HTTP response at all (each one failed before Klaviyo
    /// answered: refused, DNS, timeout): "could not reach Klaviyo at <url>: <the last error>".
    /// Empty once any response arrived, whatever its status.
    std::string unreachable;
};

/// Sends records to Klaviyo (the delivery port): batches, paces, retries, attributes failures.
/// Throws AuthError when Klaviyo refuses the key or the API is retired (the run must stop).
class Sink {
  public:
    virtual ~Sink() = default;
    /// Queues one record; may block while requests are in flight (back-pressure).
    virtual void send(const Record &record) = 0;
    /// Finishes a bulk profile job submitted by an earlier run: polls it, reads its import
    /// errors and reports outcomes for `keys` through the listener.
    virtual void resume_job(const std::string &job_id, const std::vector<std::string> &keys) = 0;
    /// Waits up to `at_most` for the jobs passed to resume_job to report (finished, or left open
    /// for a later run), so that what they say is in the ledger before the run diffs; returns
    /// sooner when the run stops. A job still running after that is followed as before.
    virtual void wait_resumed(std::chrono::milliseconds at_most) = 0;
    /// Sends what is queued, waits for every request and job, and returns the counters
    /// (`unreachable` set when Klaviyo never answered; the sync then fails the run).
    /// After stop is requested (see interrupt.hpp) it sends nothing new and waits only a short
    /// grace period; records not finished are reported Transient.
    virtual SinkStats finish() = 0;
};

} // namespace connector
