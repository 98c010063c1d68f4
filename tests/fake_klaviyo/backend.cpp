#include "backend.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fake_klaviyo {

bool StopSignal::wait_for(std::chrono::milliseconds d) {
    std::unique_lock<std::mutex> lock(mutex_);
    return cv_.wait_for(lock, d, [this] { return raised_; });
}

void StopSignal::raise() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        raised_ = true;
    }
    cv_.notify_all();
}

bool StopSignal::raised() {
    std::lock_guard<std::mutex> lock(mutex_);
    return raised_;
}

namespace {

const std::vector<std::string> &operations() {
    static const std::vector<std::string> ops = {"create_or_update_profile", "bulk_import_profiles",
                                                 "create_event", "bulk_create_events"};
    return ops;
}

} // namespace

Backend::Backend(Options opts)
    : options(std::move(opts)), schemas(options.openapi_dir, operations()),
      limiter(options.rate_limits), ids(options.seed), faults(options.seed),
      account(ids, options.keep_records) {
    Json rules = Json::array();
    for (const auto &spec : options.fault_specs)
        rules.push(Faults::parse_flag(spec));
    if (!options.faults_file.empty()) {
        std::ifstream in(options.faults_file, std::ios::binary);
        if (!in)
            throw std::runtime_error("cannot read --faults-file " + options.faults_file);
        std::ostringstream text;
        text << in.rdbuf();
        Json doc;
        try {
            doc = Json::parse(text.str());
        } catch (const JsonError &e) {
            throw std::runtime_error("--faults-file " + options.faults_file +
                                     " is not valid JSON: " + e.what());
        }
        if (!doc.is_object())
            throw std::runtime_error("--faults-file " + options.faults_file +
                                     " must hold a JSON object");
        for (const auto &r : doc["rules"].items())
            rules.push(r);
    }
    Json doc = Json::object();
    doc.add("rules", std::move(rules));
    faults.install(doc);
}

Json Backend::state(bool full) {
    Json doc = account.state(full);
    Json counts = counters.state();
    doc.add("requests", counts["requests"]);
    doc.add("totals", counts["totals"]);
    doc.add("faults", faults.state());
    doc.add("rate_windows", limiter.state());
    return doc;
}

void Backend::reset() {
    account.reset();
    counters.reset();
    limiter.reset();
    faults.reset_counts();
}

} // namespace fake_klaviyo
