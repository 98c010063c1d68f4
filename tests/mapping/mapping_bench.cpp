// Rows per second through JsonMapper::map, single thread: the Chinook customers (profiles) and
// invoices (events) repeated to about N rows (default 1,000,000), each copy with its own ids so
// no two rows are the same. Build Release and run: mapping_bench [rows]
#include "chinook.hpp"
#include "chinook_queries.hpp"
#include "mapping/json_mapper.hpp"
#include "support/test_env.hpp"

#include <chrono>
#include <cstdlib>
#include <iostream>

using namespace connector;

namespace {

void bench(const char *label,
           const char *sql,
           const char *mapping_file,
           Target target,
           std::size_t rows_wanted) {
    const test::Table table = test::query_chinook(sql);
    mapping::JsonMapper mapper(mapping::load_mapping_file(test::source_path(mapping_file)), target,
                               table.columns);
    const std::size_t copies = (rows_wanted + table.rows.size() - 1) / table.rows.size();
    // The first column is the id (CustomerId / InvoiceKey): make each copy's ids distinct.
    std::size_t records = 0, rejections = 0, bytes = 0;
    Row row;
    const auto start = std::chrono::steady_clock::now();
    for (std::size_t c = 0; c < copies; ++c)
        for (const Row &base : table.rows) {
            row = base;
            row.number = c * table.rows.size() + base.number;
            if (auto *i = std::get_if<std::int64_t>(&row.values[0]))
                *i += static_cast<std::int64_t>(c * 1000000);
            else if (auto *s = std::get_if<std::string>(&row.values[0]))
                *s += "-" + std::to_string(c);
            MapResult result = mapper.map(row);
            if (auto *rec = std::get_if<Record>(&result)) {
                ++records;
                bytes += rec->profile.size() + rec->event.size();
            } else {
                ++rejections;
            }
        }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::size_t rows = records + rejections;
    std::cout << label << ": " << rows << " rows in " << seconds
              << " s = " << static_cast<long long>(rows / seconds) << " rows/s (" << records
              << " records, " << rejections << " rejections, " << bytes / rows
              << " payload bytes/row)\n";
}

} // namespace

int main(int argc, char **argv) {
    const std::size_t rows = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 1000000;
    try {
        bench("profiles (Chinook customers)", test::chinook_customers_sql,
              "mappings/chinook_customers.json", Target::Profiles, rows);
        bench("events (Chinook invoices)", test::chinook_invoices_sql,
              "mappings/chinook_invoices.json", Target::Events, rows);
    } catch (const std::exception &e) {
        std::cerr << "mapping_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
