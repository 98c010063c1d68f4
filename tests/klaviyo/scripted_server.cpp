#include "scripted_server.hpp"

#include "klaviyo/ssl_init.hpp"
#include "support/test_env.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace connector::test {

void ensure_ssl() {
    static connector::klaviyo::SslInit ssl;
}

struct ScriptedServer::Impl {
    Responder responder;
    std::string host;
    mutable std::mutex mutex;
    std::condition_variable changed;
    bool stopping = false;
    int handlers = 0; ///< requests being handled now
    std::vector<RecordedRequest> requests;
    std::unique_ptr<Poco::Net::HTTPServer> server;
    unsigned short port = 0;

    ScriptedResponse answer(RecordedRequest request) {
        std::lock_guard<std::mutex> lock(mutex);
        requests.push_back(request);
        return responder(requests.back(), requests.size() - 1);
    }
};

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit Handler(ScriptedServer::Impl &impl) : impl_(impl) {}

    void handleRequest(Poco::Net::HTTPServerRequest &request,
                       Poco::Net::HTTPServerResponse &response) override {
        struct Count {
            explicit Count(ScriptedServer::Impl &i) : impl(i) {
                std::lock_guard<std::mutex> lock(impl.mutex);
                ++impl.handlers;
            }
            ~Count() {
                std::lock_guard<std::mutex> lock(impl.mutex);
                --impl.handlers;
                impl.changed.notify_all();
            }
            ScriptedServer::Impl &impl;
        } count(impl_);
        RecordedRequest recorded;
        recorded.method = request.getMethod();
        recorded.uri = request.getURI();
        for (const auto &[name, value] : request) {
            std::string lower = name;
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            recorded.headers[lower] = value;
        }
        Poco::StreamCopier::copyToString(request.stream(), recorded.body);
        const ScriptedResponse scripted = impl_.answer(std::move(recorded));
        if (scripted.delay.count() > 0) {
            // Interruptible, so that a stopping server never waits for a long delay.
            std::unique_lock<std::mutex> lock(impl_.mutex);
            impl_.changed.wait_for(lock, scripted.delay, [this] { return impl_.stopping; });
        }
        if (scripted.drop) {
            auto &impl = static_cast<Poco::Net::HTTPServerRequestImpl &>(request);
            impl.socket().shutdown();
            impl.socket().close();
            return;
        }
        response.setStatusAndReason(
            static_cast<Poco::Net::HTTPResponse::HTTPStatus>(scripted.status));
        for (const auto &[name, value] : scripted.headers)
            response.set(name, value);
        if (!scripted.body.empty())
            response.setContentType(scripted.content_type);
        response.setContentLength(static_cast<std::streamsize>(scripted.body.size()));
        response.setKeepAlive(true);
        response.send() << scripted.body;
    }

  private:
    ScriptedServer::Impl &impl_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit Factory(ScriptedServer::Impl &impl) : impl_(impl) {}
    Poco::Net::HTTPRequestHandler *
    createRequestHandler(const Poco::Net::HTTPServerRequest &) override {
        return new Handler(impl_);
    }

  private:
    ScriptedServer::Impl &impl_;
};

} // namespace

ScriptedServer::ScriptedServer(Responder responder, const std::string &host)
    : impl_(std::make_unique<Impl>()) {
    ensure_ssl();
    impl_->responder = std::move(responder);
    impl_->host = host;
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, cert_path("server.key"),
                               cert_path("server.pem"), "", Poco::Net::Context::VERIFY_NONE);
    Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress(host, 0), 64, context);
    impl_->port = socket.address().port();
    auto *params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(16);
    params->setMaxQueued(64);
    params->setKeepAlive(true);
    impl_->server = std::make_unique<Poco::Net::HTTPServer>(new Factory(*impl_), socket, params);
    impl_->server->start();
}

ScriptedServer::~ScriptedServer() {
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->stopping = true;
        impl_->changed.notify_all();
    }
    impl_->server->stopAll(true);
    // NOTE(Poco 1.11): stopAll() does not join the connection threads; one still writing an
    // answer after the test returned would touch freed statics at exit (ASan). Wait for them.
    std::unique_lock<std::mutex> lock(impl_->mutex);
    impl_->changed.wait_for(lock, std::chrono::seconds(10),
                            [this] { return impl_->handlers == 0; });
    lock.unlock();
    for (int i = 0; i < 1000 && impl_->server->currentConnections() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
}

unsigned short ScriptedServer::port() const {
    return impl_->port;
}

std::string ScriptedServer::url() const {
    return "https://" + impl_->host + ":" + std::to_string(impl_->port);
}

std::vector<RecordedRequest> ScriptedServer::requests() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->requests;
}

std::size_t ScriptedServer::request_count() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->requests.size();
}

std::string error_body(const std::string &code,
                       const std::string &detail,
                       const std::string &pointer,
                       int status) {
    return R"({"errors":[{"id":"e1","status":)" + std::to_string(status) + R"(,"code":")" + code +
           R"(","title":"Invalid input.","detail":")" + detail + R"(","source":{"pointer":")" +
           pointer + R"("},"links":{},"meta":{}}]})";
}

std::string job_body(
    const std::string &id, const std::string &status, long total, long completed, long failed) {
    return R"({"data":{"type":"profile-bulk-import-job","id":")" + id +
           R"(","attributes":{"status":")" + status +
           R"(","created_at":"2026-05-01T10:00:00+00:00","total_count":)" + std::to_string(total) +
           R"(,"completed_count":)" + std::to_string(completed) + R"(,"failed_count":)" +
           std::to_string(failed) +
           R"(,"completed_at":null,"expires_at":null,"started_at":null}}})";
}

} // namespace connector::test
