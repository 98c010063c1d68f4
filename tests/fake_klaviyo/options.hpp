#pragma once

#include "rate_limiter.hpp"

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace fake_klaviyo {

/// A bad command line; main prints it with the usage and exits 2.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// The fake's command line (see usage()).
struct Options {
    std::string host = "127.0.0.1";
    int port = 0;
    std::string cert_file;
    std::string key_file;
    std::vector<std::string> api_keys;
    std::vector<std::string> scopeless_keys;
    RateLimitMode rate_limits;
    long long job_delay_ms = 100;
    std::uint64_t seed = 1;
    std::vector<std::string> fault_specs;
    std::string faults_file;
    std::string state_file;
    std::string openapi_dir;
    int threads = 32;
    bool keep_records = true; ///< --store full (true) or counts (false)
    bool verbose = false;
    bool help = false;
};

/// Parses argv ("--flag value" or "--flag=value"). Defaults for --cert/--key come from
/// $CONNECTOR_TEST_CERTS (or the build's test-certs folder), --openapi-dir from the shared
/// data folder. Throws UsageError naming the flag that is wrong.
Options parse_options(int argc, const char *const *argv);
/// The --help text.
std::string usage();

} // namespace fake_klaviyo
