// Golden payloads: the Chinook customers and invoices mapped with the shipped mapping files,
// compared byte for byte with tests/data/golden/*.jsonl (one record or rejection per line).
// After an intended change, regenerate with CONNECTOR_UPDATE_GOLDEN=1 and review the diff.
#include "chinook.hpp"
#include "chinook_queries.hpp"
#include "mapping/json_mapper.hpp"
#include "mapping/json_writer.hpp"
#include "support/temp_dir.hpp"
#include "support/test_env.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sstream>

using namespace connector;

namespace {

std::string jstr(const std::string &s) {
    std::string out;
    mapping::append_json_string(out, s);
    return out;
}

std::string render(const MapResult &result) {
    std::ostringstream line;
    if (const auto *rec = std::get_if<Record>(&result)) {
        line << "{\"row\":" << rec->row_number << ",\"key\":" << jstr(rec->key)
             << ",\"hash\":" << jstr(rec->hash) << ",\"profile\":" << rec->profile;
        if (!rec->event.empty())
            line << ",\"event\":" << rec->event;
        if (!rec->warnings.empty()) {
            line << ",\"warnings\":[";
            for (std::size_t i = 0; i < rec->warnings.size(); ++i)
                line << (i ? "," : "") << "{\"column\":" << jstr(rec->warnings[i].column)
                     << ",\"code\":" << jstr(rec->warnings[i].code)
                     << ",\"message\":" << jstr(rec->warnings[i].message) << "}";
            line << "]";
        }
        line << "}";
    } else {
        const auto &rej = std::get<Rejection>(result);
        line << "{\"row\":" << rej.row_number << ",\"rejected\":{\"column\":" << jstr(rej.column)
             << ",\"code\":" << jstr(rej.code) << ",\"message\":" << jstr(rej.message)
             << ",\"key\":" << jstr(rej.key) << "}}";
    }
    return line.str();
}

std::string map_to_lines(const char *sql, const char *mapping_file, Target target) {
    const test::Table table = test::query_chinook(sql);
    mapping::JsonMapper mapper(mapping::load_mapping_file(test::source_path(mapping_file)), target,
                               table.columns);
    mapper.set_now(Timestamp{1780000000, 0});
    std::string out;
    for (const Row &row : table.rows)
        out += render(mapper.map(row)) + "\n";
    return out;
}

void compare_with_golden(const std::string &actual, const std::string &golden_name) {
    const std::string path = test::source_path("tests/data/golden/" + golden_name);
    const char *update = std::getenv("CONNECTOR_UPDATE_GOLDEN");
    if (update && std::string(update) == "1") {
        test::write_file(path, actual);
        WARN("rewrote " << path);
    }
    const std::string expected = test::read_file(path);
    if (actual == expected) {
        SUCCEED(golden_name << " matches byte for byte");
        return;
    }
    std::istringstream a(actual), e(expected);
    std::string la, le;
    for (int n = 1;; ++n) {
        const bool more_a = static_cast<bool>(std::getline(a, la));
        const bool more_e = static_cast<bool>(std::getline(e, le));
        if (!more_a && !more_e)
            break;
        if (la != le || more_a != more_e)
            FAIL(golden_name << " differs at line " << n << "\nexpected: " << le
                             << "\nactual:   " << la);
    }
    FAIL(golden_name << " differs (line endings or trailing bytes)");
}

} // namespace

TEST_CASE("Golden: Chinook customers become these profiles, byte for byte",
          "[mapping][integration]") {
    const std::string lines = map_to_lines(test::chinook_customers_sql,
                                           "mappings/chinook_customers.json", Target::Profiles);
    CHECK(std::count(lines.begin(), lines.end(), '\n') == 59);
    compare_with_golden(lines, "chinook_customers.profiles.jsonl");
}

TEST_CASE("Golden: Chinook invoices become these events, byte for byte", "[mapping][integration]") {
    const std::string lines =
        map_to_lines(test::chinook_invoices_sql, "mappings/chinook_invoices.json", Target::Events);
    CHECK(std::count(lines.begin(), lines.end(), '\n') == 412);
    compare_with_golden(lines, "chinook_invoices.events.jsonl");
}

TEST_CASE("Golden: Chinook customers by convention alone", "[mapping][integration]") {
    // SQL aliases as the only mapping: the simplest UI (design §3).
    const std::string lines = [] {
        const test::Table table = test::query_chinook(
            "SELECT CustomerId AS external_id, Email, FirstName, LastName, Company AS "
            "organization, "
            "City AS \"location.city\", Country AS \"$country\", Phone, SupportRepId AS rep "
            "FROM Customer WHERE CustomerId <= 10 ORDER BY CustomerId");
        mapping::JsonMapper mapper(mapping::default_mapping(), Target::Profiles, table.columns);
        std::string out;
        for (const Row &row : table.rows)
            out += render(mapper.map(row)) + "\n";
        return out;
    }();
    compare_with_golden(lines, "chinook_customers.convention.jsonl");
}
