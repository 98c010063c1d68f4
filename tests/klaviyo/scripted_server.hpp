#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace connector::test {

/// A request as the scripted server received it; header names are lower-cased.
struct RecordedRequest {
    std::string method;
    std::string uri;
    std::map<std::string, std::string> headers;
    std::string body;
    std::string header(const std::string &name) const {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

/// What the server answers to one request.
struct ScriptedResponse {
    ScriptedResponse() = default;
    ScriptedResponse(int status_, std::string body_ = {})
        : status(status_), body(std::move(body_)) {}
    /// A response with extra headers.
    ScriptedResponse with(const std::string &name, const std::string &value) const {
        ScriptedResponse r = *this;
        r.headers.emplace_back(name, value);
        return r;
    }

    int status = 200;
    std::string body;
    std::string content_type = "application/vnd.api+json";
    std::vector<std::pair<std::string, std::string>> headers;
    bool drop = false;                  ///< close the connection without answering
    std::chrono::milliseconds delay{0}; ///< wait this long before answering
};

/// An in-process HTTPS server on 127.0.0.1:0 (Poco HTTPServer with the throwaway test
/// certificate) that records every request and answers what the test's responder returns.
/// The responder gets the request and its 0-based arrival index; calls are serialised.
class ScriptedServer {
  public:
    using Responder = std::function<ScriptedResponse(const RecordedRequest &, std::size_t)>;

    explicit ScriptedServer(Responder responder, const std::string &host = "127.0.0.1");
    ~ScriptedServer();
    ScriptedServer(const ScriptedServer &) = delete;
    ScriptedServer &operator=(const ScriptedServer &) = delete;

    unsigned short port() const;
    /// "https://<host>:<port>".
    std::string url() const;
    /// Everything received so far, in arrival order.
    std::vector<RecordedRequest> requests() const;
    std::size_t request_count() const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

/// Initialises Poco's SSL layer once for the test process (connector::klaviyo::SslInit).
void ensure_ssl();

/// A JSON:API error body with one error.
std::string error_body(const std::string &code,
                       const std::string &detail,
                       const std::string &pointer = "/data",
                       int status = 400);

/// A profile-bulk-import-job document.
std::string
job_body(const std::string &id, const std::string &status, long total, long completed, long failed);

} // namespace connector::test
