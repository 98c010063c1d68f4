#pragma once

#include <Poco/JSON/Object.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fake_klaviyo {

/// The private key the launcher passes with --api-key (tests send it; it is not a secret).
inline constexpr const char *test_api_key = "pk_fake_0123456789abcdef0123456789abcd";
/// The revision the launcher's requests send unless told otherwise.
inline constexpr const char *test_revision = "2026-07-15";

/// One HTTP exchange with the fake. status 0 means the connection failed or was dropped before
/// an answer (then `error` says what happened).
struct HttpResult {
    int status = 0;
    std::map<std::string, std::string> headers; ///< names in lower case
    std::string body;
    std::string error;

    /// The value of header `name` (any case), or "" when absent.
    std::string header(const std::string &name) const;
    bool has_header(const std::string &name) const;
    /// The body parsed as a JSON object. Throws std::runtime_error when it is not one.
    Poco::JSON::Object::Ptr json() const;
};

/// Runs the real fake_klaviyo binary as a child process on a free port (`--port 0`), reads the
/// base URL from its first stdout line and talks to it over verified TLS. For tests:
///
///     fake_klaviyo::FakeKlaviyo fake({"--rate-limits", "off"});
///     run_connector("--klaviyo-url", fake.base_url(), "--ca-file", fake.ca_file());
///     auto state = fake.state();   // what the fake accepted
///
/// The binary is $FAKE_KLAVIYO_BIN or the one this build made; the certificates are
/// $CONNECTOR_TEST_CERTS or the build's test-certs folder. The fake is told to exit when its
/// parent dies (Linux PR_SET_PDEATHSIG, which follows the thread that started it: construct it
/// on a thread that outlives it, such as the test's own).
class FakeKlaviyo {
  public:
    /// Starts `fake_klaviyo --port 0 --api-key test_api_key <extra_args>` and waits (30 s at
    /// most) for its base URL. Throws std::runtime_error when it does not start.
    explicit FakeKlaviyo(const std::vector<std::string> &extra_args = {});
    /// Stops the fake (SIGTERM, then SIGKILL after 10 s).
    ~FakeKlaviyo();
    FakeKlaviyo(const FakeKlaviyo &) = delete;
    FakeKlaviyo &operator=(const FakeKlaviyo &) = delete;

    /// "https://127.0.0.1:PORT".
    const std::string &base_url() const { return base_url_; }
    int port() const { return port_; }
    int pid() const { return pid_; }
    /// The CA certificate that signed the fake's certificate (for --ca-file).
    static std::string ca_file();
    /// The fake_klaviyo executable that will be run.
    static std::string binary();

    /// GET /__fake/state (full: with every profile and event; otherwise counts only).
    Poco::JSON::Object::Ptr state(bool full = true);
    /// POST /__fake/reset.
    void reset();
    /// POST /__fake/faults with a faults document (JSON text). Throws std::runtime_error with the
    /// fake's message when it refuses the document.
    void set_faults(const std::string &json);
    /// DELETE /__fake/faults.
    void clear_faults();

    /// Sends a request. By default it carries Authorization with test_api_key, revision
    /// test_revision, accept and (with a body) content-type application/vnd.api+json; an entry
    /// in `headers` replaces a default, and an entry with an empty value removes it.
    HttpResult request(const std::string &method,
                       const std::string &path_and_query,
                       const std::string &body = "",
                       const std::map<std::string, std::string> &headers = {});
    HttpResult post(const std::string &path,
                    const std::string &body,
                    const std::map<std::string, std::string> &headers = {}) {
        return request("POST", path, body, headers);
    }
    HttpResult get(const std::string &path,
                   const std::map<std::string, std::string> &headers = {}) {
        return request("GET", path, "", headers);
    }
    /// How long request() waits for an answer (default 30 s).
    void set_timeout(std::chrono::milliseconds timeout) { timeout_ = timeout; }

    /// Sends SIGTERM and waits for the exit; returns the exit status (128 + signal when killed).
    /// Later calls return the same status.
    int stop();

  private:
    int pid_ = -1;
    int exit_status_ = -1;
    int port_ = 0;
    std::string base_url_;
    std::chrono::milliseconds timeout_{30000};
};

} // namespace fake_klaviyo
