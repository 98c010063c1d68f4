#include "counters.hpp"

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

Json Counters::state() {
    std::lock_guard<std::mutex> lock(mutex_);
    Json requests = Json::object();
    for (const auto &ep : requests_) {
        Json by_outcome = Json::object();
        for (const auto &kv : ep.second)
            by_outcome.add(kv.first, kv.second);
        requests.add(ep.first, std::move(by_outcome));
    }
    Json totals = Json::object();
    for (const auto &kv : totals_)
        totals.add(kv.first, kv.second);
    Json doc = Json::object();
    doc.add("requests", std::move(requests));
    doc.add("totals", std::move(totals));
    return doc;
}

void Counters::reset() {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.clear();
    totals_.clear();
}

} // namespace fake_klaviyo
