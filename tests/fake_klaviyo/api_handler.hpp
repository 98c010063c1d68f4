#pragma once

#include "backend.hpp"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace fake_klaviyo {

/// Serves one request to /api/...: faults, authentication, revision, rate limits, content type,
/// body size, then the operation (see operations.hpp).
class ApiHandler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit ApiHandler(Backend &backend) : b_(backend) {}
    void handleRequest(Poco::Net::HTTPServerRequest &request,
                       Poco::Net::HTTPServerResponse &response) override;

  private:
    Backend &b_;
};

/// Sends /__fake/... to the admin handler and everything else to ApiHandler.
class HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit HandlerFactory(Backend &backend) : b_(backend) {}
    Poco::Net::HTTPRequestHandler *
    createRequestHandler(const Poco::Net::HTTPServerRequest &request) override;

  private:
    Backend &b_;
};

} // namespace fake_klaviyo
