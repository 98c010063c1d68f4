#include "field_catalog.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <stdexcept>
#include <string_view>

namespace connector::mapping {
namespace {

struct KnownField {
    std::string_view name; ///< the Klaviyo spelling
    FieldKind kind;
    bool event_only;
};

// Serialisation order of profile attributes: identifiers, names, the rest, location.
constexpr std::array<KnownField, 25> known_fields{{
    {"email", FieldKind::Email, false},
    {"phone_number", FieldKind::Phone, false},
    {"external_id", FieldKind::ExternalId, false},
    {"first_name", FieldKind::Attribute, false},
    {"last_name", FieldKind::Attribute, false},
    {"organization", FieldKind::Attribute, false},
    {"locale", FieldKind::Attribute, false},
    {"title", FieldKind::Attribute, false},
    {"image", FieldKind::Attribute, false},
    {"location.address1", FieldKind::Attribute, false},
    {"location.address2", FieldKind::Attribute, false},
    {"location.city", FieldKind::Attribute, false},
    {"location.country", FieldKind::Attribute, false},
    {"location.region", FieldKind::Attribute, false},
    {"location.zip", FieldKind::Attribute, false},
    {"location.timezone", FieldKind::Attribute, false},
    {"location.latitude", FieldKind::Attribute, false},
    {"location.longitude", FieldKind::Attribute, false},
    {"location.ip", FieldKind::Attribute, false},
    {"metric", FieldKind::Metric, true},
    {"time", FieldKind::Time, true},
    {"value", FieldKind::Value, true},
    {"value_currency", FieldKind::ValueCurrency, true},
    {"unique_id", FieldKind::UniqueId, true},
    {"backfill", FieldKind::Backfill, true},
}};

// Other names by convention (normalised: lower-case letters and digits only).
struct Alias {
    std::string_view normalised;
    std::string_view field;
};
constexpr std::array<Alias, 3> convention_aliases{{
    {"phone", "phone_number"},
    {"event", "metric"},
    {"eventname", "metric"},
}};
// The seed's Track/Identify vocabulary (after the `$`, normalised).
constexpr std::array<Alias, 21> seed_aliases{{
    {"email", "email"},
    {"phonenumber", "phone_number"},
    {"phone", "phone_number"},
    {"id", "external_id"},
    {"firstname", "first_name"},
    {"lastname", "last_name"},
    {"organization", "organization"},
    {"title", "title"},
    {"image", "image"},
    {"locale", "locale"},
    {"address1", "location.address1"},
    {"address2", "location.address2"},
    {"city", "location.city"},
    {"region", "location.region"},
    {"country", "location.country"},
    {"zip", "location.zip"},
    {"timezone", "location.timezone"},
    {"latitude", "location.latitude"},
    {"longitude", "location.longitude"},
    {"value", "value"},
    {"eventid", "unique_id"},
}};

std::string normalise(std::string_view name) {
    std::string out;
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (std::isalnum(u) && u < 0x80)
            out.push_back(static_cast<char>(std::tolower(u)));
    }
    return out;
}

std::vector<std::string> split_path(std::string_view text) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = text.find('.', start);
        parts.emplace_back(text.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos)
            break;
        start = dot + 1;
    }
    return parts;
}

Destination from_known(std::size_t index) {
    const KnownField &f = known_fields[index];
    Destination d;
    d.kind = f.kind;
    d.path = split_path(f.name);
    d.rank = static_cast<int>(index);
    return d;
}

std::optional<std::size_t> find_known(std::string_view name) {
    for (std::size_t i = 0; i < known_fields.size(); ++i)
        if (known_fields[i].name == name)
            return i;
    return std::nullopt;
}

std::optional<std::size_t> find_normalised(std::string_view normalised) {
    for (std::size_t i = 0; i < known_fields.size(); ++i)
        if (normalise(known_fields[i].name) == normalised)
            return i;
    return std::nullopt;
}

std::optional<Destination> usable(std::size_t index, Target target) {
    if (known_fields[index].event_only && target != Target::Events)
        return std::nullopt;
    return from_known(index);
}

std::optional<std::string_view> seed_field(std::string_view name) {
    if (name.empty() || name.front() != '$')
        return std::nullopt;
    const std::string n = normalise(name.substr(1));
    for (const Alias &a : seed_aliases)
        if (a.normalised == n)
            return a.field;
    return std::nullopt;
}

Destination property(std::vector<std::string> path, FieldKind kind, const std::string &to) {
    for (const std::string &p : path)
        if (p.empty())
            throw std::invalid_argument("\"" + to +
                                        "\" has an empty path segment; write names separated by "
                                        "single dots, e.g. \"properties.address.city\"");
    Destination d;
    d.kind = kind;
    d.path = std::move(path);
    return d;
}

} // namespace

std::optional<Destination> convention_destination(const std::string &column, Target target) {
    if (const auto seed = seed_field(column)) {
        const auto index = find_known(*seed);
        return usable(*index, target);
    }
    const std::string n = normalise(column);
    if (n.empty())
        return std::nullopt;
    for (const Alias &a : convention_aliases)
        if (a.normalised == n)
            return usable(*find_known(a.field), target);
    if (const auto index = find_normalised(n))
        return usable(*index, target);
    return std::nullopt;
}

Destination parse_destination(const std::string &to, Target target) {
    if (to.empty())
        throw std::invalid_argument("the destination is empty; name a Klaviyo field such as "
                                    "\"email\" or a property such as \"properties.plan\"");
    const FieldKind bag =
        target == Target::Events ? FieldKind::EventProperty : FieldKind::ProfileProperty;
    std::string_view name = to;
    if (name.front() == '$') {
        const auto seed = seed_field(name);
        if (!seed)
            throw std::invalid_argument(
                "\"" + to +
                "\" is not one of the seed's special fields ($email, $phone_number, $id, "
                "$first_name, $last_name, $organization, $title, $image, $locale, $city, $region, "
                "$country, $zip, $address1, $address2, $timezone, $latitude, $longitude, $value, "
                "$event_id); for a custom property write \"properties." +
                to + "\"");
        name = *seed;
    }
    if (normalise(name) == "eventname")
        name = "metric";
    if (name == "phone")
        name = "phone_number";
    if (name.rfind("profile.", 0) == 0) {
        const std::string_view rest = name.substr(8);
        if (rest.rfind("properties.", 0) == 0)
            return property(split_path(rest.substr(11)), FieldKind::ProfileProperty, to);
        const auto index = find_known(rest);
        if (!index || known_fields[*index].event_only)
            throw std::invalid_argument("\"" + to +
                                        "\" is not a profile field; profile fields are email, "
                                        "phone_number, external_id, first_name, last_name, "
                                        "organization, locale, title, image, location.* and "
                                        "profile.properties.<name>");
        return from_known(*index);
    }
    if (name.rfind("event.", 0) == 0) {
        const std::string_view rest = name.substr(6);
        if (target != Target::Events)
            throw std::invalid_argument("\"" + to +
                                        "\" is an event destination, but this sync writes "
                                        "profiles; map it to a profile property instead");
        if (rest.rfind("properties.", 0) == 0)
            return property(split_path(rest.substr(11)), FieldKind::EventProperty, to);
        const auto index = find_known(rest);
        if (!index || !known_fields[*index].event_only)
            throw std::invalid_argument("\"" + to +
                                        "\" is not an event field; event fields are metric, "
                                        "time, value, value_currency, unique_id, backfill and "
                                        "event.properties.<name>");
        return from_known(*index);
    }
    if (name.rfind("properties.", 0) == 0)
        return property(split_path(name.substr(11)), bag, to);
    if (const auto index = find_known(name)) {
        if (known_fields[*index].event_only && target != Target::Events)
            throw std::invalid_argument(
                "\"" + to +
                "\" is an event field, but this sync writes profiles (--target "
                "klaviyo_profiles); remove it or map the column to \"properties." +
                to + "\"");
        return from_known(*index);
    }
    if (name.rfind("location.", 0) == 0)
        throw std::invalid_argument(
            "\"" + to +
            "\" is not a location field; use one of location.address1, address2, city, country, "
            "region, zip, timezone, latitude, longitude, ip");
    return property(split_path(name), bag, to);
}

std::string describe(const Destination &d, Target target) {
    std::string path;
    for (const std::string &p : d.path) {
        if (!path.empty())
            path += '.';
        path += p;
    }
    switch (d.kind) {
    case FieldKind::ProfileProperty:
        return (target == Target::Events ? "profile.properties." : "properties.") + path;
    case FieldKind::EventProperty:
        return "properties." + path;
    default:
        return path;
    }
}

} // namespace connector::mapping
