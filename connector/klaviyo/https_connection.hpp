#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace connector::klaviyo {

/// Where the API lives, parsed from --klaviyo-url.
struct ServerAddress {
    std::string host;
    unsigned short port = 443;
    std::string path_prefix; ///< "" or "/prefix" (no trailing slash)
    std::string origin;      ///< "https://host[:port]", for messages
};

/// Parses an https URL. Throws ConfigError naming the value when it is not https or has no host.
ServerAddress parse_base_url(const std::string &url);

/// The TLS client context shared by all connections: peer verification with host-name checks
/// (Poco VERIFY_STRICT, which also checks loopback names), TLS 1.2 or later, trusting the CA
/// file when one is given and the system CAs otherwise.
class TlsContext {
  public:
    /// Throws ConfigError naming the file when the CA file cannot be read or loaded.
    explicit TlsContext(const std::string &ca_file);
    ~TlsContext();
    TlsContext(const TlsContext &) = delete;
    TlsContext &operator=(const TlsContext &) = delete;

    struct Impl;
    const Impl &impl() const { return *impl_; }

  private:
    std::unique_ptr<Impl> impl_;
};

/// A response as received; header names are lower-cased.
struct HttpResponse {
    int status = 0;
    std::map<std::string, std::string> headers;
    std::string body;
    /// The header's value, "" when absent. `name` must be lower-case.
    std::string header(const std::string &name) const;
    bool has_header(const std::string &name) const { return headers.count(name) != 0; }
};

/// Why no response arrived.
enum class FailureKind {
    None,         ///< a response arrived (any status)
    Network,      ///< refused, reset, timed out, closed mid-response, DNS: worth retrying
    TlsUntrusted, ///< the server's certificate chain is not trusted: fatal
    TlsWrongHost, ///< the certificate is trusted but does not name the host: fatal
};

struct HttpResult {
    FailureKind failure = FailureKind::None;
    std::string error; ///< what failed, when failure != None (no secrets)
    HttpResponse response;
};

/// Timeouts of one connection.
struct Timeouts {
    std::chrono::milliseconds connect{10'000};
    std::chrono::milliseconds send{30'000};
    std::chrono::milliseconds receive{60'000};
};

/// One keep-alive HTTPS connection (a Poco HTTPSClientSession), owned by one worker thread.
/// Reconnects transparently when the server closed it; after a failure the next request opens
/// a fresh connection.
class HttpsConnection {
  public:
    using Headers = std::vector<std::pair<std::string, std::string>>;

    HttpsConnection(const TlsContext &tls, const ServerAddress &server, const Timeouts &timeouts);
    ~HttpsConnection();
    HttpsConnection(const HttpsConnection &) = delete;
    HttpsConnection &operator=(const HttpsConnection &) = delete;

    /// Sends one request and reads the whole response. Never throws for network or TLS faults:
    /// they come back as a failure kind.
    HttpResult perform(const std::string &method,
                       const std::string &target,
                       const Headers &headers,
                       const std::string &body);

    /// Unblocks a request waiting for its response (shuts the socket down); callable from
    /// another thread. The interrupted request fails as a Network failure.
    void interrupt() noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::atomic<int> socket_fd_{-1};
};

} // namespace connector::klaviyo
