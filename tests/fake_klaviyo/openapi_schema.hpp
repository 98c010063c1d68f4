#pragma once

#include "api_error.hpp"
#include "json.hpp"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fake_klaviyo {

/// The request-body schemas of the operations the fake serves, read from Klaviyo's own OpenAPI
/// files (one file per operation, as klaviyo/openapi publishes them under stable/apis/), so the
/// field names and JSON:API structure the fake accepts are exactly the published ones.
///
/// Supports the subset of OpenAPI 3.0 those files use: type, properties, required, enum,
/// nullable, oneOf, items, format: date-time and $ref into components.schemas. Objects that list
/// their properties are closed: any other member is "not a valid field" (Klaviyo rejects unknown
/// attributes); objects without a property list (such as `properties`) are free-form.
class OpenApiSchemas {
  public:
    /// Loads `<dir>/<operation>.json` for each operation in `operations`. Throws
    /// std::runtime_error naming the file when one is missing or not an OpenAPI document with a
    /// JSON:API request body.
    OpenApiSchemas(const std::string &dir, const std::vector<std::string> &operations);
    ~OpenApiSchemas();
    OpenApiSchemas(const OpenApiSchemas &) = delete;
    OpenApiSchemas &operator=(const OpenApiSchemas &) = delete;

    /// Checks `body` against the request schema of `operation`, appending at most `max_errors`
    /// 400 "invalid" errors whose source.pointer is the JSON pointer of the offending value.
    void validate(const std::string &operation,
                  const Json &body,
                  std::vector<ApiError> &errors,
                  std::size_t max_errors) const;

    struct Node;

  private:
    const Node *compile(const Json &schema,
                        const Json &components,
                        std::map<std::string, const Node *> &named,
                        int depth);

    std::vector<std::unique_ptr<Node>> nodes_;
    std::map<std::string, const Node *> roots_;
};

} // namespace fake_klaviyo
