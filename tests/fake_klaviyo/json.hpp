#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace fake_klaviyo {

/// A malformed JSON text (the message says what and where, as Poco's parser reports it).
class JsonError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// A JSON value with cheap copies: arrays and objects are shared and copied on write, so the
/// store can keep the very objects a request carried. Objects keep their members in order.
///
/// The fake parses with Poco::JSON::Parser and a handler that builds these instead of Poco's
/// Object/Var tree, which costs several allocations per member and dominated the time of a
/// 10,000-profile bulk import.
class Json {
  public:
    using Array = std::vector<Json>;
    using Member = std::pair<std::string, Json>;
    using Object = std::vector<Member>;
    enum class Type : std::uint8_t { Null, Bool, Int, Double, String, Array, Object };

    Json() noexcept = default;
    Json(std::nullptr_t) noexcept {}
    Json(bool b) : v_(b) {}
    Json(int n) : v_(static_cast<std::int64_t>(n)) {}
    Json(long n) : v_(static_cast<std::int64_t>(n)) {}
    Json(long long n) : v_(static_cast<std::int64_t>(n)) {}
    Json(unsigned n) : v_(static_cast<std::int64_t>(n)) {}
    Json(unsigned long n);
    Json(unsigned long long n);
    Json(double d) : v_(d) {}
    Json(std::string s) : v_(std::move(s)) {}
    Json(const char *s) : v_(std::string(s)) {}
    Json(Array a) : v_(std::make_shared<Array>(std::move(a))) {}
    Json(Object o) : v_(std::make_shared<Object>(std::move(o))) {}

    /// An empty array / object.
    static Json array() { return Json(Array{}); }
    static Json object() { return Json(Object{}); }
    /// Parses a JSON text (any value at the top). Throws JsonError.
    static Json parse(const std::string &text);

    Type type() const { return static_cast<Type>(v_.index()); }
    bool is_null() const { return type() == Type::Null; }
    bool is_bool() const { return type() == Type::Bool; }
    bool is_int() const { return type() == Type::Int; }
    bool is_number() const { return type() == Type::Int || type() == Type::Double; }
    bool is_string() const { return type() == Type::String; }
    bool is_array() const { return type() == Type::Array; }
    bool is_object() const { return type() == Type::Object; }

    /// The value; a neutral one (false, 0, "") when the type differs.
    bool as_bool() const;
    std::int64_t as_int() const;
    double as_double() const;
    const std::string &as_string() const;
    /// The elements / members; empty when the type differs.
    const Array &items() const;
    const Object &members() const;
    /// Elements of an array or members of an object; 0 otherwise.
    std::size_t size() const;

    /// The member `key` of an object, or nullptr (also when this is not an object).
    const Json *find(std::string_view key) const;
    bool has(std::string_view key) const { return find(key) != nullptr; }
    /// The member `key`, or a null value when absent.
    const Json &operator[](std::string_view key) const;
    /// Element `i` of an array, or a null value when out of range.
    const Json &operator[](std::size_t i) const;

    /// Sets member `key` (replacing it if present). Turns a null into an object.
    Json &set(std::string key, Json value);
    /// Appends member `key` without looking for an earlier one (the caller knows it is new).
    Json &add(std::string key, Json value);
    /// Removes member `key`; returns whether it was there.
    bool remove(std::string_view key);
    /// Appends to an array. Turns a null into an array.
    Json &push(Json value);

    /// Compact JSON text.
    std::string dump() const;
    void dump_to(std::string &out) const;

    bool operator==(const Json &other) const;
    bool operator!=(const Json &other) const { return !(*this == other); }

  private:
    Array &mutable_items();
    Object &mutable_members();

    std::variant<std::monostate,
                 bool,
                 std::int64_t,
                 double,
                 std::string,
                 std::shared_ptr<Array>,
                 std::shared_ptr<Object>>
        v_;
};

} // namespace fake_klaviyo
