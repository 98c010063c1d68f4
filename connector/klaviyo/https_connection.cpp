#include "https_connection.hpp"

#include "core/error.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/Net/SocketImpl.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>
#include <sys/socket.h>

namespace connector::klaviyo {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// NOTE(Poco 1.11): HTTPResponse keeps the status as an HTTPStatus enum whose enumerators end at
// 511, so reading a Cloudflare 52x through getStatus() loads an out-of-range enum value (UB;
// UBSan stops there). write() prints the number from inside Poco: parse it from the status line.
int status_code(const Poco::Net::HTTPResponse &response) {
    std::ostringstream head;
    response.write(head);
    const std::string line = head.str();
    const auto space = line.find(' ');
    if (space == std::string::npos)
        return 0;
    int status = 0;
    for (std::size_t i = space + 1; i < line.size() && i < space + 4; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(line[i])))
            return 0;
        status = status * 10 + (line[i] - '0');
    }
    return status;
}

Poco::Timespan span(std::chrono::milliseconds ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

} // namespace

ServerAddress parse_base_url(const std::string &url) {
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (const Poco::Exception &e) {
        throw ConfigError("--klaviyo-url " + url + " is not a URL: " + e.displayText());
    }
    if (lower(uri.getScheme()) != "https")
        throw ConfigError("--klaviyo-url " + url +
                          " must start with https:// (the API key is never sent in clear text)");
    if (uri.getHost().empty())
        throw ConfigError("--klaviyo-url " + url + " has no host");
    if (!uri.getQuery().empty() || !uri.getFragment().empty())
        throw ConfigError("--klaviyo-url " + url + " must not have a query or fragment");
    ServerAddress a;
    a.host = uri.getHost();
    a.port = uri.getPort();
    a.path_prefix = uri.getPath();
    while (!a.path_prefix.empty() && a.path_prefix.back() == '/')
        a.path_prefix.pop_back();
    a.origin = "https://" + a.host + (a.port == 443 ? "" : ":" + std::to_string(a.port));
    return a;
}

struct TlsContext::Impl {
    Poco::Net::Context::Ptr context;
};

TlsContext::TlsContext(const std::string &ca_file) : impl_(std::make_unique<Impl>()) {
    if (!ca_file.empty() && !std::ifstream(ca_file))
        throw ConfigError("cannot read the CA file " + ca_file + " (--ca-file)");
    Poco::Net::Context::Params params;
    params.caLocation = ca_file;
    params.loadDefaultCAs = ca_file.empty();
    // NOTE(Poco 1.11): VERIFY_RELAXED skips the host-name check for loopback names;
    // VERIFY_STRICT checks it everywhere and, for a client, otherwise behaves the same.
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.verificationDepth = 9;
    params.cipherList = "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES";
    try {
        impl_->context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
        impl_->context->disableProtocols(
            Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
            Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
    } catch (const Poco::Exception &e) {
        throw ConfigError(ca_file.empty()
                              ? "cannot set up TLS with the system CAs: " + e.displayText()
                              : "cannot load the CA file " + ca_file + ": " + e.displayText());
    }
}

TlsContext::~TlsContext() = default;

std::string HttpResponse::header(const std::string &name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

struct HttpsConnection::Impl {
    Impl(const TlsContext &tls, const ServerAddress &server)
        : session(server.host, server.port, tls.impl().context) {}
    Poco::Net::HTTPSClientSession session;
};

HttpsConnection::HttpsConnection(const TlsContext &tls,
                                 const ServerAddress &server,
                                 const Timeouts &timeouts)
    : impl_(std::make_unique<Impl>(tls, server)) {
    impl_->session.setKeepAlive(true);
    impl_->session.setTimeout(span(timeouts.connect), span(timeouts.send), span(timeouts.receive));
}

HttpsConnection::~HttpsConnection() = default;

HttpResult HttpsConnection::perform(const std::string &method,
                                    const std::string &target,
                                    const Headers &headers,
                                    const std::string &body) {
    HttpResult result;
    auto &session = impl_->session;
    try {
        Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
        request.setKeepAlive(true);
        for (const auto &[name, value] : headers)
            request.set(name, value);
        if (method != Poco::Net::HTTPRequest::HTTP_GET)
            request.setContentLength(static_cast<std::streamsize>(body.size()));
        std::ostream &out = session.sendRequest(request);
        socket_fd_.store(static_cast<int>(session.socket().impl()->sockfd()));
        out.write(body.data(), static_cast<std::streamsize>(body.size()));
        out.flush();
        Poco::Net::HTTPResponse response;
        std::istream &in = session.receiveResponse(response);
        Poco::StreamCopier::copyToString(in, result.response.body);
        socket_fd_.store(-1);
        result.response.status = status_code(response);
        for (const auto &[name, value] : response)
            result.response.headers[lower(name)] = value;
        if (!in.good() && !in.eof())
            throw Poco::Net::MessageException("the response body ended early");
        return result;
    } catch (const Poco::Net::CertificateValidationException &e) {
        result.failure = FailureKind::TlsWrongHost;
        result.error = e.displayText();
    } catch (const Poco::Net::SSLException &e) {
        const std::string text = e.displayText();
        result.failure = text.find("certificate verify failed") != std::string::npos
                             ? FailureKind::TlsUntrusted
                             : FailureKind::Network;
        result.error = text;
    } catch (const Poco::Exception &e) {
        result.failure = FailureKind::Network;
        result.error = e.displayText();
    } catch (const std::exception &e) {
        result.failure = FailureKind::Network;
        result.error = e.what();
    }
    socket_fd_.store(-1);
    result.response = HttpResponse{};
    session.reset();
    return result;
}

void HttpsConnection::interrupt() noexcept {
    const int fd = socket_fd_.load();
    if (fd >= 0)
        ::shutdown(fd, SHUT_RDWR);
}

} // namespace connector::klaviyo
