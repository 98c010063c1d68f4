#include "json_text.hpp"

#include "json_writer.hpp"
#include "limits.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>

#include <cmath>
#include <string>

namespace connector::mapping {
namespace {

class Writer {
  public:
    explicit Writer(std::string &out) : out_(out) {}

    std::optional<ValueProblem> value(const Poco::Dynamic::Var &v, int depth) {
        if (v.isEmpty()) {
            out_ += "null";
            return std::nullopt;
        }
        if (v.type() == typeid(Poco::JSON::Object::Ptr))
            return object(*v.extract<Poco::JSON::Object::Ptr>(), depth);
        if (v.type() == typeid(Poco::JSON::Array::Ptr))
            return array(*v.extract<Poco::JSON::Array::Ptr>(), depth);
        if (v.isString())
            return string(v.extract<std::string>());
        if (v.isBoolean()) {
            out_ += v.extract<bool>() ? "true" : "false";
            return std::nullopt;
        }
        if (v.isInteger()) {
            if (v.isSigned())
                append_json_int(out_, v.convert<Poco::Int64>());
            else
                out_ += std::to_string(v.convert<Poco::UInt64>());
            return std::nullopt;
        }
        if (v.isNumeric()) {
            const double d = v.convert<double>();
            if (!std::isfinite(d))
                return ValueProblem{"invalid_number", "the JSON holds a number out of range"};
            append_json_double(out_, d);
            return std::nullopt;
        }
        return ValueProblem{"invalid_json", "the JSON holds a value of an unexpected type"};
    }

  private:
    std::optional<ValueProblem> nested(int depth) {
        if (depth > limits::max_nesting_depth)
            return ValueProblem{"too_deeply_nested", "the JSON nests deeper than Klaviyo's " +
                                                         std::to_string(limits::max_nesting_depth) +
                                                         " levels"};
        return std::nullopt;
    }

    std::optional<ValueProblem> object(const Poco::JSON::Object &o, int depth) {
        if (auto p = nested(depth))
            return p;
        out_ += '{';
        bool first = true;
        // NOTE(Poco 1.11): begin()/end() walk a sorted map even with preserveInsertionOrder;
        // only getNames() follows the text's order.
        for (const std::string &key : o.getNames()) {
            const Poco::Dynamic::Var child = o.get(key);
            if (!first)
                out_ += ',';
            first = false;
            if (auto p = string(key))
                return p;
            out_ += ':';
            if (auto p = value(child, depth + 1))
                return p;
        }
        out_ += '}';
        return std::nullopt;
    }

    std::optional<ValueProblem> array(const Poco::JSON::Array &a, int depth) {
        if (auto p = nested(depth))
            return p;
        if (a.size() > limits::max_array_items)
            return ValueProblem{"array_too_long", "the array has " + std::to_string(a.size()) +
                                                      " items; Klaviyo allows " +
                                                      std::to_string(limits::max_array_items)};
        out_ += '[';
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (i)
                out_ += ',';
            if (auto p = value(a.get(static_cast<unsigned>(i)), depth + 1))
                return p;
        }
        out_ += ']';
        return std::nullopt;
    }

    std::optional<ValueProblem> string(const std::string &s) {
        if (s.size() > limits::max_string_bytes)
            return ValueProblem{"string_too_long", "a string in the JSON has " +
                                                       std::to_string(s.size()) +
                                                       " bytes; Klaviyo allows " +
                                                       std::to_string(limits::max_string_bytes)};
        std::size_t bad = 0;
        if (!append_json_string(out_, s, &bad))
            return ValueProblem{"invalid_utf8", "a string in the JSON is not valid UTF-8 (byte " +
                                                    std::to_string(bad) + ")"};
        return std::nullopt;
    }

    std::string &out_;
};

const char *shape_name(JsonShape shape) {
    switch (shape) {
    case JsonShape::Array:
        return "a JSON array";
    case JsonShape::Object:
        return "a JSON object";
    case JsonShape::Any:
        break;
    }
    return "JSON";
}

} // namespace

std::optional<ValueProblem>
append_json_text(std::string &out, std::string_view text, JsonShape shape, int depth) {
    const std::size_t bad = find_invalid_utf8(text);
    if (bad != std::string_view::npos)
        return ValueProblem{"invalid_utf8",
                            "the text is not valid UTF-8 (byte " + std::to_string(bad) + ")"};
    Poco::Dynamic::Var parsed;
    try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        if (shape == JsonShape::Any) {
            // NOTE(Poco 1.11): the parser refuses a scalar at the top ("empty stack"), so a
            // scalar is read as the only item of an array.
            const Poco::Dynamic::Var wrapped = parser.parse("[" + std::string(text) + "]");
            const auto items = wrapped.extract<Poco::JSON::Array::Ptr>();
            if (items->size() != 1)
                throw Poco::JSON::JSONException("expected one value");
            parsed = items->get(0);
        } else {
            parsed = parser.parse(std::string(text));
        }
    } catch (const Poco::Exception &e) {
        return ValueProblem{"invalid_json", quote_excerpt(text) + " is not " + shape_name(shape) +
                                                " (" + e.displayText() + ")"};
    }
    const bool is_object = parsed.type() == typeid(Poco::JSON::Object::Ptr);
    const bool is_array = parsed.type() == typeid(Poco::JSON::Array::Ptr);
    if ((shape == JsonShape::Array && !is_array) || (shape == JsonShape::Object && !is_object))
        return ValueProblem{"invalid_json", quote_excerpt(text) + " is not " + shape_name(shape)};
    const std::size_t start = out.size();
    Writer writer(out);
    if (auto problem = writer.value(parsed, depth)) {
        out.resize(start);
        return problem;
    }
    return std::nullopt;
}

std::optional<std::string> decode_json_string(std::string_view json) {
    try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        const Poco::Dynamic::Var v = parser.parse("[" + std::string(json) + "]");
        const auto items = v.extract<Poco::JSON::Array::Ptr>();
        if (items->size() == 1 && items->get(0).isString())
            return items->get(0).extract<std::string>();
    } catch (const Poco::Exception &) {
    }
    return std::nullopt;
}

std::string quote_excerpt(std::string_view text, std::size_t max_chars) {
    static const char hex[] = "0123456789abcdef";
    // Invalid UTF-8 must not leak into messages, logs and the ledger: show its bytes as \xNN.
    const bool valid = find_invalid_utf8(text) == std::string_view::npos;
    std::string out = "\"";
    std::size_t i = 0;
    for (; i < text.size() && i < max_chars; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (c < 0x20 || c == 0x7F || (!valid && c >= 0x80)) {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 0xF];
        } else
            out += static_cast<char>(c);
    }
    if (i < text.size()) {
        // Do not cut a UTF-8 sequence in half.
        while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
            out.pop_back();
        if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0)
            out.pop_back();
        out += "…";
    }
    out += '"';
    return out;
}

} // namespace connector::mapping
