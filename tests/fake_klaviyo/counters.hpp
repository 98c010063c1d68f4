#pragma once

#include "json.hpp"

#include <map>
#include <mutex>
#include <string>

namespace fake_klaviyo {

/// Request counts per endpoint (operation id) and outcome ("201", "429", "dropped"), plus named
/// totals (profiles_accepted, events_accepted, throttled, ...). Thread-safe.
class Counters {
  public:
    void request(const std::string &endpoint, const std::string &outcome);
    void add(const std::string &name, long long n = 1);
    /// {"requests":{endpoint:{outcome:n}}, "totals":{name:n}}
    Json state();
    void reset();

  private:
    std::mutex mutex_;
    std::map<std::string, std::map<std::string, long long>> requests_;
    std::map<std::string, long long> totals_;
};

} // namespace fake_klaviyo
