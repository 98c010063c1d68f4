// Writes every request body shape the connector builds from mapper records, one body per line,
// into <out-dir>/<operation>.jsonl, for validate.mjs to check against Klaviyo's schemas. The
// envelopes are built by the Klaviyo client's own request_body functions (klaviyo-api.md §3): a
// profile record wrapped in {"data": ...}; a bulk import job around many; an event with its
// profile spliced in as attributes.profile.data; a bulk event job grouped by profile, with the
// profile's meta moved beside its attributes.
#include "chinook.hpp"
#include "chinook_queries.hpp"
#include "klaviyo/request_body.hpp"
#include "mapping/json_mapper.hpp"
#include "mapping/mapping_spec.hpp"
#include "support/test_env.hpp"

#include <fstream>
#include <iostream>
#include <stdexcept>

using namespace connector;

namespace {

std::vector<Record>
map_all(const mapping::MappingSpec &spec, Target target, const test::Table &table) {
    mapping::JsonMapper mapper(spec, target, table.columns);
    std::vector<Record> out;
    for (const Row &row : table.rows) {
        MapResult result = mapper.map(row);
        if (auto *r = std::get_if<Record>(&result))
            out.push_back(std::move(*r));
    }
    return out;
}

// Hand-made rows for the shapes Chinook does not reach: unset and clear, numbers in location,
// casts to arrays and objects, phone-only and external-id-only profiles.
test::Table edge_profiles() {
    test::Table t;
    for (const char *n :
         {"email", "phone", "external_id", "first_name", "location.latitude", "location.longitude",
          "location.timezone", "tags", "prefs", "score", "vip", "signed_up"})
        t.columns.push_back({n, "VARCHAR"});
    const auto row = [&](std::vector<Value> v) {
        Row r;
        r.number = t.rows.size() + 1;
        r.values = std::move(v);
        t.rows.push_back(std::move(r));
    };
    row({std::string("ada@example.org"), std::string("+44 20 7946 0958"), std::string("wh_1"),
         std::string("Ada"), Decimal{"51.5072"}, -0.1276, std::string("Europe/London"),
         std::string("a;b"), std::string(R"({"color":"blue","sizes":[1,2]})"), 7.5, true,
         Timestamp{1714000000, 250000000}});
    row({Null{}, std::string("+1 650 253 0000"), Null{}, Null{}, Null{}, Null{}, Null{}, Null{},
         Null{}, Null{}, Null{}, Null{}});
    row({Null{}, Null{}, std::int64_t{42}, std::string("Bo"), std::string("40.7128"),
         std::string("-74.0060"), Null{}, std::string(""), std::string("{}"), Decimal{"-12.50"},
         false, Date{2024, 2, 29}});
    return t;
}

mapping::MappingSpec edge_profile_spec() {
    mapping::MappingSpec spec;
    spec.source = "contract edge mapping";
    spec.default_null = mapping::NullPolicy::Clear;
    spec.columns.push_back({"tags", "tags", mapping::Cast::Array, ";", {}, false, "tags"});
    spec.columns.push_back({"prefs", "prefs", mapping::Cast::Object, "", {}, false, "prefs"});
    spec.columns.push_back(
        {"score", "score", mapping::Cast::Number, "", mapping::NullPolicy::Unset, false, "score"});
    spec.columns.push_back(
        {"vip", "vip", mapping::Cast::Boolean, "", mapping::NullPolicy::Unset, false, "vip"});
    spec.constants.push_back({"properties.source", "\"contract\"", "constants"});
    return spec;
}

test::Table edge_events() {
    test::Table t;
    for (const char *n :
         {"phone", "external_id", "metric", "time", "value", "value_currency", "sku", "tier"})
        t.columns.push_back({n, "VARCHAR"});
    const auto row = [&](std::vector<Value> v) {
        Row r;
        r.number = t.rows.size() + 1;
        r.values = std::move(v);
        t.rows.push_back(std::move(r));
    };
    row({std::string("+1 650 253 0000"), Null{}, std::string("Viewed Product"),
         std::string("2026-04-30T17:05:09+02:00"), Decimal{"19.90"}, std::string("eur"),
         std::string("A1"), Null{}});
    row({Null{}, std::string("wh_7"), std::string("Viewed Product"), Timestamp{1714000000, 0},
         Null{}, Null{}, std::string("B2"), std::string("gold")});
    row({Null{}, std::string("wh_7"), std::string("Started Checkout"), Date{2025, 1, 2},
         std::int64_t{3}, std::string("USD"), Null{}, Null{}});
    return t;
}

mapping::MappingSpec edge_event_spec() {
    mapping::MappingSpec spec;
    spec.source = "contract edge event mapping";
    spec.columns.push_back({"tier", "profile.properties.tier", mapping::Cast::Auto, "",
                            mapping::NullPolicy::Unset, false, "tier"});
    spec.constants.push_back({"backfill", "true", "constants"});
    return spec;
}

void write(const std::string &dir,
           const std::string &name,
           const std::vector<std::string> &bodies) {
    std::ofstream out(dir + "/" + name + ".jsonl", std::ios::binary);
    for (const auto &b : bodies)
        out << b << '\n';
    if (!out)
        throw std::runtime_error("cannot write " + dir + "/" + name + ".jsonl");
}

} // namespace

int main(int argc, char **argv) {
    if (argc != 2) {
        std::cerr << "usage: mapping_contract_payloads <out-dir>\n";
        return 2;
    }
    const std::string dir = argv[1];
    try {
        std::vector<Record> profiles = map_all(
            mapping::load_mapping_file(test::source_path("mappings/chinook_customers.json")),
            Target::Profiles, test::query_chinook(test::chinook_customers_sql));
        for (auto &r : map_all(edge_profile_spec(), Target::Profiles, edge_profiles()))
            profiles.push_back(r);
        std::vector<Record> events =
            map_all(mapping::load_mapping_file(test::source_path("mappings/chinook_invoices.json")),
                    Target::Events, test::query_chinook(test::chinook_invoices_sql));
        for (auto &r : map_all(edge_event_spec(), Target::Events, edge_events()))
            events.push_back(r);
        for (auto &r : map_all(mapping::default_mapping(), Target::Events, edge_events()))
            events.push_back(r);
        if (profiles.size() < 60 || events.size() < 400)
            throw std::runtime_error("too few records mapped: " + std::to_string(profiles.size()) +
                                     " profiles, " + std::to_string(events.size()) + " events");

        // The Klaviyo client's own body builders: the contract covers what is really sent.
        std::vector<std::string> single_profiles, single_events;
        std::vector<const Record *> profile_ptrs, event_ptrs;
        for (const Record &r : profiles) {
            single_profiles.push_back(klaviyo::profile_single_body(r));
            profile_ptrs.push_back(&r);
        }
        for (const Record &r : events) {
            single_events.push_back(klaviyo::event_single_body(r));
            event_ptrs.push_back(&r);
        }
        const std::string bulk_profiles = klaviyo::profile_bulk_body(profile_ptrs);
        std::vector<std::vector<std::size_t>> groups;
        const std::string bulk_events = klaviyo::event_bulk_body(event_ptrs, groups);
        write(dir, "create_or_update_profile", single_profiles);
        write(dir, "bulk_import_profiles", {bulk_profiles});
        write(dir, "create_event", single_events);
        write(dir, "bulk_create_events", {bulk_events});
        std::cout << profiles.size() << " profiles, " << events.size() << " events written to "
                  << dir << "\n";
    } catch (const std::exception &e) {
        std::cerr << "mapping_contract_payloads: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
