#pragma once

#include "account.hpp"
#include "counters.hpp"
#include "faults.hpp"
#include "ids.hpp"
#include "openapi_schema.hpp"
#include "options.hpp"
#include "rate_limiter.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>

namespace fake_klaviyo {

/// Lets sleeping handlers (hang, latency) wake up at once when the server stops.
class StopSignal {
  public:
    /// Waits up to `d`; returns true when the server is stopping.
    bool wait_for(std::chrono::milliseconds d);
    void raise();
    bool raised();

  private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool raised_ = false;
};

/// Everything the request handlers share: configuration, schemas, limits, faults, the account
/// and the counters. Built once in main; outlives the HTTP server.
struct Backend {
    /// Loads the OpenAPI files and installs the fault flags. Throws std::runtime_error or
    /// std::invalid_argument with a message naming what is wrong.
    explicit Backend(Options opts);

    Options options;
    OpenApiSchemas schemas;
    RateLimiter limiter;
    IdGenerator ids;
    Faults faults;
    Account account;
    Counters counters;
    StopSignal stop;
    std::string base_url; ///< set once the server listens

    /// The whole state document served by GET /__fake/state and written by --state-file.
    Json state(bool full);
    /// POST /__fake/reset: profiles, events, jobs, counters, rate windows, fault counts.
    void reset();
};

} // namespace fake_klaviyo
