#include "result_reader.hpp"

#include "utf16.hpp"

#include <algorithm>
#include <cstring>

namespace connector::warehouse::detail {

namespace {

// Bound buffers of one rowset stay under this many bytes, whatever the row width.
constexpr std::size_t block_budget_bytes = 16u << 20;
// Pieces of long values read with SQLGetData.
constexpr std::size_t piece_units = 32 * 1024;
// Bytes asked for in the first SQLGetData of a narrow text value (most values are shorter).
constexpr std::size_t first_text_piece = 512;

constexpr SQLUINTEGER needed_getdata_bits =
    SQL_GD_BLOCK | SQL_GD_BOUND | SQL_GD_ANY_COLUMN | SQL_GD_ANY_ORDER;

template <typename T> T load(const unsigned char *p) {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

LocalDateTime local_of(const SQL_TIMESTAMP_STRUCT &ts) {
    return LocalDateTime{Date{ts.year, ts.month, ts.day},
                         Time{ts.hour, ts.minute, ts.second, ts.fraction}};
}

} // namespace

ResultReader::ResultReader(const StmtHandle &statement,
                           std::vector<ColumnPlan> plans,
                           const TimeZone &zone,
                           SQLUINTEGER getdata_extensions,
                           std::size_t block_rows)
    : stmt_(statement), plans_(std::move(plans)), zone_(zone), wide_piece_(piece_units + 1),
      byte_piece_(piece_units * 2) {
    getdata_in_block_ = (getdata_extensions & needed_getdata_bits) == needed_getdata_bits;
    const bool all_fixed = std::all_of(plans_.begin(), plans_.end(),
                                       [](const ColumnPlan &p) { return p.fixed_width(); });
    block_mode_ = getdata_in_block_ || all_fixed;
    if (block_mode_) {
        std::size_t row_bytes = 0;
        for (const auto &p : plans_)
            row_bytes += p.bind_bytes + sizeof(SQLLEN);
        rows_ = std::clamp<std::size_t>(block_budget_bytes / std::max<std::size_t>(row_bytes, 1), 1,
                                        std::max<std::size_t>(block_rows, 1));
        bind_block();
    }
}

ResultReader::~ResultReader() {
    // The driver keeps pointers into the buffers until they are unbound.
    SQLFreeStmt(stmt_.get(), SQL_UNBIND);
    if (block_mode_) {
        SQLSetStmtAttrW(stmt_.get(), SQL_ATTR_ROWS_FETCHED_PTR, nullptr, 0);
        SQLSetStmtAttrW(stmt_.get(), SQL_ATTR_ROW_STATUS_PTR, nullptr, 0);
    }
}

void ResultReader::bind_block() {
    SQLHSTMT h = stmt_.get();
    stmt_.check(
        SQLSetStmtAttrW(h, SQL_ATTR_ROW_BIND_TYPE,
                        reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(SQL_BIND_BY_COLUMN)), 0),
        "SQLSetStmtAttr(SQL_ATTR_ROW_BIND_TYPE)");
    const SQLRETURN rc = SQLSetStmtAttrW(
        h, SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(rows_)), 0);
    if (rc == SQL_SUCCESS_WITH_INFO || !SQL_SUCCEEDED(rc)) {
        // 01S02: the driver substituted its own maximum. Ask what it is.
        SQLULEN actual = 1;
        if (SQL_SUCCEEDED(SQLGetStmtAttrW(h, SQL_ATTR_ROW_ARRAY_SIZE, &actual, 0, nullptr)))
            rows_ = std::max<SQLULEN>(actual, 1);
        else
            rows_ = 1;
    }
    row_status_.assign(rows_, SQL_ROW_NOROW);
    stmt_.check(SQLSetStmtAttrW(h, SQL_ATTR_ROWS_FETCHED_PTR, &rows_fetched_, 0),
                "SQLSetStmtAttr(SQL_ATTR_ROWS_FETCHED_PTR)");
    stmt_.check(SQLSetStmtAttrW(h, SQL_ATTR_ROW_STATUS_PTR, row_status_.data(), 0),
                "SQLSetStmtAttr(SQL_ATTR_ROW_STATUS_PTR)");
    buffers_.resize(plans_.size());
    for (std::size_t c = 0; c < plans_.size(); ++c) {
        const auto &plan = plans_[c];
        auto &buffer = buffers_[c];
        buffer.data.assign(plan.bind_bytes * rows_, 0);
        buffer.indicators.assign(rows_, 0);
        stmt_.check(SQLBindCol(h, static_cast<SQLUSMALLINT>(c + 1), plan.c_type, buffer.data.data(),
                               static_cast<SQLLEN>(plan.bind_bytes), buffer.indicators.data()),
                    "SQLBindCol");
    }
}

bool ResultReader::fetch_block() {
    const SQLRETURN rc =
        stmt_.check(SQLFetchScroll(stmt_.get(), SQL_FETCH_NEXT, 0), "SQLFetchScroll", true);
    positioned_row_ = static_cast<std::size_t>(-1);
    if (rc == SQL_NO_DATA)
        return false;
    block_count_ = std::min<std::size_t>(rows_fetched_, rows_);
    block_position_ = 0;
    return block_count_ > 0;
}

bool ResultReader::next(std::vector<Value> &values) {
    if (done_)
        return false;
    values.resize(plans_.size());
    if (block_mode_) {
        if (block_position_ >= block_count_ && !fetch_block()) {
            done_ = true;
            return false;
        }
        read_block_row(block_position_++, values);
        return true;
    }
    const SQLRETURN rc = stmt_.check(SQLFetch(stmt_.get()), "SQLFetch", true);
    if (rc == SQL_NO_DATA) {
        done_ = true;
        return false;
    }
    for (std::size_t c = 0; c < plans_.size(); ++c)
        values[c] = read_with_getdata(c);
    return true;
}

void ResultReader::position(std::size_t row) {
    if (positioned_row_ == row)
        return;
    stmt_.check(SQLSetPos(stmt_.get(), static_cast<SQLSETPOSIROW>(row + 1), SQL_POSITION,
                          SQL_LOCK_NO_CHANGE),
                "SQLSetPos");
    positioned_row_ = row;
}

void ResultReader::read_block_row(std::size_t row, std::vector<Value> &values) {
    if (row_status_[row] == SQL_ROW_ERROR) {
        // The driver could not convert a value of this row; its diagnostics say which.
        position(row);
        stmt_.check(SQL_ERROR, "SQLFetchScroll (row status SQL_ROW_ERROR)");
    }
    for (std::size_t c = 0; c < plans_.size(); ++c) {
        const auto &plan = plans_[c];
        const auto &buffer = buffers_[c];
        const SQLLEN indicator = buffer.indicators[row];
        const unsigned char *data = buffer.data.data() + row * plan.bind_bytes;
        if (indicator == SQL_NULL_DATA) {
            values[c] = Null{};
            continue;
        }
        if (plan.fixed_width()) {
            values[c] = decode_fixed(plan, data);
            continue;
        }
        const bool wide = plan.c_type == SQL_C_WCHAR;
        const std::size_t terminator =
            wide ? sizeof(char16_t) : (plan.c_type == SQL_C_CHAR ? 1 : 0);
        const std::size_t room = plan.bind_bytes - terminator;
        if (indicator == SQL_NO_TOTAL || indicator < 0 ||
            static_cast<std::size_t>(indicator) > room) {
            // Longer than the bound buffer: read the whole value again from the driver.
            position(row);
            values[c] = read_with_getdata(c);
            continue;
        }
        const auto length = static_cast<std::size_t>(indicator);
        if (wide) {
            utf16_to_utf8(reinterpret_cast<const char16_t *>(data), length / sizeof(char16_t),
                          utf8_);
            values[c] = text_value(plan);
        } else if (plan.c_type == SQL_C_CHAR) {
            utf8_.assign(reinterpret_cast<const char *>(data), length);
            values[c] = text_value(plan);
        } else {
            values[c] = Bytes(data, data + length);
        }
    }
}

Value ResultReader::decode_fixed(const ColumnPlan &plan, const unsigned char *data) const {
    switch (plan.c_type) {
    case SQL_C_BIT:
        return load<SQLCHAR>(data) != 0;
    case SQL_C_SBIGINT:
        return static_cast<std::int64_t>(load<SQLBIGINT>(data));
    case SQL_C_DOUBLE:
        return static_cast<double>(load<SQLDOUBLE>(data));
    case SQL_C_TYPE_DATE: {
        const auto d = load<SQL_DATE_STRUCT>(data);
        return Date{d.year, d.month, d.day};
    }
    case SQL_C_TYPE_TIMESTAMP: {
        const LocalDateTime local = local_of(load<SQL_TIMESTAMP_STRUCT>(data));
        return plan.kind == ValueKind::TimestampUtc ? to_timestamp(local, 0) : zone_.to_utc(local);
    }
    default:
        return Null{};
    }
}

Value ResultReader::text_value(const ColumnPlan &plan) {
    if (plan.lower_case)
        for (auto &ch : utf8_)
            if (ch >= 'A' && ch <= 'Z')
                ch = static_cast<char>(ch - 'A' + 'a');
    return text_to_value(plan.kind, utf8_, zone_);
}

Value ResultReader::read_with_getdata(std::size_t column) {
    const auto &plan = plans_[column];
    const auto number = static_cast<SQLUSMALLINT>(column + 1);
    SQLHSTMT h = stmt_.get();
    SQLLEN indicator = 0;

    if (plan.fixed_width()) {
        unsigned char fixed[sizeof(SQL_TIMESTAMP_STRUCT) + 8] = {0};
        stmt_.check(SQLGetData(h, number, plan.c_type, fixed, sizeof fixed, &indicator),
                    "SQLGetData");
        if (indicator == SQL_NULL_DATA)
            return Null{};
        return decode_fixed(plan, fixed);
    }

    if (plan.c_type == SQL_C_WCHAR) {
        wide_.clear();
        const auto bytes = static_cast<SQLLEN>(wide_piece_.size() * sizeof(char16_t));
        const std::size_t room_units = wide_piece_.size() - 1;
        for (;;) {
            const SQLRETURN rc = stmt_.check(
                SQLGetData(h, number, SQL_C_WCHAR, wide_piece_.data(), bytes, &indicator),
                "SQLGetData", true);
            if (rc == SQL_NO_DATA)
                break;
            if (indicator == SQL_NULL_DATA)
                return Null{};
            const bool more = indicator == SQL_NO_TOTAL ||
                              static_cast<std::size_t>(indicator) > room_units * sizeof(char16_t);
            const std::size_t units =
                more ? room_units : static_cast<std::size_t>(indicator) / sizeof(char16_t);
            wide_.append(wide_piece_.data(), units);
            if (!more || rc == SQL_SUCCESS)
                break;
        }
        utf16_to_utf8(wide_.data(), wide_.size(), utf8_);
        return text_value(plan);
    }

    if (plan.c_type == SQL_C_CHAR) {
        // UTF-8 bytes in pieces, each followed by the driver's terminator; a piece may end
        // inside a character, which the next one completes.
        // NOTE(sqliteodbc 0.9998): SQL_C_CHAR values are copied with strncpy, which fills the
        // whole buffer: a short first piece keeps a 20-byte email from costing 64 KB of
        // zeroes; longer values continue in the large piece.
        utf8_.clear();
        for (std::size_t piece = 0;; ++piece) {
            const std::size_t size = piece == 0 ? first_text_piece : byte_piece_.size();
            const std::size_t room = size - 1;
            const SQLRETURN rc = stmt_.check(SQLGetData(h, number, SQL_C_CHAR, byte_piece_.data(),
                                                        static_cast<SQLLEN>(size), &indicator),
                                             "SQLGetData", true);
            if (rc == SQL_NO_DATA)
                break;
            if (indicator == SQL_NULL_DATA)
                return Null{};
            const bool more =
                indicator == SQL_NO_TOTAL || static_cast<std::size_t>(indicator) > room;
            const std::size_t n = more ? room : static_cast<std::size_t>(indicator);
            utf8_.append(reinterpret_cast<const char *>(byte_piece_.data()), n);
            if (!more || rc == SQL_SUCCESS)
                break;
        }
        return text_value(plan);
    }

    Bytes bytes_out;
    const auto room = static_cast<SQLLEN>(byte_piece_.size());
    for (;;) {
        const SQLRETURN rc =
            stmt_.check(SQLGetData(h, number, SQL_C_BINARY, byte_piece_.data(), room, &indicator),
                        "SQLGetData", true);
        if (rc == SQL_NO_DATA)
            break;
        if (indicator == SQL_NULL_DATA)
            return Null{};
        const bool more = indicator == SQL_NO_TOTAL || indicator > room;
        const std::size_t n = more ? byte_piece_.size() : static_cast<std::size_t>(indicator);
        bytes_out.insert(bytes_out.end(), byte_piece_.begin(),
                         byte_piece_.begin() + static_cast<long>(n));
        if (!more || rc == SQL_SUCCESS)
            break;
    }
    return bytes_out;
}

std::string ResultReader::describe() const {
    std::string s;
    if (block_mode_) {
        s = "block cursor of " + std::to_string(rows_) + " rows per fetch, every column bound";
        if (getdata_in_block_)
            s += "; values longer than their buffer are read again with SQLGetData";
    } else {
        s = "one row per fetch, every value read with SQLGetData in pieces (the driver cannot "
            "SQLGetData inside a rowset and the result has variable-length columns)";
    }
    return s;
}

} // namespace connector::warehouse::detail
