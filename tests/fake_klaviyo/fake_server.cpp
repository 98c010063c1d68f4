#include "fake_server.hpp"

#include "api_handler.hpp"

#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/SocketAddress.h>

namespace fake_klaviyo {

FakeServer::FakeServer(Backend &backend) : b_(backend), pool_(2, backend.options.threads, 60, 0) {
    Poco::Net::Context::Params params;
    params.privateKeyFile = b_.options.key_file;
    params.certificateFile = b_.options.cert_file;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    context_ = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    Poco::Net::SecureServerSocket socket(
        Poco::Net::SocketAddress(b_.options.host, static_cast<Poco::UInt16>(b_.options.port)), 128,
        context_);
    port_ = socket.address().port();
    auto *http = new Poco::Net::HTTPServerParams;
    http->setMaxThreads(b_.options.threads);
    http->setMaxQueued(512);
    http->setKeepAlive(true);
    http->setMaxKeepAliveRequests(0);
    http->setKeepAliveTimeout(Poco::Timespan(30, 0));
    http->setTimeout(Poco::Timespan(60, 0));
    http->setServerName("fake_klaviyo");
    server_ = std::make_unique<Poco::Net::HTTPServer>(new HandlerFactory(b_), pool_, socket, http);
}

FakeServer::~FakeServer() {
    try {
        stop();
    } catch (...) {
        // shutting down anyway
    }
}

void FakeServer::start() {
    server_->start();
}

void FakeServer::stop() {
    if (stopped_)
        return;
    stopped_ = true;
    b_.stop.raise();
    server_->stopAll(true);
    pool_.joinAll();
}

} // namespace fake_klaviyo
