#pragma once

namespace connector::klaviyo {

/// Initialises Poco's OpenSSL layer for the life of the process (construct once, in main, before
/// any KlaviyoClient) and registers a handler that rejects every certificate OpenSSL could not
/// verify (never a console prompt).
class SslInit {
  public:
    SslInit();
    ~SslInit();
    SslInit(const SslInit &) = delete;
    SslInit &operator=(const SslInit &) = delete;
};

} // namespace connector::klaviyo
