#pragma once

#include "backend.hpp"

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/ThreadPool.h>

#include <memory>

namespace fake_klaviyo {

/// The HTTPS server: a Poco HTTPServer on a SecureServerSocket bound to the configured host and
/// port, with a thread pool of --threads request threads.
class FakeServer {
  public:
    /// Loads the certificate and binds. Throws Poco::Exception (bad certificate, port in use).
    explicit FakeServer(Backend &backend);
    ~FakeServer();
    FakeServer(const FakeServer &) = delete;
    FakeServer &operator=(const FakeServer &) = delete;

    void start();
    /// The bound port (the one picked when --port 0).
    int port() const { return port_; }
    /// Stops accepting, aborts open connections and waits for the request threads.
    void stop();

  private:
    Backend &b_;
    Poco::Net::Context::Ptr context_;
    Poco::ThreadPool pool_;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    int port_ = 0;
    bool stopped_ = false;
};

} // namespace fake_klaviyo
