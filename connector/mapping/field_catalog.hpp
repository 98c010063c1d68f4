#pragma once

#include "core/record.hpp"

#include <optional>
#include <string>
#include <vector>

namespace connector::mapping {

/// What a destination is in Klaviyo's payloads.
enum class FieldKind {
    Email,           ///< profile identifier `email`
    Phone,           ///< profile identifier `phone_number`
    ExternalId,      ///< profile identifier `external_id`
    Attribute,       ///< a reserved profile attribute: first_name, ..., location.city
    ProfileProperty, ///< a custom profile property (attributes.properties)
    EventProperty,   ///< a custom event property (events only)
    Metric,          ///< the event's metric name
    Time,            ///< the event's time
    Value,           ///< the event's numeric value
    ValueCurrency,   ///< the event's ISO 4217 currency
    UniqueId,        ///< the event's unique_id
    Backfill,        ///< the event's backfill flag
};

/// A resolved destination.
struct Destination {
    FieldKind kind = FieldKind::ProfileProperty;
    /// Attribute: {"first_name"} or {"location", "city"}; properties: the property path.
    std::vector<std::string> path;
    /// The position of an attribute in the fixed serialisation order (attributes only).
    int rank = 0;
};

/// The destination of a column by its name alone (design §3): case-insensitive, ignoring
/// spaces, `_`, `.` and `-` ("First Name", "FirstName", "first_name"), plus the seed's `$email`,
/// `$phone_number`, `$first_name`, `$city`..., `$value`, `$event_id`, "Event Name". Event fields
/// are recognised for Target::Events only. nullopt: not a Klaviyo field name.
std::optional<Destination> convention_destination(const std::string &column, Target target);

/// Resolves a mapping file's destination string ("email", "location.city", "metric",
/// "properties.plan.tier", "profile.properties.vip", "event.properties.sku", a bare property name
/// or dotted path, or a seed name like "$first_name").
/// @throws std::invalid_argument with a sentence saying what is wrong and how to fix it.
Destination parse_destination(const std::string &to, Target target);

/// The destination written back as text ("location.city", "properties.a.b"), for messages.
std::string describe(const Destination &d, Target target);

} // namespace connector::mapping
