#include "payload_checks.hpp"

#include "json_util.hpp"
#include "limits.hpp"

#include <Poco/DateTime.h>

#include <cctype>

namespace fake_klaviyo {

namespace {

void add(std::vector<ApiError> &errors, std::size_t max, ApiError e) {
    if (errors.size() < max)
        errors.push_back(std::move(e));
}

bool has_identifier(const Json &attrs, std::initializer_list<const char *> names) {
    for (const char *n : names) {
        const Json &v = attrs[n];
        if (v.is_string() && !v.as_string().empty())
            return true;
    }
    return false;
}

} // namespace

bool valid_email(const std::string &email) {
    const std::size_t at = email.find('@');
    if (at == std::string::npos || at == 0 || email.find('@', at + 1) != std::string::npos)
        return false;
    for (char c : email) {
        if (std::isspace(static_cast<unsigned char>(c)) ||
            std::iscntrl(static_cast<unsigned char>(c)) || c == ',' || c == '<' || c == '>' ||
            c == '(' || c == ')' || c == '[' || c == ']' || c == ';' || c == ':' || c == '\\' ||
            c == '"')
            return false;
    }
    const std::string local = email.substr(0, at);
    if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos)
        return false;
    const std::string domain = email.substr(at + 1);
    const std::size_t dot = domain.rfind('.');
    if (dot == std::string::npos || dot == 0 || domain.find("..") != std::string::npos ||
        domain.front() == '-' || domain.front() == '.')
        return false;
    const std::string tld = domain.substr(dot + 1);
    if (tld.size() < 2)
        return false;
    for (char c : tld) {
        if (!std::isalpha(static_cast<unsigned char>(c)))
            return false;
    }
    for (char c : domain) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.' &&
            static_cast<unsigned char>(c) < 0x80)
            return false;
    }
    return true;
}

bool valid_e164(const std::string &phone) {
    if (phone.size() < 8 || phone.size() > 16 || phone[0] != '+' || phone[1] == '0')
        return false;
    for (std::size_t i = 1; i < phone.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(phone[i])))
            return false;
    }
    return true;
}

void check_profile(const Json &resource,
                   const std::string &pointer,
                   ProfileKind kind,
                   std::vector<ApiError> &errors,
                   std::size_t max) {
    const Json &attrs = resource["attributes"];
    const std::string attrs_ptr = pointer + "/attributes";
    const bool has_id = resource["id"].is_string();
    const bool ok =
        has_id || (kind == ProfileKind::Upsert
                       ? has_identifier(attrs, {"email", "phone_number", "external_id", "_kx"})
                       : has_identifier(attrs, {"email", "phone_number", "external_id",
                                                "anonymous_id", "_kx"}));
    if (!ok)
        add(errors, max,
            invalid(kind == ProfileKind::Upsert
                        ? "A profile identifier is required: one of email, phone_number, "
                          "external_id or data.id."
                        : "A profile identifier is required: one of email, phone_number, "
                          "external_id, anonymous_id or data.id.",
                    attrs_ptr));
    if (const Json &email = attrs["email"]; email.is_string() && !valid_email(email.as_string()))
        add(errors, max, invalid("Enter a valid email address.", attrs_ptr + "/email"));
    if (const Json &phone = attrs["phone_number"];
        phone.is_string() && !valid_e164(phone.as_string()))
        add(errors, max,
            invalid("Invalid phone number format. Phone numbers must be in E.164 format, "
                    "e.g. +14155550123.",
                    attrs_ptr + "/phone_number"));
}

namespace {

void check_strings_at(const Json &value,
                      const JsonPath &path,
                      std::vector<ApiError> &errors,
                      std::size_t max) {
    if (errors.size() >= max)
        return;
    if (value.is_object()) {
        for (const auto &kv : value.members())
            check_strings_at(kv.second, path.child(kv.first), errors, max);
    } else if (value.is_array()) {
        const auto &items = value.items();
        for (std::size_t i = 0; i < items.size(); ++i)
            check_strings_at(items[i], path.child(i), errors, max);
    } else if (value.is_string() && value.as_string().size() > limits::max_string_bytes) {
        add(errors, max,
            invalid("Ensure this field has no more than " +
                        std::to_string(limits::max_string_bytes) + " characters.",
                    path.str()));
    }
}

} // namespace

void check_strings(const Json &value,
                   const std::string &pointer,
                   std::vector<ApiError> &errors,
                   std::size_t max) {
    check_strings_at(value, JsonPath::root(pointer), errors, max);
}

void check_event(const Json &attrs,
                 const std::string &pointer,
                 const std::string &revision,
                 const Poco::Timestamp &now,
                 std::vector<ApiError> &errors,
                 std::size_t max) {
    if (const Json &props = attrs["properties"];
        props.is_object() && props.size() > limits::max_event_properties)
        add(errors, max,
            invalid("Events may have at most " + std::to_string(limits::max_event_properties) +
                        " properties; this one has " + std::to_string(props.size()) + ".",
                    pointer + "/properties"));
    if (auto name = member_string(attrs["metric"]["data"]["attributes"], "name")) {
        if (name->empty() || name->size() > limits::max_metric_name)
            add(errors, max,
                invalid(name->empty()
                            ? "This field may not be blank."
                            : "Ensure this field has no more than " +
                                  std::to_string(limits::max_metric_name) + " characters.",
                        pointer + "/metric/data/attributes/name"));
    }
    if (auto text = member_string(attrs, "time")) {
        if (auto t = parse_iso_time(*text)) {
            const int floor_year = revision >= "2026-07-15" ? 1990 : 2000;
            const Poco::Timestamp earliest = Poco::DateTime(floor_year, 1, 1).timestamp();
            const Poco::Timestamp latest =
                now + static_cast<Poco::Timestamp::TimeDiff>(366) * 24 * 3600 * 1000000;
            if (*t < earliest)
                add(errors, max,
                    invalid("Event time must be after " + std::to_string(floor_year) + "-01-01.",
                            pointer + "/time"));
            else if (*t > latest)
                add(errors, max,
                    invalid("Event time may be at most one year in the future.",
                            pointer + "/time"));
        }
    }
}

} // namespace fake_klaviyo
