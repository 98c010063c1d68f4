#include "api_error.hpp"

namespace fake_klaviyo {

ApiError invalid(std::string detail, std::string pointer) {
    ApiError e;
    e.status = 400;
    e.code = "invalid";
    e.title = "Invalid input.";
    e.detail = std::move(detail);
    e.pointer = std::move(pointer);
    return e;
}

ApiError invalid_parameter(std::string detail, std::string parameter) {
    ApiError e = invalid(std::move(detail), "");
    e.parameter = std::move(parameter);
    return e;
}

ApiError api_error(int status, std::string code, std::string title, std::string detail) {
    ApiError e;
    e.status = status;
    e.code = std::move(code);
    e.title = std::move(title);
    e.detail = std::move(detail);
    return e;
}

ApiError throttled(int seconds) {
    ApiError e = api_error(429, "throttled", "Request was throttled.",
                           "Request was throttled. Expected available in " +
                               std::to_string(seconds) + (seconds == 1 ? " second." : " seconds."));
    e.pointer = "/data/";
    e.links.add("type", "https://developers.klaviyo.com/en/docs/rate_limits_and_error_handling");
    return e;
}

Json error_document(const std::vector<ApiError> &errors, const std::vector<std::string> &ids) {
    Json list = Json::array();
    for (std::size_t i = 0; i < errors.size(); ++i) {
        const ApiError &e = errors[i];
        Json source = Json::object();
        if (!e.pointer.empty())
            source.add("pointer", e.pointer);
        if (!e.parameter.empty())
            source.add("parameter", e.parameter);
        Json item = Json::object();
        item.add("id", i < ids.size() ? ids[i] : std::string());
        item.add("status", e.status);
        item.add("code", e.code);
        item.add("title", e.title);
        item.add("detail", e.detail);
        item.add("source", std::move(source));
        item.add("links", e.links);
        item.add("meta", e.meta);
        list.push(std::move(item));
    }
    Json doc = Json::object();
    doc.add("errors", std::move(list));
    return doc;
}

} // namespace fake_klaviyo
