#include "admin_handler.hpp"

#include "http_io.hpp"
#include "json.hpp"
#include "limits.hpp"

#include <Poco/URI.h>

#include <stdexcept>

namespace fake_klaviyo {

namespace {

void send_plain_json(Poco::Net::HTTPServerResponse &response, int status, const Json &doc) {
    const std::string body = doc.dump();
    set_status(response, status);
    response.setContentType("application/json");
    response.sendBuffer(body.data(), body.size());
}

void send_message(Poco::Net::HTTPServerResponse &response, int status, const std::string &error) {
    Json doc = Json::object();
    doc.add("error", error);
    send_plain_json(response, status, doc);
}

} // namespace

void AdminHandler::handleRequest(Poco::Net::HTTPServerRequest &request,
                                 Poco::Net::HTTPServerResponse &response) {
    const Poco::URI uri(request.getURI());
    const std::string path = uri.getPath();
    const std::string method = request.getMethod();
    std::string body;
    if (!read_body(request, response, limits::max_body, body)) {
        return send_message(response, 413, "body too large");
    }
    try {
        if (path == "/__fake/health" && method == "GET") {
            Json doc = Json::object();
            doc.add("ok", true);
            return send_plain_json(response, 200, doc);
        }
        if (path == "/__fake/state" && method == "GET") {
            bool full = true;
            for (const auto &kv : uri.getQueryParameters()) {
                if (kv.first == "summary")
                    full = kv.second == "0" || kv.second == "false";
            }
            return send_plain_json(response, 200, b_.state(full));
        }
        if (path == "/__fake/reset" && method == "POST") {
            b_.reset();
            Json doc = Json::object();
            doc.add("reset", true);
            return send_plain_json(response, 200, doc);
        }
        if (path == "/__fake/faults") {
            if (method == "GET")
                return send_plain_json(response, 200, b_.faults.state());
            if (method == "DELETE") {
                b_.faults.clear();
                return send_plain_json(response, 200, b_.faults.state());
            }
            if (method == "POST") {
                Json doc;
                try {
                    doc = Json::parse(body);
                } catch (const JsonError &e) {
                    return send_message(response, 400,
                                        std::string("the faults document is not valid JSON: ") +
                                            e.what());
                }
                try {
                    b_.faults.install(doc);
                } catch (const std::invalid_argument &e) {
                    return send_message(response, 400, e.what());
                }
                return send_plain_json(response, 200, b_.faults.state());
            }
        }
        send_message(response, 404,
                     "no such fake endpoint: " + method + " " + path +
                         " (GET /__fake/state, POST /__fake/reset, GET|POST|DELETE "
                         "/__fake/faults, GET /__fake/health)");
    } catch (const std::exception &e) {
        if (!response.sent())
            send_message(response, 500, std::string("fake internal error: ") + e.what());
    }
}

} // namespace fake_klaviyo
