#pragma once

#include "column_plan.hpp"
#include "core/value.hpp"
#include "odbc_handle.hpp"
#include "time_zone.hpp"

#include <cstddef>
#include <string>
#include <vector>

// Internal to the warehouse module.
namespace connector::warehouse::detail {

/// Streams the rows of an executed statement as Values with memory that does not grow with the
/// number of rows.
///
/// Block mode (the driver can SQLGetData inside a rowset: SQL_GD_BLOCK, or every column has a
/// fixed size): every column is bound to a column-wise array of up to `block_rows` rows and one
/// SQLFetchScroll reads them all. A text or binary value longer than its bound buffer is read
/// again with SQLSetPos + SQLGetData, in pieces.
/// Row mode (otherwise; SQLite ODBC): one SQLFetch per row and SQLGetData, in pieces, for every
/// column, which any ODBC driver supports.
class ResultReader {
  public:
    /// `statement` must have an open cursor and outlive the reader. Throws OdbcError.
    ResultReader(const StmtHandle &statement,
                 std::vector<ColumnPlan> plans,
                 const TimeZone &zone,
                 SQLUINTEGER getdata_extensions,
                 std::size_t block_rows);
    ~ResultReader();
    ResultReader(const ResultReader &) = delete;
    ResultReader &operator=(const ResultReader &) = delete;

    /// Fills `values` (one per column) with the next row; false at the end. Throws OdbcError.
    bool next(std::vector<Value> &values);

    /// How rows are fetched, for the verbose log.
    std::string describe() const;
    bool block_mode() const noexcept { return block_mode_; }
    /// Rows per fetch (1 in row mode).
    std::size_t rows_per_fetch() const noexcept { return rows_; }

  private:
    struct Buffer {
        std::vector<unsigned char> data; ///< rows_ elements of plan.bind_bytes
        std::vector<SQLLEN> indicators;  ///< one per row
    };

    void bind_block();
    bool fetch_block();
    void read_block_row(std::size_t row, std::vector<Value> &values);
    Value decode_fixed(const ColumnPlan &plan, const unsigned char *data) const;
    /// The Value of the text in utf8_ for `plan`.
    Value text_value(const ColumnPlan &plan);
    Value read_with_getdata(std::size_t column);
    void position(std::size_t row);

    const StmtHandle &stmt_;
    std::vector<ColumnPlan> plans_;
    const TimeZone &zone_;
    bool block_mode_ = false;
    bool getdata_in_block_ = false;
    std::size_t rows_ = 1;
    std::vector<Buffer> buffers_;
    std::vector<SQLUSMALLINT> row_status_;
    SQLULEN rows_fetched_ = 0;
    std::size_t block_count_ = 0;
    std::size_t block_position_ = 0;
    std::size_t positioned_row_ = static_cast<std::size_t>(-1);
    bool done_ = false;
    // Scratch space reused for every value read in pieces.
    std::u16string wide_;
    std::vector<char16_t> wide_piece_;
    std::vector<unsigned char> byte_piece_;
    std::string utf8_;
};

} // namespace connector::warehouse::detail
