#include "chinook.hpp"

#include "support/test_env.hpp"

#include <sqlite3.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace connector::test {
namespace {

struct CloseDb {
    void operator()(sqlite3 *db) const noexcept { sqlite3_close(db); }
};
struct Finalize {
    void operator()(sqlite3_stmt *st) const noexcept { sqlite3_finalize(st); }
};

Value cell(sqlite3_stmt *st, int i) {
    const int type = sqlite3_column_type(st, i);
    if (type == SQLITE_NULL)
        return Null{};
    const char *decl_c = sqlite3_column_decltype(st, i);
    const std::string decl = decl_c ? decl_c : "";
    if (decl.rfind("NUMERIC", 0) == 0) {
        int scale = 0;
        std::sscanf(decl.c_str(), "NUMERIC(%*d,%d)", &scale);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.*f", scale, sqlite3_column_double(st, i));
        return Decimal{buf};
    }
    if (decl == "DATETIME") {
        int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
        const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(st, i));
        if (std::sscanf(text, "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &s) != 6)
            throw std::runtime_error(std::string("bad DATETIME ") + text);
        return Timestamp{days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) *
                                 86400 +
                             h * 3600 + mi * 60 + s,
                         0};
    }
    switch (type) {
    case SQLITE_INTEGER:
        return static_cast<std::int64_t>(sqlite3_column_int64(st, i));
    case SQLITE_FLOAT:
        return sqlite3_column_double(st, i);
    case SQLITE_BLOB: {
        const auto *p = static_cast<const std::uint8_t *>(sqlite3_column_blob(st, i));
        return Bytes(p, p + sqlite3_column_bytes(st, i));
    }
    default:
        return std::string(reinterpret_cast<const char *>(sqlite3_column_text(st, i)),
                           static_cast<std::size_t>(sqlite3_column_bytes(st, i)));
    }
}

} // namespace

Table query_chinook(const std::string &sql) {
    const std::string path = shared_path("data/chinook/Chinook_Sqlite.sqlite");
    sqlite3 *raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
    std::unique_ptr<sqlite3, CloseDb> db(raw);
    if (rc != SQLITE_OK)
        throw std::runtime_error("cannot open " + path);
    sqlite3_stmt *st_raw = nullptr;
    const int prc = sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &st_raw, nullptr);
    std::unique_ptr<sqlite3_stmt, Finalize> st(st_raw);
    if (prc != SQLITE_OK)
        throw std::runtime_error(std::string("bad SQL: ") + sqlite3_errmsg(db.get()));
    Table table;
    const int n = sqlite3_column_count(st.get());
    for (int i = 0; i < n; ++i) {
        const char *decl = sqlite3_column_decltype(st.get(), i);
        table.columns.push_back({sqlite3_column_name(st.get(), i), decl ? decl : ""});
    }
    int step = 0;
    while ((step = sqlite3_step(st.get())) == SQLITE_ROW) {
        Row row;
        row.number = table.rows.size() + 1;
        for (int i = 0; i < n; ++i)
            row.values.push_back(cell(st.get(), i));
        table.rows.push_back(std::move(row));
    }
    if (step != SQLITE_DONE)
        throw std::runtime_error(std::string("query failed: ") + sqlite3_errmsg(db.get()));
    return table;
}

} // namespace connector::test
