#pragma once

#include "backend.hpp"

#include <Poco/Net/HTTPRequestHandler.h>

namespace fake_klaviyo {

/// The fake's own endpoints (no API key): GET /__fake/state, POST /__fake/reset,
/// GET|POST|DELETE /__fake/faults, GET /__fake/health.
class AdminHandler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit AdminHandler(Backend &backend) : b_(backend) {}
    void handleRequest(Poco::Net::HTTPServerRequest &request,
                       Poco::Net::HTTPServerResponse &response) override;

  private:
    Backend &b_;
};

} // namespace fake_klaviyo
