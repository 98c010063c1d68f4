#pragma once

#include "api_error.hpp"
#include "json.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstddef>
#include <string>
#include <vector>

namespace fake_klaviyo {

class IdGenerator;

/// Reads the request body into `out`, at most `limit` bytes. Returns false when the body is
/// larger: then the rest is read and discarded (up to 32 MB), so the client gets to read the
/// answer instead of a reset; when even that is not enough, the response is marked to close the
/// connection.
bool read_body(Poco::Net::HTTPServerRequest &request,
               Poco::Net::HTTPServerResponse &response,
               std::size_t limit,
               std::string &out);
/// Reads and discards the body (up to `limit`), so the connection can serve the next request;
/// when the body is larger, marks the response to close the connection.
void discard_body(Poco::Net::HTTPServerRequest &request,
                  Poco::Net::HTTPServerResponse &response,
                  std::size_t limit);

/// Sets the status line. Takes any code, including Cloudflare's 520-527 that Poco's HTTPStatus
/// enum does not hold (casting those to it would be undefined behaviour).
void set_status(Poco::Net::HTTPServerResponse &response, int status);
/// Sends `doc` as application/vnd.api+json with `status`.
void send_json(Poco::Net::HTTPServerResponse &response, int status, const Json &doc);
/// Sends Klaviyo's error document for `errors` (status of the first).
void send_errors(Poco::Net::HTTPServerResponse &response,
                 const std::vector<ApiError> &errors,
                 IdGenerator &ids);
/// Sends `status` with no body (Content-Length: 0).
void send_empty(Poco::Net::HTTPServerResponse &response, int status);
/// Sends Cloudflare's HTML page for `status`, as the CDN in front of Klaviyo does for its own
/// errors: a challenge page for 403 (with cf-mitigated: challenge), an error page otherwise.
void send_cloudflare(Poco::Net::HTTPServerResponse &response, int status);
/// Closes the connection at once without an answer (TCP reset), so the client cannot tell
/// whether the request was processed.
void drop_connection(Poco::Net::HTTPServerRequest &request);

} // namespace fake_klaviyo
