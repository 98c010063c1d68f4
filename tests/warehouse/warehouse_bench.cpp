// Reads N generated rows through a driver and prints rows/second, for docs/warehouses.md.
//   warehouse_bench sqlite|postgres ROWS [CONNECTION]
// Peak memory: run it under /usr/bin/time -v with 200000 and 1000000 rows.
#include "warehouse/odbc_source.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char **argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: warehouse_bench sqlite|postgres ROWS [CONNECTION]\n");
        return 2;
    }
    const std::string kind = argv[1];
    const std::string rows = std::to_string(std::strtoull(argv[2], nullptr, 10));
    connector::warehouse::ConnectionOptions options;
    std::string sql;
    if (kind == "sqlite") {
        options.connection_string = argc > 3 ? argv[3] : "Driver=SQLite3;Database=:memory:";
        sql = "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < " + rows +
              ") SELECT i AS id, 'user' || i || '@example.com' AS email, 'Zoë ' || i AS name, "
              "i * 0.25 AS score, '2024-01-02 03:04:05' AS updated_at FROM c";
    } else {
        const char *pg = std::getenv("CONNECTOR_TEST_PG");
        options.connection_string = argc > 3 ? argv[3] : (pg ? pg : "");
        sql = "SELECT g AS id, 'user' || g || '@example.com' AS email, 'Zoë ' || g AS name, "
              "g * 0.25 AS score, timestamp '2024-01-02 03:04:05' + g * interval '1 second' AS "
              "updated_at FROM generate_series(1, " +
              rows + ") g";
    }
    if (std::getenv("WAREHOUSE_BENCH_VERBOSE"))
        options.verbose_log = [](const std::string &line) {
            std::fprintf(stderr, "%s\n", line.c_str());
        };
    try {
        const auto start = std::chrono::steady_clock::now();
        connector::warehouse::OdbcSource source(options, sql, "bench.sql", {});
        connector::Row row;
        std::uint64_t n = 0;
        std::uint64_t bytes = 0;
        while (source.next(row)) {
            ++n;
            bytes += std::get<std::string>(row.values[1]).size();
        }
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::printf("%s: %llu rows in %.2f s = %.0f rows/s (%llu email bytes)\n", kind.c_str(),
                    static_cast<unsigned long long>(n), seconds, n / seconds,
                    static_cast<unsigned long long>(bytes));
    } catch (const std::exception &e) {
        std::fprintf(stderr, "warehouse_bench: %s\n", e.what());
        return 3;
    }
    return 0;
}
