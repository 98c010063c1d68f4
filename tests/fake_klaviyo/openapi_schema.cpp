#include "openapi_schema.hpp"

#include "json_util.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace fake_klaviyo {

struct OpenApiSchemas::Node {
    enum class Type { Any, Object, Array, String, Number, Integer, Boolean };
    Type type = Type::Any;
    bool nullable = false;
    bool date_time = false;
    bool has_properties = false;
    std::vector<std::string> enum_values;
    std::map<std::string, const Node *> properties;
    std::vector<std::string> required;
    const Node *items = nullptr;
    std::vector<const Node *> one_of;
};

namespace {

using Node = OpenApiSchemas::Node;

Json load_json(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read OpenAPI file " + path);
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return Json::parse(text.str());
    } catch (const JsonError &e) {
        throw std::runtime_error("OpenAPI file " + path + " is not valid JSON: " + e.what());
    }
}

// Python's names for JSON types: Klaviyo's API is Django REST framework and says "got type
// \"str\"" in its messages.
std::string python_type(const Json &v) {
    switch (v.type()) {
    case Json::Type::Null:
        return "NoneType";
    case Json::Type::Object:
        return "dict";
    case Json::Type::Array:
        return "list";
    case Json::Type::String:
        return "str";
    case Json::Type::Bool:
        return "bool";
    case Json::Type::Int:
        return "int";
    case Json::Type::Double:
        return "float";
    }
    return "float";
}

struct Walker {
    std::vector<ApiError> &errors;
    std::size_t max;

    bool full() const { return errors.size() >= max; }
    void add(std::string detail, const JsonPath &path) {
        if (full())
            return;
        std::string pointer = path.str();
        errors.push_back(invalid(std::move(detail), pointer.empty() ? "/" : pointer));
    }

    void check(const Node &n, const Json &v, const JsonPath &ptr, const std::string &resource) {
        if (full())
            return;
        if (v.is_null()) {
            if (!n.nullable)
                add("This field may not be null.", ptr);
            return;
        }
        if (!n.one_of.empty()) {
            for (const Node *alt : n.one_of) {
                std::vector<ApiError> scratch;
                Walker w{scratch, 1};
                w.check(*alt, v, ptr, resource);
                if (scratch.empty())
                    return;
            }
            std::string kinds;
            for (const Node *alt : n.one_of) {
                if (!kinds.empty())
                    kinds += " or ";
                kinds += alt->type == Node::Type::String    ? "a string"
                         : alt->type == Node::Type::Array   ? "a list of strings"
                         : alt->type == Node::Type::Object  ? "an object"
                         : alt->type == Node::Type::Boolean ? "a boolean"
                                                            : "a number";
            }
            add("Must be " + kinds + ".", ptr);
            return;
        }
        switch (n.type) {
        case Node::Type::Any:
            return;
        case Node::Type::Object:
            check_object(n, v, ptr, resource);
            return;
        case Node::Type::Array: {
            if (!v.is_array()) {
                add("Expected a list of items but got type \"" + python_type(v) + "\".", ptr);
                return;
            }
            if (!n.items)
                return;
            const auto &items = v.items();
            for (std::size_t i = 0; i < items.size() && !full(); ++i)
                check(*n.items, items[i], ptr.child(i), resource);
            return;
        }
        case Node::Type::String: {
            if (!v.is_string()) {
                add("Not a valid string.", ptr);
                return;
            }
            const std::string &s = v.as_string();
            if (!n.enum_values.empty()) {
                bool found = false;
                for (const auto &e : n.enum_values)
                    found = found || e == s;
                if (!found)
                    add("\"" + s + "\" is not a valid choice.", ptr);
            }
            if (n.date_time && !parse_iso_time(s))
                add("Datetime has wrong format. Use one of these formats instead: "
                    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].",
                    ptr);
            return;
        }
        case Node::Type::Number:
            if (!v.is_number())
                add("A valid number is required.", ptr);
            return;
        case Node::Type::Integer:
            if (!v.is_int())
                add("A valid integer is required.", ptr);
            return;
        case Node::Type::Boolean:
            if (!v.is_bool())
                add("Must be a valid boolean.", ptr);
            return;
        }
    }

    void check_object(const Node &n, const Json &v, const JsonPath &ptr, std::string resource) {
        if (!v.is_object()) {
            add("Expected a dictionary of items but got type \"" + python_type(v) + "\".", ptr);
            return;
        }
        // A JSON:API resource object names its resource through the single-valued "type" enum.
        auto type_it = n.properties.find("type");
        if (type_it != n.properties.end() && type_it->second->enum_values.size() == 1)
            resource = type_it->second->enum_values.front();
        for (const auto &name : n.required) {
            if (!v.has(name))
                add("'" + name + "' is a required field for the resource '" + resource + "'.",
                    ptr.child(name));
        }
        if (!n.has_properties)
            return;
        for (const auto &kv : v.members()) {
            if (full())
                return;
            auto it = n.properties.find(kv.first);
            const JsonPath child = ptr.child(kv.first);
            if (it == n.properties.end())
                add("'" + kv.first + "' is not a valid field for the resource '" + resource + "'.",
                    child);
            else
                check(*it->second, kv.second, child, resource);
        }
    }
};

} // namespace

OpenApiSchemas::~OpenApiSchemas() = default;

OpenApiSchemas::OpenApiSchemas(const std::string &dir, const std::vector<std::string> &operations) {
    for (const auto &op : operations) {
        const std::string path = dir + "/" + op + ".json";
        const Json doc = load_json(path);
        const Json &components = doc["components"]["schemas"];
        const Json &paths = doc["paths"];
        if (paths.size() != 1)
            throw std::runtime_error("OpenAPI file " + path + " does not describe one path");
        const Json &ops = paths.members().front().second;
        const Json *operation = ops.find("post");
        if (!operation)
            operation = ops.find("patch");
        const Json &schema =
            operation ? (*operation)["requestBody"]["content"]["application/vnd.api+json"]["schema"]
                      : Json();
        if (schema.is_null())
            throw std::runtime_error("OpenAPI file " + path +
                                     " has no application/vnd.api+json request body");
        std::map<std::string, const Node *> named;
        roots_[op] = compile(schema, components, named, 0);
    }
}

const OpenApiSchemas::Node *OpenApiSchemas::compile(const Json &schema,
                                                    const Json &components,
                                                    std::map<std::string, const Node *> &named,
                                                    int depth) {
    if (depth > 64)
        throw std::runtime_error("schema nesting too deep (recursive $ref?)");
    if (!schema.is_object())
        throw std::runtime_error("schema is not an object");
    if (auto ref = member_string(schema, "$ref")) {
        const std::string prefix = "#/components/schemas/";
        if (ref->compare(0, prefix.size(), prefix) != 0)
            throw std::runtime_error("unsupported $ref " + *ref);
        const std::string name = ref->substr(prefix.size());
        const Node *target = nullptr;
        auto found = named.find(name);
        if (found != named.end()) {
            target = found->second;
        } else {
            const Json *def = components.find(name);
            if (!def)
                throw std::runtime_error("unresolved $ref " + *ref);
            target = compile(*def, components, named, depth + 1);
            named[name] = target;
        }
        // "$ref" with a sibling "nullable": a copy of the target that also accepts null.
        if (schema["nullable"].as_bool() && !target->nullable) {
            nodes_.push_back(std::make_unique<Node>(*target));
            nodes_.back()->nullable = true;
            return nodes_.back().get();
        }
        return target;
    }
    Node n;
    n.nullable = schema["nullable"].as_bool();
    const std::string type = member_string(schema, "type").value_or("");
    if (type == "object")
        n.type = Node::Type::Object;
    else if (type == "array")
        n.type = Node::Type::Array;
    else if (type == "string")
        n.type = Node::Type::String;
    else if (type == "number")
        n.type = Node::Type::Number;
    else if (type == "integer")
        n.type = Node::Type::Integer;
    else if (type == "boolean")
        n.type = Node::Type::Boolean;
    n.date_time = member_string(schema, "format").value_or("") == "date-time";
    for (const auto &e : schema["enum"].items())
        n.enum_values.push_back(e.is_string() ? e.as_string() : e.dump());
    for (const auto &r : schema["required"].items())
        n.required.push_back(r.as_string());
    if (const Json *props = schema.find("properties")) {
        n.has_properties = true;
        for (const auto &kv : props->members())
            n.properties[kv.first] = compile(kv.second, components, named, depth + 1);
    }
    if (const Json *items = schema.find("items"))
        n.items = compile(*items, components, named, depth + 1);
    for (const auto &alt : schema["oneOf"].items())
        n.one_of.push_back(compile(alt, components, named, depth + 1));
    nodes_.push_back(std::make_unique<Node>(std::move(n)));
    return nodes_.back().get();
}

void OpenApiSchemas::validate(const std::string &operation,
                              const Json &body,
                              std::vector<ApiError> &errors,
                              std::size_t max_errors) const {
    auto it = roots_.find(operation);
    if (it == roots_.end())
        throw std::logic_error("no schema loaded for operation " + operation);
    // The top-level document has no "type" of its own: name the resource of its data.
    std::string resource;
    auto data = it->second->properties.find("data");
    if (data != it->second->properties.end()) {
        auto type = data->second->properties.find("type");
        if (type != data->second->properties.end() && type->second->enum_values.size() == 1)
            resource = type->second->enum_values.front();
    }
    Walker w{errors, max_errors};
    const std::string root;
    w.check(*it->second, body, JsonPath::root(root), resource);
}

} // namespace fake_klaviyo
