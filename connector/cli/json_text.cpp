#include "json_text.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/JSONString.h>

#include <sstream>

namespace connector::cli {

std::string json_string(const std::string &text) {
    return Poco::toJSON(text, Poco::JSON_WRAP_STRINGS);
}

std::string json_object(const std::vector<sync::LogField> &fields) {
    std::string out = "{";
    for (const sync::LogField &f : fields) {
        if (out.size() > 1)
            out += ",";
        out += json_string(f.name) + ":";
        out += f.is_number && !f.value.empty() ? f.value : json_string(f.value);
    }
    return out + "}";
}

std::string pretty_json(const std::string &json) {
    try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        const Poco::Dynamic::Var parsed = parser.parse(json);
        std::ostringstream out;
        Poco::JSON::Stringifier::stringify(parsed, out, 2, -1,
                                           Poco::JSON_PRESERVE_KEY_ORDER | Poco::JSON_WRAP_STRINGS);
        return out.str();
    } catch (const Poco::Exception &) {
        return json;
    }
}

} // namespace connector::cli
