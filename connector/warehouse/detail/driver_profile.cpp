#include "driver_profile.hpp"

#include "warehouse/connection_string.hpp"

#include <algorithm>
#include <cctype>

namespace connector::warehouse::detail {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool contains(const std::string &s, const char *part) {
    return s.find(part) != std::string::npos;
}

} // namespace

const char *to_string(DriverFamily family) noexcept {
    switch (family) {
    case DriverFamily::Sqlite:
        return "SQLite";
    case DriverFamily::Postgres:
        return "PostgreSQL";
    case DriverFamily::Generic:
        break;
    }
    return "generic ODBC";
}

DriverFamily family_from_driver(const std::string &driver) {
    const std::string d = lower(driver);
    if (contains(d, "psqlodbc") || contains(d, "postgres"))
        return DriverFamily::Postgres;
    if (contains(d, "sqlite"))
        return DriverFamily::Sqlite;
    return DriverFamily::Generic;
}

DriverFamily family_from_info(const std::string &driver_name, const std::string &dbms_name) {
    const std::string d = lower(driver_name);
    const std::string dbms = lower(dbms_name);
    if (contains(d, "psqlodbc"))
        return DriverFamily::Postgres;
    if (contains(d, "sqlite") || dbms == "sqlite")
        return DriverFamily::Sqlite;
    return DriverFamily::Generic;
}

std::vector<std::string> connection_additions(DriverFamily family,
                                              const std::string &connection_string,
                                              std::size_t fetch_rows) {
    const auto attributes = parse_connection_string(connection_string);
    std::vector<std::string> out;
    auto add = [&](const char *key, const std::string &value) {
        if (find_attribute(attributes, key) == nullptr)
            out.push_back(std::string(key) + "=" + value);
    };
    switch (family) {
    case DriverFamily::Postgres:
        // NOTE(psqlODBC 13): without UseDeclareFetch the driver reads the whole result set into
        // memory before the first SQLFetch returns. With it, the query runs as a server-side
        // cursor read Fetch rows at a time.
        add("UseDeclareFetch", "1");
        add("Fetch", std::to_string(fetch_rows));
        add("BoolsAsChar", "0");
        break;
    case DriverFamily::Sqlite:
        // NOTE(sqliteodbc 0.9998): without StepAPI=1 the driver collects the whole result with
        // sqlite3_get_table before the first fetch (234 MB for a million rows, 8 MB with it).
        add("StepAPI", "1");
        add("NoCreat", "1");
        // NOTE(sqliteodbc 0.9998): without LongNames a name with a dot is taken for
        // "table.column" and cut to its last part, so AS "location.city" became "city" (and
        // when every column is a table's, even the label says "city"). With it, aliases are
        // kept as written and plain columns come as "Table.Column": result_column_name takes
        // the table off again.
        add("LongNames", "1");
        break;
    case DriverFamily::Generic:
        break;
    }
    return out;
}

std::vector<std::string> session_statements(DriverFamily family) {
    switch (family) {
    case DriverFamily::Postgres:
        // NOTE(psqlODBC 13): SQL_ATTR_ACCESS_MODE is accepted and ignored, so the session is
        // made read-only in SQL. timestamptz values arrive as wall-clock time in the session
        // zone without their offset, so the zone is pinned to UTC.
        return {"SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY", "SET TIME ZONE 'UTC'"};
    case DriverFamily::Sqlite:
        // NOTE(sqliteodbc 0.9998): SQL_ATTR_ACCESS_MODE is refused (01S02); query_only makes
        // SQLite itself refuse every write.
        return {"PRAGMA query_only = 1"};
    case DriverFamily::Generic:
        break;
    }
    return {};
}

std::string
result_column_name(DriverFamily family, const std::string &name, const std::string &table_name) {
    if (family != DriverFamily::Sqlite || table_name.empty())
        return name;
    const std::string prefix = table_name + ".";
    if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0)
        return name.substr(prefix.size());
    return name;
}

bool honours_query_timeout(DriverFamily family) {
    // NOTE(sqliteodbc 0.9998): the attribute is stored and never used.
    return family != DriverFamily::Sqlite;
}

bool uses_narrow_text(DriverFamily family) {
    return family == DriverFamily::Sqlite;
}

bool reads_values_as_text(DriverFamily family) {
    return family == DriverFamily::Sqlite;
}

} // namespace connector::warehouse::detail
