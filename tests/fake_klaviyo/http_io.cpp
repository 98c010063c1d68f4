#include "http_io.hpp"

#include "ids.hpp"

#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>

#include <istream>
#include <map>

namespace fake_klaviyo {

namespace {
constexpr std::size_t drain_cap = 32 * 1024 * 1024;
}

bool read_body(Poco::Net::HTTPServerRequest &request,
               Poco::Net::HTTPServerResponse &response,
               std::size_t limit,
               std::string &out) {
    out.clear();
    // RFC 9112 6.3: a request with neither Content-Length nor chunked encoding has no body.
    // NOTE(Poco 1.11): for a POST without either, request.stream() reads until the client
    // closes the connection, so a bodyless `curl -X POST` on a kept-alive connection would hang.
    if (!request.hasContentLength() && !request.getChunkedTransferEncoding())
        return true;
    std::istream &in = request.stream();
    char buffer[65536];
    bool fits = true;
    if (request.hasContentLength()) {
        const auto length = request.getContentLength64();
        if (length > static_cast<Poco::Int64>(drain_cap)) {
            response.setKeepAlive(false);
            return false;
        }
        if (length > static_cast<Poco::Int64>(limit))
            fits = false;
        else
            out.reserve(static_cast<std::size_t>(length));
    }
    std::size_t seen = 0;
    while (in) {
        in.read(buffer, sizeof buffer);
        const auto n = static_cast<std::size_t>(in.gcount());
        seen += n;
        if (fits && seen <= limit) {
            out.append(buffer, n);
        } else {
            fits = false;
            out.clear();
        }
        if (seen > drain_cap) {
            response.setKeepAlive(false);
            return false;
        }
    }
    return fits;
}

void discard_body(Poco::Net::HTTPServerRequest &request,
                  Poco::Net::HTTPServerResponse &response,
                  std::size_t limit) {
    if (request.hasContentLength() && request.getContentLength64() == 0)
        return;
    std::string ignored;
    read_body(request, response, limit, ignored);
}

void set_status(Poco::Net::HTTPServerResponse &response, int status) {
    static const std::map<int, const char *> cloudflare = {
        {520, "Web Server Returned an Unknown Error"},
        {521, "Web Server Is Down"},
        {522, "Connection Timed Out"},
        {523, "Origin Is Unreachable"},
        {524, "A Timeout Occurred"},
        {525, "SSL Handshake Failed"},
        {526, "Invalid SSL Certificate"},
        {527, "Railgun Error"}};
    response.setStatus(std::to_string(status));
    if (auto it = cloudflare.find(status); it != cloudflare.end())
        response.setReason(it->second);
    else if (status >= 100 && status <= 511)
        response.setReason(Poco::Net::HTTPResponse::getReasonForStatus(
            static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status)));
    else
        response.setReason("Error");
}

void send_json(Poco::Net::HTTPServerResponse &response, int status, const Json &doc) {
    const std::string body = doc.dump();
    set_status(response, status);
    response.setContentType("application/vnd.api+json");
    response.sendBuffer(body.data(), body.size());
}

void send_errors(Poco::Net::HTTPServerResponse &response,
                 const std::vector<ApiError> &errors,
                 IdGenerator &ids) {
    std::vector<std::string> error_ids;
    for (std::size_t i = 0; i < errors.size(); ++i)
        error_ids.push_back(ids.uuid());
    send_json(response, errors.empty() ? 400 : errors.front().status,
              error_document(errors, error_ids));
}

void send_empty(Poco::Net::HTTPServerResponse &response, int status) {
    set_status(response, status);
    response.setContentLength(0);
    response.send();
}

void send_cloudflare(Poco::Net::HTTPServerResponse &response, int status) {
    const bool challenge = status == 403;
    const std::string title =
        challenge ? "Just a moment..." : "a.klaviyo.com | " + std::to_string(status) + ": error";
    const std::string heading = challenge ? "Checking your browser before accessing a.klaviyo.com"
                                          : "Error " + std::to_string(status);
    const std::string html = "<!DOCTYPE html>\n<html lang=\"en-US\"><head><title>" + title +
                             "</title><meta http-equiv=\"Content-Type\" content=\"text/html; "
                             "charset=UTF-8\"></head><body><div id=\"cf-wrapper\"><h1>" +
                             heading + "</h1><p>cloudflare</p></div></body></html>\n";
    set_status(response, status);
    if (challenge)
        response.set("cf-mitigated", "challenge");
    response.set("cf-ray", "8f00000000000000-FAKE");
    response.set("Server", "cloudflare");
    response.setContentType("text/html; charset=UTF-8");
    response.sendBuffer(html.data(), html.size());
}

void drop_connection(Poco::Net::HTTPServerRequest &request) {
    // NOTE(Poco 1.11): detaching the socket ends the server connection's request loop, and
    // nothing is written: the handler never touched the response.
    auto &impl = dynamic_cast<Poco::Net::HTTPServerRequestImpl &>(request);
    Poco::Net::StreamSocket socket = impl.detachSocket();
    try {
        socket.setLinger(true, 0); // reset, not a graceful close
        socket.close();
    } catch (const Poco::Exception &) {
        // already gone: the client sees the same thing
    }
}

} // namespace fake_klaviyo
