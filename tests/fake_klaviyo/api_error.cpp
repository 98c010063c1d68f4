#include "api_error.hpp"

#include "json_util.hpp"

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

Poco::JSON::Object::Ptr error_document(const std::vector<ApiError> &errors,
                                       const std::vector<std::string> &ids) {
    auto list = new_array();
    for (std::size_t i = 0; i < errors.size(); ++i) {
        const ApiError &e = errors[i];
        auto item = new_object();
        item->set("id", i < ids.size() ? ids[i] : std::string());
        item->set("status", e.status);
        item->set("code", e.code);
        item->set("title", e.title);
        item->set("detail", e.detail);
        auto source = new_object();
        if (!e.pointer.empty())
            source->set("pointer", e.pointer);
        if (!e.parameter.empty())
            source->set("parameter", e.parameter);
        item->set("source", source);
        item->set("links", e.links ? e.links : new_object());
        item->set("meta", e.meta ? e.meta : new_object());
        list->add(item);
    }
    auto doc = new_object();
    doc->set("errors", list);
    return doc;
}

} // namespace fake_klaviyo
