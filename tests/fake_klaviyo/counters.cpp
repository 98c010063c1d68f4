#include "counters.hpp"

#include "json_util.hpp"

namespace fake_klaviyo {

void Counters::request(const std::string &endpoint, const std::string &outcome) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++requests_[endpoint][outcome];
    ++totals_["requests"];
}

void Counters::add(const std::string &name, long long n) {
    std::lock_guard<std::mutex> lock(mutex_);
    totals_[name] += n;
}

Poco::JSON::Object::Ptr Counters::state() {
    std::lock_guard<std::mutex> lock(mutex_);
    auto requests = new_object();
    for (const auto &ep : requests_) {
        auto by_outcome = new_object();
        for (const auto &kv : ep.second)
            by_outcome->set(kv.first, kv.second);
        requests->set(ep.first, by_outcome);
    }
    auto totals = new_object();
    for (const auto &kv : totals_)
        totals->set(kv.first, kv.second);
    auto doc = new_object();
    doc->set("requests", requests);
    doc->set("totals", totals);
    return doc;
}

void Counters::reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.clear();
    totals_.clear();
}

} // namespace fake_klaviyo
