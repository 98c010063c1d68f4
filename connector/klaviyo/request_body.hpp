#pragma once

#include "core/record.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace connector::klaviyo {

/// JSON pointer prefixes of the items in the bulk bodies, for locate_pointer().
constexpr const char *profiles_items_pointer = "/data/attributes/profiles/data";
constexpr const char *event_groups_pointer = "/data/attributes/events-bulk-create/data";
constexpr const char *group_events_pointer = "attributes/events/data";

/// {"data":{"type":"profile-bulk-import-job","attributes":{"profiles":{"data":[<profile>,...]}}}}
std::string profile_bulk_body(const std::vector<const Record *> &records);

/// An event-bulk-create-job body with one entry per distinct profile (same profile bytes), in
/// order of first appearance. `groups` receives, per entry, the indices into `records` of its
/// events, so a pointer /data/attributes/events-bulk-create/data/<i>/... maps back.
std::string event_bulk_body(const std::vector<const Record *> &records,
                            std::vector<std::vector<std::size_t>> &groups);

/// The event profile as the bulk events schema wants it: the mapper puts
/// "meta":{"patch_properties":..} inside "attributes" (where POST /api/events wants it); in a
/// bulk body it moves beside "attributes". Other profiles come back unchanged.
std::string bulk_event_profile(const std::string &profile);

/// {"data":<profile>} for POST /api/profile-import.
std::string profile_single_body(const Record &record);

/// {"data":{"type":"event","attributes":{<event attributes>,"profile":{"data":<profile>}}}} for
/// POST /api/events, spliced without parsing when the event has the mapper's canonical shape
/// ({"type":"event","attributes":{...}}), else rebuilt through a JSON parser. Throws
/// std::invalid_argument when the event is not a JSON object with an attributes object.
std::string event_single_body(const Record &record);

/// Bytes a bulk body spends on the envelope, and per item, beyond the item's own bytes; used by
/// the batcher to stay under the size limit without building the body.
constexpr std::size_t bulk_envelope_bytes = 128;
constexpr std::size_t event_group_overhead_bytes = 112;

} // namespace connector::klaviyo
