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

Json BulkJob::resource(Clock::time_point now, const std::string &base_url) const {
    const Status st = status(now);
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
    Json attrs = Json::object();
    attrs.add("status", to_string(st));
    attrs.add("created_at", iso_time(created_at));
    attrs.add("total_count", total_count());
    attrs.add("completed_count", completed);
    attrs.add("failed_count", failed);
    attrs.add("completed_at", st == Status::Complete ? Json(iso_time(completed_at())) : Json());
    attrs.add("expires_at", Json());
    attrs.add("started_at", st == Status::Queued ? Json() : Json(iso_time(started_at())));
    Json lists = Json::array();
    for (const auto &l : list_ids) {
        Json ref = Json::object();
        ref.add("type", "list");
        ref.add("id", l);
        lists.push(std::move(ref));
    }
    Json rel_lists = Json::object();
    rel_lists.add("data", std::move(lists));
    Json relationships = Json::object();
    relationships.add("lists", std::move(rel_lists));
    Json links = Json::object();
    links.add("self", base_url + "/api/profile-bulk-import-jobs/" + id);
    Json data = Json::object();
    data.add("type", "profile-bulk-import-job");
    data.add("id", id);
    data.add("attributes", std::move(attrs));
    data.add("relationships", std::move(relationships));
    data.add("links", std::move(links));
    Json doc = Json::object();
    doc.add("data", std::move(data));
    return doc;
}

Json BulkJob::state(Clock::time_point now) const {
    Json obj = Json::object();
    obj.add("id", id);
    obj.add("status", to_string(status(now)));
    obj.add("created_at", iso_time(created_at));
    obj.add("profiles_sent", sent);
    obj.add("total_count", total_count());
    obj.add("dropped", plan.dropped);
    obj.add("applied", applied);
    obj.add("imported", imported);
    obj.add("failed", applied ? failures.size() : std::size_t{0});
    Json lists = Json::array();
    for (const auto &l : list_ids)
        lists.push(l);
    obj.add("lists", std::move(lists));
    return obj;
}

} // namespace fake_klaviyo
