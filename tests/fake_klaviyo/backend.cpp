#include "backend.hpp"

#include "json_util.hpp"

#include <Poco/JSON/Parser.h>

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
      limiter(options.rate_limits), ids(options.seed), faults(options.seed), account(ids) {
    auto rules = new_array();
    for (const auto &spec : options.fault_specs)
        rules->add(Faults::parse_flag(spec));
    if (!options.faults_file.empty()) {
        std::ifstream in(options.faults_file, std::ios::binary);
        if (!in)
            throw std::runtime_error("cannot read --faults-file " + options.faults_file);
        std::ostringstream text;
        text << in.rdbuf();
        Poco::JSON::Object::Ptr doc;
        try {
            doc = as_object(Poco::JSON::Parser().parse(text.str()));
        } catch (const Poco::Exception &e) {
            throw std::runtime_error("--faults-file " + options.faults_file +
                                     " is not valid JSON: " + e.displayText());
        }
        if (!doc)
            throw std::runtime_error("--faults-file " + options.faults_file +
                                     " must hold a JSON object");
        if (auto more = member_array(doc, "rules")) {
            for (const auto &r : *more)
                rules->add(r);
        }
    }
    auto doc = new_object();
    doc->set("rules", rules);
    faults.install(doc);
}

Poco::JSON::Object::Ptr Backend::state(bool full) {
    auto doc = account.state(full);
    auto counts = counters.state();
    doc->set("requests", counts->get("requests"));
    doc->set("totals", counts->get("totals"));
    doc->set("faults", faults.state());
    return doc;
}

void Backend::reset() {
    account.reset();
    counters.reset();
    limiter.reset();
    faults.reset_counts();
}

} // namespace fake_klaviyo
