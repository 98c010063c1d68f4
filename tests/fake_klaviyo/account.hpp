#pragma once

#include "bulk_job.hpp"
#include "event_log.hpp"
#include "ids.hpp"
#include "profile_store.hpp"

#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace fake_klaviyo {

/// One event of a request, already validated.
struct EventInput {
    std::string metric;
    std::string service = "api";
    Json properties;
    std::optional<Poco::Timestamp> time;
    Json value;
    std::optional<std::string> value_currency;
    std::optional<std::string> unique_id;
    bool backfill = false;
};

/// Events grouped by the profile they belong to (bulk create groups them this way).
struct EventGroup {
    ProfileInput profile;
    std::vector<EventInput> events;
};

/// The simulated Klaviyo account: profiles, events and bulk import jobs behind one mutex.
/// Bulk jobs are applied lazily: every call first applies the jobs that have completed since.
/// Without `keep_records` (--store counts) nothing is stored but counts: every profile write is
/// a new profile and no event is a duplicate, so memory stays flat over any number of records.
class Account {
  public:
    Account(IdGenerator &ids, bool keep_records) : ids_(ids), keep_(keep_records) {}

    struct ImportReply {
        ProfileStore::Outcome outcome = ProfileStore::Outcome::Created;
        Json resource; ///< the profile document (Created/Updated)
        std::string conflict_id;
        std::string conflict_key;
    };
    /// POST /api/profile-import.
    ImportReply import_profile(const ProfileInput &input, const std::string &base_url);

    /// POST /api/events and /api/event-bulk-create-jobs: upserts each group's profile and records
    /// its events. Returns how many events were stored (the rest were duplicates).
    std::size_t record_events(const std::vector<EventGroup> &groups, const std::string &endpoint);

    struct JobRequest {
        std::vector<ProfileInput> profiles;
        std::vector<Json> originals;
        std::vector<std::string> list_ids;
        JobPlan plan;
        std::chrono::milliseconds delay{0};
    };
    /// POST /api/profile-bulk-import-jobs: queues a job and returns its resource.
    Json submit_job(JobRequest request, const std::string &base_url);
    /// GET /api/profile-bulk-import-jobs/{id}; nullopt when there is no such job.
    std::optional<Json> job(const std::string &id, const std::string &base_url);
    /// GET /api/profile-bulk-import-jobs (all jobs, newest first).
    Json jobs(const std::string &base_url);

    /// One page of a job's import errors: the items from `offset`, at most `size`, and whether
    /// more follow. nullopt when there is no such job.
    struct ErrorPage {
        Json items = Json::array();
        bool more = false;
        std::size_t total = 0;
    };
    std::optional<ErrorPage>
    import_errors(const std::string &id, std::size_t offset, std::size_t size);

    /// The id of the profile holding identifier `name` = `value`, if any.
    std::optional<std::string> profile_id_by(const std::string &name, const std::string &value);

    /// profiles, events, jobs and de-duplication counts. Without `full`, only the counts.
    Json state(bool full);
    /// Forgets every profile, event and job.
    void reset();

  private:
    void settle(BulkJob::Clock::time_point now);
    void apply(BulkJob &job);

    IdGenerator &ids_;
    const bool keep_;
    long long profile_writes_ = 0;  ///< counts mode: profiles written
    long long events_recorded_ = 0; ///< counts mode: events recorded
    std::mutex mutex_;
    ProfileStore profiles_;
    EventLog events_;
    std::vector<BulkJob> jobs_;
    std::unordered_map<std::string, std::size_t> job_index_;
    std::size_t unapplied_from_ = 0; ///< jobs before this index are all applied
};

} // namespace fake_klaviyo
