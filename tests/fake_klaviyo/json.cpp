#include "json.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Handler.h>
#include <Poco/JSON/Parser.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace fake_klaviyo {

namespace {

const Json null_value;
const Json::Array empty_array;
const Json::Object empty_object;
const std::string empty_string;

// Builds Json values from the events of Poco's parser.
class Builder : public Poco::JSON::Handler {
  public:
    Json result;

    void reset() override {
        stack_.clear();
        keys_.clear();
        result = Json();
    }
    void startObject() override {
        stack_.emplace_back(Json::object());
        keys_.emplace_back();
    }
    void endObject() override { close(); }
    void startArray() override {
        stack_.emplace_back(Json::array());
        keys_.emplace_back();
    }
    void endArray() override { close(); }
    void key(const std::string &k) override { keys_.back() = k; }
    void null() override { put(Json()); }
    void value(int v) override { put(Json(v)); }
    void value(unsigned v) override { put(Json(v)); }
    void value(Poco::Int64 v) override { put(Json(static_cast<long long>(v))); }
    void value(Poco::UInt64 v) override { put(Json(static_cast<unsigned long long>(v))); }
    void value(const std::string &v) override { put(Json(v)); }
    void value(double d) override { put(Json(d)); }
    void value(bool b) override { put(Json(b)); }

  private:
    void close() {
        Json done = std::move(stack_.back());
        if (done.is_object() && done.size() > 1)
            done = without_repeats(done);
        stack_.pop_back();
        keys_.pop_back();
        put(std::move(done));
    }
    void put(Json v) {
        if (stack_.empty()) {
            result = std::move(v);
            return;
        }
        Json &top = stack_.back();
        if (top.is_array())
            top.push(std::move(v));
        else
            top.add(std::move(keys_.back()), std::move(v));
    }

    // A repeated key: the last one wins (as with Poco's own parser).
    static Json without_repeats(const Json &obj) {
        const auto &members = obj.members();
        std::unordered_map<std::string_view, std::size_t> last;
        if (members.size() <= 16) {
            bool repeated = false;
            for (std::size_t i = 0; i < members.size() && !repeated; ++i)
                for (std::size_t j = i + 1; j < members.size() && !repeated; ++j)
                    repeated = members[i].first == members[j].first;
            if (!repeated)
                return obj;
        }
        for (std::size_t i = 0; i < members.size(); ++i)
            last[members[i].first] = i;
        if (last.size() == members.size())
            return obj;
        Json out = Json::object();
        for (std::size_t i = 0; i < members.size(); ++i) {
            if (last[members[i].first] == i)
                out.add(members[i].first, members[i].second);
        }
        return out;
    }

    std::vector<Json> stack_;
    std::vector<std::string> keys_;
};

void escape_to(std::string &out, const std::string &s) {
    out += '"';
    for (char c : s) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                static const char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[(c >> 4) & 0xF];
                out += hex[c & 0xF];
            } else {
                out += c;
            }
        }
    }
    out += '"';
}

} // namespace

Json::Json(unsigned long n) {
    if (n > static_cast<unsigned long>(std::numeric_limits<std::int64_t>::max()))
        v_ = static_cast<double>(n);
    else
        v_ = static_cast<std::int64_t>(n);
}

Json::Json(unsigned long long n) {
    if (n > static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max()))
        v_ = static_cast<double>(n);
    else
        v_ = static_cast<std::int64_t>(n);
}

Json Json::parse(const std::string &text) {
    Poco::SharedPtr<Builder> builder = new Builder;
    try {
        Poco::JSON::Parser parser(builder);
        parser.parse(text);
    } catch (const Poco::Exception &e) {
        throw JsonError(e.message().empty() ? e.displayText() : e.message());
    }
    return std::move(builder->result);
}

bool Json::as_bool() const {
    return is_bool() && std::get<bool>(v_);
}

std::int64_t Json::as_int() const {
    if (is_int())
        return std::get<std::int64_t>(v_);
    if (type() == Type::Double)
        return static_cast<std::int64_t>(std::get<double>(v_));
    return 0;
}

double Json::as_double() const {
    if (type() == Type::Double)
        return std::get<double>(v_);
    if (is_int())
        return static_cast<double>(std::get<std::int64_t>(v_));
    return 0;
}

const std::string &Json::as_string() const {
    return is_string() ? std::get<std::string>(v_) : empty_string;
}

const Json::Array &Json::items() const {
    return is_array() ? *std::get<std::shared_ptr<Array>>(v_) : empty_array;
}

const Json::Object &Json::members() const {
    return is_object() ? *std::get<std::shared_ptr<Object>>(v_) : empty_object;
}

std::size_t Json::size() const {
    if (is_array())
        return items().size();
    if (is_object())
        return members().size();
    return 0;
}

const Json *Json::find(std::string_view key) const {
    if (!is_object())
        return nullptr;
    for (const auto &m : members()) {
        if (m.first == key)
            return &m.second;
    }
    return nullptr;
}

const Json &Json::operator[](std::string_view key) const {
    const Json *v = find(key);
    return v ? *v : null_value;
}

const Json &Json::operator[](std::size_t i) const {
    const Array &a = items();
    return i < a.size() ? a[i] : null_value;
}

Json::Array &Json::mutable_items() {
    if (!is_array())
        v_ = std::make_shared<Array>();
    auto &p = std::get<std::shared_ptr<Array>>(v_);
    if (p.use_count() > 1)
        p = std::make_shared<Array>(*p);
    return *p;
}

Json::Object &Json::mutable_members() {
    if (!is_object())
        v_ = std::make_shared<Object>();
    auto &p = std::get<std::shared_ptr<Object>>(v_);
    if (p.use_count() > 1)
        p = std::make_shared<Object>(*p);
    return *p;
}

Json &Json::set(std::string key, Json value) {
    Object &o = mutable_members();
    for (auto &m : o) {
        if (m.first == key) {
            m.second = std::move(value);
            return *this;
        }
    }
    o.emplace_back(std::move(key), std::move(value));
    return *this;
}

Json &Json::add(std::string key, Json value) {
    mutable_members().emplace_back(std::move(key), std::move(value));
    return *this;
}

bool Json::remove(std::string_view key) {
    if (!find(key))
        return false;
    Object &o = mutable_members();
    for (auto it = o.begin(); it != o.end(); ++it) {
        if (it->first == key) {
            o.erase(it);
            return true;
        }
    }
    return false;
}

Json &Json::push(Json value) {
    mutable_items().push_back(std::move(value));
    return *this;
}

void Json::dump_to(std::string &out) const {
    switch (type()) {
    case Type::Null:
        out += "null";
        return;
    case Type::Bool:
        out += std::get<bool>(v_) ? "true" : "false";
        return;
    case Type::Int: {
        char buf[32];
        auto r = std::to_chars(buf, buf + sizeof buf, std::get<std::int64_t>(v_));
        out.append(buf, r.ptr);
        return;
    }
    case Type::Double: {
        const double d = std::get<double>(v_);
        if (!std::isfinite(d)) {
            out += "null";
            return;
        }
        char buf[64];
        auto r = std::to_chars(buf, buf + sizeof buf, d);
        out.append(buf, r.ptr);
        return;
    }
    case Type::String:
        escape_to(out, std::get<std::string>(v_));
        return;
    case Type::Array: {
        out += '[';
        bool first = true;
        for (const auto &e : items()) {
            if (!first)
                out += ',';
            first = false;
            e.dump_to(out);
        }
        out += ']';
        return;
    }
    case Type::Object: {
        out += '{';
        bool first = true;
        for (const auto &m : members()) {
            if (!first)
                out += ',';
            first = false;
            escape_to(out, m.first);
            out += ':';
            m.second.dump_to(out);
        }
        out += '}';
        return;
    }
    }
}

std::string Json::dump() const {
    std::string out;
    dump_to(out);
    return out;
}

bool Json::operator==(const Json &other) const {
    if (is_number() && other.is_number())
        return is_int() && other.is_int() ? as_int() == other.as_int()
                                          : as_double() == other.as_double();
    if (type() != other.type())
        return false;
    switch (type()) {
    case Type::Null:
        return true;
    case Type::Bool:
        return as_bool() == other.as_bool();
    case Type::String:
        return as_string() == other.as_string();
    case Type::Array:
        return items() == other.items();
    case Type::Object:
        return members() == other.members();
    default:
        return false;
    }
}

} // namespace fake_klaviyo
