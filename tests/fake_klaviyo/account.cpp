#include "account.hpp"

#include "json_util.hpp"

namespace fake_klaviyo {

namespace {
std::string profiles_pointer(std::size_t index) {
    return "/data/attributes/profiles/data/" + std::to_string(index);
}
} // namespace

void Account::settle(BulkJob::Clock::time_point now) {
    // Jobs complete in submission order (the delay is the same for all of them).
    while (unapplied_from_ < jobs_.size()) {
        BulkJob &job = jobs_[unapplied_from_];
        if (job.status(now) != BulkJob::Status::Complete)
            break;
        apply(job);
        ++unapplied_from_;
    }
}

void Account::apply(BulkJob &job) {
    const Poco::Timestamp when = job.completed_at();
    const std::size_t kept = job.sent - job.plan.dropped;
    for (std::size_t i = 0; i < kept; ++i) {
        auto planned = job.plan.failures.find(i);
        if (planned != job.plan.failures.end()) {
            job.failures[i] = planned->second;
            continue;
        }
        if (!keep_) {
            ++job.imported;
            ++profile_writes_;
            continue;
        }
        auto r = profiles_.upsert(job.profiles[i], when, ids_, false);
        if (r.outcome == ProfileStore::Outcome::Conflict) {
            ImportFailure f;
            f.code = "duplicate_profile";
            f.title = "Conflict.";
            f.detail = "A profile already exists with one of these identifiers (" + r.conflict_key +
                       " belongs to profile " + r.conflict_id + ").";
            f.pointer = profiles_pointer(i) + "/attributes";
            job.failures[i] = f;
        } else if (r.outcome == ProfileStore::Outcome::NotFound) {
            ImportFailure f;
            f.code = "not_found";
            f.title = "Not found.";
            f.detail = "No profile exists with the id given in data.id.";
            f.pointer = profiles_pointer(i) + "/id";
            job.failures[i] = f;
        } else {
            ++job.imported;
            for (const auto &list : job.list_ids)
                profiles_.add_to_list(r.profile_id, list);
        }
    }
    for (const auto &f : job.failures) {
        job.failed_payloads[f.first] = job.originals[f.first];
        job.error_ids.push_back(ids_.uuid());
    }
    job.applied = true;
    // The inputs are no longer needed: keep memory flat over a long benchmark.
    job.profiles.clear();
    job.profiles.shrink_to_fit();
    job.originals.clear();
    job.originals.shrink_to_fit();
}

Account::ImportReply Account::import_profile(const ProfileInput &input,
                                             const std::string &base_url) {
    std::lock_guard<std::mutex> lock(mutex_);
    settle(BulkJob::Clock::now());
    ImportReply reply;
    // Counts only: the profile lives just long enough to be answered.
    ProfileStore scratch;
    ProfileStore &store = keep_ ? profiles_ : scratch;
    auto r = store.upsert(input, Poco::Timestamp(), ids_, false);
    reply.outcome = r.outcome;
    reply.conflict_id = r.conflict_id;
    reply.conflict_key = r.conflict_key;
    if (r.outcome == ProfileStore::Outcome::Created ||
        r.outcome == ProfileStore::Outcome::Updated) {
        reply.resource = ProfileStore::resource(*store.find(r.profile_id), base_url);
        ++profile_writes_;
    }
    return reply;
}

std::size_t Account::record_events(const std::vector<EventGroup> &groups,
                                   const std::string &endpoint) {
    std::lock_guard<std::mutex> lock(mutex_);
    settle(BulkJob::Clock::now());
    const Poco::Timestamp now;
    std::size_t stored = 0;
    if (!keep_) {
        for (const auto &g : groups)
            stored += g.events.size();
        events_recorded_ += static_cast<long long>(stored);
        profile_writes_ += static_cast<long long>(groups.size());
        return stored;
    }
    for (const auto &g : groups) {
        auto r = profiles_.upsert(g.profile, now, ids_, true);
        if (r.outcome == ProfileStore::Outcome::NotFound)
            continue; // an unknown data.id: Klaviyo drops such events after accepting them
        for (const auto &in : g.events) {
            StoredEvent e;
            e.id = ids_.ulid();
            e.profile_id = r.profile_id;
            e.metric = in.metric;
            e.service = in.service;
            e.properties = in.properties;
            // Klaviyo keeps event times to the second.
            e.time =
                in.time
                    ? Poco::Timestamp(in.time->epochMicroseconds() -
                                      in.time->epochMicroseconds() % 1000000)
                    : Poco::Timestamp(now.epochMicroseconds() - now.epochMicroseconds() % 1000000);
            e.value = in.value;
            e.value_currency = in.value_currency;
            e.unique_id = in.unique_id;
            e.backfill = in.backfill;
            e.endpoint = endpoint;
            e.received = now;
            if (events_.add(std::move(e)))
                ++stored;
        }
    }
    return stored;
}

Json Account::submit_job(JobRequest request, const std::string &base_url) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = BulkJob::Clock::now();
    settle(now);
    BulkJob job;
    job.id = ids_.ulid();
    job.submitted = now;
    job.delay = request.delay;
    job.sent = request.profiles.size();
    job.profiles = std::move(request.profiles);
    job.originals = std::move(request.originals);
    job.list_ids = std::move(request.list_ids);
    job.plan = std::move(request.plan);
    if (job.plan.dropped > job.sent)
        job.plan.dropped = job.sent;
    job_index_[job.id] = jobs_.size();
    jobs_.push_back(std::move(job));
    settle(now);
    return jobs_.back().resource(now, base_url);
}

std::optional<Json> Account::job(const std::string &id, const std::string &base_url) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = BulkJob::Clock::now();
    settle(now);
    auto it = job_index_.find(id);
    if (it == job_index_.end())
        return std::nullopt;
    return jobs_[it->second].resource(now, base_url);
}

Json Account::jobs(const std::string &base_url) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = BulkJob::Clock::now();
    settle(now);
    Json data = Json::array();
    for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it)
        data.push(it->resource(now, base_url)["data"]);
    Json doc = Json::object();
    doc.add("data", std::move(data));
    return doc;
}

std::optional<Account::ErrorPage>
Account::import_errors(const std::string &id, std::size_t offset, std::size_t size) {
    std::lock_guard<std::mutex> lock(mutex_);
    settle(BulkJob::Clock::now());
    auto it = job_index_.find(id);
    if (it == job_index_.end())
        return std::nullopt;
    const BulkJob &job = jobs_[it->second];
    ErrorPage page;
    page.total = job.failures.size();
    std::size_t n = 0;
    for (const auto &f : job.failures) {
        if (n >= offset && n < offset + size) {
            Json source = Json::object();
            source.add("pointer", f.second.pointer);
            Json attrs = Json::object();
            attrs.add("code", f.second.code);
            attrs.add("title", f.second.title);
            attrs.add("detail", f.second.detail);
            attrs.add("source", std::move(source));
            attrs.add("original_payload", job.failed_payloads.at(f.first));
            Json item = Json::object();
            item.add("type", "import-error");
            item.add("id", job.error_ids[n]);
            item.add("attributes", std::move(attrs));
            page.items.push(std::move(item));
        }
        ++n;
    }
    page.more = offset + size < page.total;
    return page;
}

std::optional<std::string> Account::profile_id_by(const std::string &name,
                                                  const std::string &value) {
    std::lock_guard<std::mutex> lock(mutex_);
    settle(BulkJob::Clock::now());
    const Profile *p = profiles_.find_by(name, value);
    if (!p)
        return std::nullopt;
    return p->id;
}

Json Account::state(bool full) {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto now = BulkJob::Clock::now();
    settle(now);
    Json dups = Json::object();
    dups.add("events", events_.duplicates_dropped());
    Json obj = Json::object();
    obj.add("store", keep_ ? "full" : "counts");
    obj.add("profile_count", keep_ ? static_cast<long long>(profiles_.size()) : profile_writes_);
    obj.add("event_count", keep_ ? static_cast<long long>(events_.size()) : events_recorded_);
    obj.add("job_count", jobs_.size());
    obj.add("duplicates_dropped", std::move(dups));
    if (full) {
        obj.add("profiles", profiles_.state_all());
        obj.add("events", events_.state_all(profiles_));
    }
    Json jobs = Json::array();
    for (const auto &j : jobs_)
        jobs.push(j.state(now));
    obj.add("jobs", std::move(jobs));
    return obj;
}

void Account::reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    profiles_.clear();
    events_.clear();
    jobs_.clear();
    job_index_.clear();
    unapplied_from_ = 0;
    profile_writes_ = 0;
    events_recorded_ = 0;
}

} // namespace fake_klaviyo
