// load_mapping_file: the mapping file's JSON (docs/mapping.md) into a MappingSpec.
#include "core/error.hpp"
#include "json_syntax.hpp"
#include "json_text.hpp"
#include "mapping_spec.hpp"
#include "phone_normalizer.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/ParseHandler.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <fstream>
#include <initializer_list>
#include <optional>
#include <sstream>

namespace connector::mapping {
namespace {

using Poco::Dynamic::Var;
using Poco::JSON::Array;
using Poco::JSON::Object;

class FileReader {
  public:
    explicit FileReader(std::string path) : path_(std::move(path)) {}

    [[noreturn]] void fail(const std::string &key, const std::string &what) const {
        throw ConfigError("mapping file " + path_ + ": " + (key.empty() ? "" : key + ": ") + what);
    }

    Object::Ptr parse() const {
        std::ifstream in(path_, std::ios::binary);
        if (!in)
            fail("", "cannot be read; check the path given to --mapping");
        std::ostringstream read;
        read << in.rdbuf();
        // Editors on Windows may start the file with a byte-order mark; it is no JSON.
        const std::string text(strip_utf8_bom(read.str()));
        try {
            Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
            const Var root = parser.parse(text);
            if (root.type() != typeid(Object::Ptr))
                fail("", "must hold one JSON object ({...}) at the top");
            return root.extract<Object::Ptr>();
        } catch (const Poco::Exception &e) {
            fail("", "is not valid JSON" + where_invalid(text) + " (" + e.displayText() +
                         "); check commas, quotes and braces near that spot");
        }
    }

    // " at line 3, column 7" where the text stops being JSON ("" when the scan disagrees with
    // Poco, which then keeps the only say).
    static std::string where_invalid(const std::string &text) {
        const std::optional<JsonSyntaxPosition> at = find_json_syntax_error(text);
        if (!at)
            return "";
        const std::string place =
            "line " + std::to_string(at->line) + ", column " + std::to_string(at->column);
        return at->at_end ? " at its end (" + place + ")" : " at " + place;
    }

    void only_keys(const Object &o,
                   const std::string &where,
                   std::initializer_list<const char *> allowed) const {
        for (const std::string &key : o.getNames()) {
            bool ok = false;
            std::string list;
            for (const char *a : allowed) {
                ok = ok || key == a;
                list += std::string(list.empty() ? "" : ", ") + a;
            }
            if (!ok)
                fail(where.empty() ? key : where + "." + key,
                     "unknown key; allowed here: " + list + " (see docs/mapping.md)");
        }
    }

    std::string string(const Var &v, const std::string &key, const std::string &example) const {
        if (!v.isString())
            fail(key, "must be a string, e.g. " + example);
        return v.extract<std::string>();
    }

    bool boolean(const Var &v, const std::string &key) const {
        if (!v.isBoolean())
            fail(key, "must be true or false");
        return v.extract<bool>();
    }

    Object::Ptr object(const Var &v, const std::string &key, const std::string &example) const {
        if (v.type() != typeid(Object::Ptr))
            fail(key, "must be an object, e.g. " + example);
        return v.extract<Object::Ptr>();
    }

    Cast cast(const Var &v, const std::string &key) const {
        static const std::pair<const char *, Cast> names[] = {
            {"auto", Cast::Auto},         {"string", Cast::String},   {"number", Cast::Number},
            {"integer", Cast::Integer},   {"boolean", Cast::Boolean}, {"date", Cast::Date},
            {"datetime", Cast::DateTime}, {"array", Cast::Array},     {"object", Cast::Object}};
        const std::string s = string(v, key, "\"number\"");
        for (const auto &[name, c] : names)
            if (s == name)
                return c;
        fail(key, "\"" + s +
                      "\" is not a cast; use auto, string, number, integer, boolean, date, "
                      "datetime, array or object");
    }

    NullPolicy null_policy(const Var &v, const std::string &key) const {
        const std::string s = string(v, key, "\"keep\"");
        if (s == "keep")
            return NullPolicy::Keep;
        if (s == "clear")
            return NullPolicy::Clear;
        if (s == "unset")
            return NullPolicy::Unset;
        fail(key, "\"" + s +
                      "\" is not a null policy; use keep (leave Klaviyo's value), clear (send "
                      "null) or unset (remove the property)");
    }

    std::string json(const Var &v, const std::string &key) const {
        std::ostringstream raw;
        Poco::JSON::Stringifier::condense(v, raw);
        std::string out;
        if (auto problem = append_json_text(out, raw.str(), JsonShape::Any, 1))
            fail(key, problem->message);
        return out;
    }

    const std::string &path() const { return path_; }

  private:
    std::string path_;
};

std::string key_of(const std::string &section, const std::string &name) {
    return section + ".\"" + name + "\"";
}

void read_column(const FileReader &f, MappingSpec &spec, const std::string &column, const Var &v) {
    const std::string key = key_of("columns", column);
    ColumnRule rule;
    rule.column = column;
    rule.origin = key;
    if (v.isString()) {
        rule.to = v.extract<std::string>();
    } else if (v.type() == typeid(Object::Ptr)) {
        const Object::Ptr o = v.extract<Object::Ptr>();
        f.only_keys(*o, key, {"to", "cast", "delimiter", "null", "ignore"});
        if (o->has("ignore"))
            rule.ignore = f.boolean(o->get("ignore"), key + ".ignore");
        if (o->has("to"))
            rule.to = f.string(o->get("to"), key + ".to", "\"properties.plan\"");
        else
            rule.to = column;
        if (o->has("cast"))
            rule.cast = f.cast(o->get("cast"), key + ".cast");
        if (o->has("delimiter")) {
            rule.delimiter = f.string(o->get("delimiter"), key + ".delimiter", "\",\"");
            if (rule.delimiter.empty())
                f.fail(key + ".delimiter", "must not be empty; leave it out to read JSON arrays");
            if (rule.cast != Cast::Array)
                f.fail(key + ".delimiter", "only applies with \"cast\": \"array\"; add that cast");
        }
        if (o->has("null"))
            rule.on_null = f.null_policy(o->get("null"), key + ".null");
    } else {
        f.fail(key, "must be a destination string such as \"email\" or an object such as "
                    "{\"to\": \"properties.tags\", \"cast\": \"array\", \"delimiter\": \";\"}");
    }
    if (!rule.ignore && rule.to.empty())
        f.fail(key, "has an empty destination; name a field such as \"email\" or "
                    "\"properties.plan\", or set \"ignore\": true");
    spec.columns.push_back(std::move(rule));
}

// The seed's "Source -> property" lines: a rename per string.
void read_arrows(const FileReader &f, MappingSpec &spec, const Var &v) {
    if (v.type() != typeid(Array::Ptr))
        f.fail("map", "must be a list of \"column -> destination\" strings");
    const Array::Ptr list = v.extract<Array::Ptr>();
    for (std::size_t i = 0; i < list->size(); ++i) {
        const std::string key = "map[" + std::to_string(i) + "]";
        const std::string line =
            f.string(list->get(static_cast<unsigned>(i)), key, "\"Total -> $value\"");
        const std::size_t arrow = line.find("->");
        const auto strip = [](std::string s) {
            const auto b = s.find_first_not_of(" \t");
            const auto e = s.find_last_not_of(" \t");
            return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
        };
        if (arrow == std::string::npos)
            f.fail(key, "\"" + line + "\" has no \"->\"; write \"column -> destination\"");
        ColumnRule rule;
        rule.column = strip(line.substr(0, arrow));
        rule.to = strip(line.substr(arrow + 2));
        rule.origin = key;
        if (rule.column.empty() || rule.to.empty())
            f.fail(key, "\"" + line + "\" needs a column before and a destination after \"->\"");
        spec.columns.push_back(std::move(rule));
    }
}

void read_event(const FileReader &f, MappingSpec &spec, const Var &v) {
    const Object::Ptr o = f.object(v, "event", "{\"metric\": \"Placed Order\"}");
    f.only_keys(*o, "event",
                {"metric", "metric_column", "time_column", "value_column", "value_currency",
                 "value_currency_column", "unique_id_column", "backfill"});
    const auto column = [&](const char *name, const char *to) {
        if (!o->has(name))
            return;
        const std::string key = std::string("event.") + name;
        ColumnRule rule;
        rule.column = f.string(o->get(name), key, "\"ordered_at\"");
        rule.to = to;
        rule.origin = key;
        spec.columns.push_back(std::move(rule));
    };
    if (o->has("metric") && o->has("metric_column"))
        f.fail("event.metric", "give either metric (a constant name) or metric_column, not both");
    if (o->has("metric")) {
        const std::string name = f.string(o->get("metric"), "event.metric", "\"Placed Order\"");
        spec.constants.push_back({"metric", f.json(Var(name), "event.metric"), "event.metric"});
    }
    if (o->has("value_currency") && o->has("value_currency_column"))
        f.fail("event.value_currency",
               "give either value_currency (a constant code) or value_currency_column, not both");
    if (o->has("value_currency")) {
        const std::string code =
            f.string(o->get("value_currency"), "event.value_currency", "\"EUR\"");
        spec.constants.push_back(
            {"value_currency", f.json(Var(code), "event.value_currency"), "event.value_currency"});
    }
    if (o->has("backfill"))
        spec.constants.push_back(
            {"backfill", f.boolean(o->get("backfill"), "event.backfill") ? "true" : "false",
             "event.backfill"});
    column("metric_column", "metric");
    column("time_column", "time");
    column("value_column", "value");
    column("value_currency_column", "value_currency");
    column("unique_id_column", "unique_id");
}

} // namespace

MappingSpec load_mapping_file(const std::string &path) {
    const FileReader f(path);
    const Object::Ptr root = f.parse();
    f.only_keys(*root, "",
                {"description", "columns", "map", "constants", "unmapped_columns", "null", "phone",
                 "event"});
    MappingSpec spec;
    spec.source = "mapping file " + path;
    if (root->has("description"))
        f.string(root->get("description"), "description", "\"VIP customers\"");
    if (root->has("columns")) {
        const Object::Ptr columns =
            f.object(root->get("columns"), "columns", "{\"Email\": \"email\"}");
        // NOTE(Poco 1.11): iterate getNames(), which keeps the file's order; begin() sorts.
        for (const std::string &name : columns->getNames())
            read_column(f, spec, name, columns->get(name));
    }
    if (root->has("map"))
        read_arrows(f, spec, root->get("map"));
    if (root->has("constants")) {
        const Object::Ptr constants =
            f.object(root->get("constants"), "constants", "{\"properties.source\": \"warehouse\"}");
        for (const std::string &to : constants->getNames()) {
            const Var value = constants->get(to);
            const std::string key = key_of("constants", to);
            if (value.isEmpty())
                f.fail(key, "is null; leave it out, or give a value");
            spec.constants.push_back({to, f.json(value, key), key});
        }
    }
    if (root->has("unmapped_columns")) {
        const std::string s =
            f.string(root->get("unmapped_columns"), "unmapped_columns", "\"properties\"");
        if (s == "properties")
            spec.unmapped_to_properties = true;
        else if (s == "ignore")
            spec.unmapped_to_properties = false;
        else
            f.fail("unmapped_columns", "\"" + s +
                                           "\" is not allowed; use \"properties\" (send them as "
                                           "custom properties) or \"ignore\"");
    }
    if (root->has("null"))
        spec.default_null = f.null_policy(root->get("null"), "null");
    if (root->has("phone")) {
        const Object::Ptr phone =
            f.object(root->get("phone"), "phone", "{\"default_region\": \"US\"}");
        f.only_keys(*phone, "phone", {"default_region", "country_column"});
        if (phone->has("default_region")) {
            const std::string region =
                f.string(phone->get("default_region"), "phone.default_region", "\"US\"");
            spec.default_region = PhoneNormalizer::known_region(region);
            if (spec.default_region.empty())
                f.fail("phone.default_region",
                       "\"" + region +
                           "\" is not a region libphonenumber knows; use an ISO 3166 alpha-2 "
                           "code such as \"US\", \"GB\" or \"DE\"");
        }
        if (phone->has("country_column"))
            spec.country_column =
                f.string(phone->get("country_column"), "phone.country_column", "\"country_code\"");
    }
    if (root->has("event"))
        read_event(f, spec, root->get("event"));
    return spec;
}

} // namespace connector::mapping
