#include "options.hpp"

#include <cstdlib>

#ifndef FAKE_KLAVIYO_DEFAULT_CERTS
#define FAKE_KLAVIYO_DEFAULT_CERTS ""
#endif
#ifndef FAKE_KLAVIYO_DEFAULT_OPENAPI
#define FAKE_KLAVIYO_DEFAULT_OPENAPI ""
#endif

namespace fake_klaviyo {

namespace {

long long
to_integer(const std::string &flag, const std::string &value, long long min, long long max) {
    std::size_t used = 0;
    long long n = 0;
    try {
        n = std::stoll(value, &used);
    } catch (const std::exception &) {
        used = 0;
    }
    if (used == 0 || used != value.size() || n < min || n > max)
        throw UsageError(flag + " needs a whole number from " + std::to_string(min) + " to " +
                         std::to_string(max) + ", got '" + value + "'");
    return n;
}

} // namespace

std::string usage() {
    return "usage: fake_klaviyo [options]\n"
           "A local HTTPS stand-in for Klaviyo's API (profiles, events, bulk jobs), for tests.\n"
           "Prints its base URL (https://127.0.0.1:PORT) as the first line of stdout.\n"
           "\n"
           "  --port N               port to listen on; 0 picks a free one (default 0)\n"
           "  --host ADDR            address to bind (default 127.0.0.1)\n"
           "  --cert FILE            server certificate (default "
           "$CONNECTOR_TEST_CERTS/server.pem)\n"
           "  --key FILE             its private key (default $CONNECTOR_TEST_CERTS/server.key)\n"
           "  --api-key KEY          a private key to accept (repeatable; without any, every key\n"
           "                         starting with pk_ is accepted)\n"
           "  --scopeless-key KEY    a key that authenticates but lacks the scopes (403)\n"
           "  --rate-limits MODE     real | off | scaled:F (every limit times F, at least 1;\n"
           "                         windows stay 1 s and 60 s) (default real)\n"
           "  --job-delay-ms N       bulk import jobs: queued, then processing after N/2 ms,\n"
           "                         complete after N ms (default 100)\n"
           "  --seed N               seed for fault decisions and ids (default 1)\n"
           "  --fault SPEC           a fault rule as key=value pairs, e.g.\n"
           "                         kind=status,status=503,share=0.1,endpoint=create_event\n"
           "                         (repeatable; see docs/fake_klaviyo.md)\n"
           "  --faults-file FILE     a faults document (JSON) to install at start\n"
           "  --state-file FILE      write the final state JSON there on SIGTERM/SIGINT\n"
           "  --openapi-dir DIR      Klaviyo OpenAPI files to validate bodies against\n"
           "  --store MODE           full: keep every profile and event (default); counts:\n"
           "                         validate everything but keep only counts (huge benchmarks)\n"
           "  --threads N            request threads (default 32)\n"
           "  --verbose              log one line per request to stderr (never the key)\n"
           "  --help                 this text\n";
}

Options parse_options(int argc, const char *const *argv) {
    Options o;
    if (const char *certs = std::getenv("CONNECTOR_TEST_CERTS"); certs && *certs) {
        o.cert_file = std::string(certs) + "/server.pem";
        o.key_file = std::string(certs) + "/server.key";
    } else if (*FAKE_KLAVIYO_DEFAULT_CERTS) {
        o.cert_file = std::string(FAKE_KLAVIYO_DEFAULT_CERTS) + "/server.pem";
        o.key_file = std::string(FAKE_KLAVIYO_DEFAULT_CERTS) + "/server.key";
    }
    if (const char *shared = std::getenv("CONNECTOR_SHARED_DIR"); shared && *shared)
        o.openapi_dir = std::string(shared) + "/data/klaviyo-openapi/2026-07-15";
    else
        o.openapi_dir = FAKE_KLAVIYO_DEFAULT_OPENAPI;

    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        std::string value;
        bool has_value = false;
        if (auto eq = arg.find('='); arg.compare(0, 2, "--") == 0 && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            has_value = true;
        }
        auto next = [&]() -> std::string {
            if (has_value)
                return value;
            if (i + 1 >= argc)
                throw UsageError(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--help" || arg == "-h") {
            o.help = true;
        } else if (arg == "--verbose") {
            o.verbose = true;
        } else if (arg == "--port") {
            o.port = static_cast<int>(to_integer(arg, next(), 0, 65535));
        } else if (arg == "--host") {
            o.host = next();
        } else if (arg == "--cert") {
            o.cert_file = next();
        } else if (arg == "--key") {
            o.key_file = next();
        } else if (arg == "--api-key") {
            o.api_keys.push_back(next());
            if (o.api_keys.back().empty())
                throw UsageError("--api-key needs a non-empty key");
        } else if (arg == "--scopeless-key") {
            o.scopeless_keys.push_back(next());
            if (o.scopeless_keys.back().empty())
                throw UsageError("--scopeless-key needs a non-empty key");
        } else if (arg == "--rate-limits") {
            try {
                o.rate_limits = RateLimitMode::parse(next());
            } catch (const std::invalid_argument &e) {
                throw UsageError(e.what());
            }
        } else if (arg == "--job-delay-ms") {
            o.job_delay_ms = to_integer(arg, next(), 0, 24LL * 3600 * 1000);
        } else if (arg == "--seed") {
            o.seed = static_cast<std::uint64_t>(to_integer(arg, next(), 0, INT64_MAX));
        } else if (arg == "--fault") {
            o.fault_specs.push_back(next());
        } else if (arg == "--faults-file") {
            o.faults_file = next();
        } else if (arg == "--state-file") {
            o.state_file = next();
        } else if (arg == "--openapi-dir") {
            o.openapi_dir = next();
        } else if (arg == "--store") {
            const std::string mode = next();
            if (mode != "full" && mode != "counts")
                throw UsageError("--store must be full or counts, got '" + mode + "'");
            o.keep_records = mode == "full";
        } else if (arg == "--threads") {
            o.threads = static_cast<int>(to_integer(arg, next(), 1, 1024));
        } else {
            throw UsageError("unknown option '" + arg + "'");
        }
    }
    if (!o.help) {
        if (o.cert_file.empty() || o.key_file.empty())
            throw UsageError("no certificate: pass --cert and --key or set CONNECTOR_TEST_CERTS");
        if (o.openapi_dir.empty())
            throw UsageError("no OpenAPI folder: pass --openapi-dir");
    }
    return o;
}

} // namespace fake_klaviyo
