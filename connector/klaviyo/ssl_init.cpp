#include "ssl_init.hpp"

#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>

namespace connector::klaviyo {

SslInit::SslInit() {
    Poco::Net::initializeSSL();
    // NOTE(Poco 1.11): without an explicit handler, SSLManager falls back to the Application
    // configuration (absent here), whose default is an interactive console prompt. The
    // client passes its own Context to each session, so no default context is set.
    Poco::Net::SSLManager::instance().initializeClient(
        nullptr, new Poco::Net::RejectCertificateHandler(false), nullptr);
}

SslInit::~SslInit() {
    Poco::Net::uninitializeSSL();
}

} // namespace connector::klaviyo
