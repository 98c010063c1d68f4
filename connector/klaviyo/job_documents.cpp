#include "job_documents.hpp"

#include "core/record.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace connector::klaviyo {
namespace {

using Poco::JSON::Object;

std::string text(const Object::Ptr &obj, const std::string &name) {
    if (!obj || !obj->has(name))
        return {};
    const Poco::Dynamic::Var v = obj->get(name);
    if (v.isEmpty())
        return {};
    return v.isString() ? v.extract<std::string>() : v.toString();
}

long number(const Object::Ptr &obj, const std::string &name) {
    if (!obj || !obj->has(name))
        return -1;
    const Poco::Dynamic::Var v = obj->get(name);
    if (v.isEmpty())
        return -1;
    try {
        return static_cast<long>(v.convert<Poco::Int64>());
    } catch (const Poco::Exception &) {
        return -1;
    }
}

Object::Ptr parse_object(const std::string &body) {
    Poco::JSON::Parser parser;
    return parser.parse(body).extract<Object::Ptr>();
}

} // namespace

std::optional<JobStatus> parse_job_status(const std::string &body) {
    try {
        const auto root = parse_object(body);
        const auto data = root ? root->getObject("data") : nullptr;
        if (!data)
            return std::nullopt;
        JobStatus job;
        job.id = text(data, "id");
        if (job.id.empty())
            return std::nullopt;
        const auto attributes = data->getObject("attributes");
        job.status = text(attributes, "status");
        job.total_count = number(attributes, "total_count");
        job.completed_count = number(attributes, "completed_count");
        job.failed_count = number(attributes, "failed_count");
        return job;
    } catch (const std::exception &) {
        // Poco::Exception (a syntax error, a bad cast) derives from std::exception.
        return std::nullopt;
    }
}

std::optional<ImportErrorPage> parse_import_errors(const std::string &body) {
    try {
        const auto root = parse_object(body);
        const auto data = root ? root->getArray("data") : nullptr;
        if (!data)
            return std::nullopt;
        ImportErrorPage page;
        for (std::size_t i = 0; i < data->size(); ++i) {
            const auto item = data->getObject(static_cast<unsigned>(i));
            if (!item)
                continue;
            const auto attributes = item->getObject("attributes");
            ImportError e;
            e.error.code = text(attributes, "code");
            e.error.title = text(attributes, "title");
            e.error.detail = text(attributes, "detail");
            if (attributes) {
                if (const auto source = attributes->getObject("source"))
                    e.error.pointer = text(source, "pointer");
                if (auto payload = attributes->getObject("original_payload")) {
                    if (const auto inner = payload->getObject("attributes"))
                        payload = inner;
                    e.key = profile_key(text(payload, "external_id"), text(payload, "email"),
                                        text(payload, "phone_number"));
                }
            }
            page.errors.push_back(std::move(e));
        }
        if (const auto links = root->getObject("links"))
            page.next = text(links, "next");
        return page;
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

} // namespace connector::klaviyo
