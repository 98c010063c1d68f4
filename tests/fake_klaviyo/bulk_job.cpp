#include "bulk_job.hpp"

#include "json_util.hpp"

namespace fake_klaviyo {

const char *to_string(BulkJob::Status s) {
    switch (s) {
    case BulkJob::Status::Queued:
        return "queued";
    case BulkJob::Status::Processing:
        return "processing";
    case BulkJob::Status::Complete:
        return "complete";
    }
    return "complete";
}

BulkJob::Status BulkJob::status(Clock::time_point now) const {
    const auto elapsed = now - submitted;
    if (delay.count() == 0 || elapsed >= delay)
        return Status::Complete;
    if (elapsed >= delay / 2)
        return Status::Processing;
    return Status::Queued;
}

Poco::Timestamp BulkJob::started_at() const {
    return created_at + std::chrono::duration_cast<std::chrono::microseconds>(delay / 2).count();
}

Poco::Timestamp BulkJob::completed_at() const {
    return created_at + std::chrono::duration_cast<std::chrono::microseconds>(delay).count();
}

Poco::JSON::Object::Ptr BulkJob::resource(Clock::time_point now,
                                          const std::string &base_url) const {
    const Status st = status(now);
    auto attrs = new_object();
    attrs->set("status", to_string(st));
    attrs->set("created_at", iso_time(created_at));
    attrs->set("total_count", static_cast<Poco::UInt64>(total_count()));
    std::size_t completed = 0;
    std::size_t failed = 0;
    if (st == Status::Complete && applied) {
        completed = imported;
        failed = failures.size();
    } else if (st == Status::Processing) {
        // Half-way through processing: report part of the work done, as a real job does.
        const double fraction = std::chrono::duration<double>(now - submitted - delay / 2) /
                                std::chrono::duration<double>(delay / 2);
        completed = static_cast<std::size_t>(
            static_cast<double>(total_count() - plan.failures.size()) * fraction);
    }
    attrs->set("completed_count", static_cast<Poco::UInt64>(completed));
    attrs->set("failed_count", static_cast<Poco::UInt64>(failed));
    attrs->set("completed_at", st == Status::Complete ? Poco::Dynamic::Var(iso_time(completed_at()))
                                                      : Poco::Dynamic::Var());
    attrs->set("expires_at", Poco::Dynamic::Var());
    attrs->set("started_at", st == Status::Queued ? Poco::Dynamic::Var()
                                                  : Poco::Dynamic::Var(iso_time(started_at())));
    auto data = new_object();
    data->set("type", "profile-bulk-import-job");
    data->set("id", id);
    data->set("attributes", attrs);
    auto lists = new_array();
    for (const auto &l : list_ids) {
        auto ref = new_object();
        ref->set("type", "list");
        ref->set("id", l);
        lists->add(ref);
    }
    auto rel_lists = new_object();
    rel_lists->set("data", lists);
    auto relationships = new_object();
    relationships->set("lists", rel_lists);
    data->set("relationships", relationships);
    auto links = new_object();
    links->set("self", base_url + "/api/profile-bulk-import-jobs/" + id);
    data->set("links", links);
    auto doc = new_object();
    doc->set("data", data);
    return doc;
}

Poco::JSON::Object::Ptr BulkJob::state(Clock::time_point now) const {
    auto obj = new_object();
    obj->set("id", id);
    obj->set("status", to_string(status(now)));
    obj->set("created_at", iso_time(created_at));
    obj->set("profiles_sent", static_cast<Poco::UInt64>(sent));
    obj->set("total_count", static_cast<Poco::UInt64>(total_count()));
    obj->set("dropped", static_cast<Poco::UInt64>(plan.dropped));
    obj->set("applied", applied);
    obj->set("imported", static_cast<Poco::UInt64>(imported));
    obj->set("failed", static_cast<Poco::UInt64>(applied ? failures.size() : 0));
    auto lists = new_array();
    for (const auto &l : list_ids)
        lists->add(l);
    obj->set("lists", lists);
    return obj;
}

} // namespace fake_klaviyo
