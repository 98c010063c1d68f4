// Rows per second through JsonMapper::map, single thread: the Chinook customers (profiles) and
// invoices (events) repeated to about N rows (default 1,000,000), each copy with its own ids so
// no two rows are the same. With --unique-phones every copy also gets its own phone numbers
// (the last digits vary), so the mapper's phone cache cannot help: the cost of a profile sync
// where each phone appears once. Rates use the process's CPU time, so machines shared with
// other work still measure the mapper; wall time is shown too.
// Build Release and run: mapping_bench [rows] [--unique-phones]
#include "chinook.hpp"
#include "chinook_queries.hpp"
#include "mapping/json_mapper.hpp"
#include "support/test_env.hpp"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>

using namespace connector;

namespace {

// Replaces the last four digits of a phone text with `n` (so each copy has other numbers).
void vary_phone(std::string &phone, std::size_t n) {
    for (std::size_t i = phone.size(), k = 0; i-- > 0 && k < 4;)
        if (phone[i] >= '0' && phone[i] <= '9') {
            phone[i] = static_cast<char>('0' + n % 10);
            n /= 10;
            ++k;
        }
}

void bench(const char *label,
           const char *sql,
           const char *mapping_file,
           Target target,
           std::size_t rows_wanted,
           bool unique_phones) {
    const test::Table table = test::query_chinook(sql);
    mapping::JsonMapper mapper(mapping::load_mapping_file(test::source_path(mapping_file)), target,
                               table.columns);
    const std::size_t copies = (rows_wanted + table.rows.size() - 1) / table.rows.size();
    // The first column is the id (CustomerId / InvoiceKey): make each copy's ids distinct.
    std::size_t records = 0, rejections = 0, bytes = 0;
    Row row;
    std::size_t phone_column = table.columns.size();
    for (std::size_t i = 0; i < table.columns.size(); ++i)
        if (table.columns[i].name == "Phone")
            phone_column = i;
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    for (std::size_t c = 0; c < copies; ++c)
        for (const Row &base : table.rows) {
            row = base;
            row.number = c * table.rows.size() + base.number;
            if (auto *i = std::get_if<std::int64_t>(&row.values[0]))
                *i += static_cast<std::int64_t>(c * 1000000);
            else if (auto *s = std::get_if<std::string>(&row.values[0]))
                *s += "-" + std::to_string(c);
            if (unique_phones && phone_column < row.values.size())
                if (auto *p = std::get_if<std::string>(&row.values[phone_column]))
                    vary_phone(*p, c);
            MapResult result = mapper.map(row);
            if (auto *rec = std::get_if<Record>(&result)) {
                ++records;
                bytes += rec->profile.size() + rec->event.size();
            } else {
                ++rejections;
            }
        }
    const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::size_t rows = records + rejections;
    std::cout << label << (unique_phones ? ", unique phones" : "") << ": " << rows << " rows, "
              << cpu << " s CPU = " << static_cast<long long>(rows / cpu) << " rows/s (wall "
              << wall << " s; " << records << " records, " << rejections << " rejections, "
              << bytes / rows << " payload bytes/row)\n";
}

} // namespace

int main(int argc, char **argv) {
    std::size_t rows = 1000000;
    bool unique_phones = false;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--unique-phones") == 0)
            unique_phones = true;
        else
            rows = std::strtoull(argv[i], nullptr, 10);
    }
    try {
        bench("profiles (Chinook customers)", test::chinook_customers_sql,
              "mappings/chinook_customers.json", Target::Profiles, rows, unique_phones);
        bench("events (Chinook invoices)", test::chinook_invoices_sql,
              "mappings/chinook_invoices.json", Target::Events, rows, unique_phones);
    } catch (const std::exception &e) {
        std::cerr << "mapping_bench: " << e.what() << "\n";
        return 1;
    }
    return 0;
}
