#pragma once

#include "warehouse/odbc_error.hpp"

#include <sql.h>
#include <sqlext.h>

#include <cassert>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

// Internal to the warehouse module: includes the ODBC C API. Public headers never include this.
namespace connector::warehouse::detail {

/// Reads up to `max_records` diagnostic records of a handle (SQLGetDiagRecW), in UTF-8.
/// NOTE(nanodbc): some drivers misbehave when asked for record after record, so the loop is
/// capped, stops at the first non-success, and never asks for the same record twice.
std::vector<DiagRecord>
collect_diagnostics(SQLSMALLINT handle_type, SQLHANDLE handle, std::size_t max_records = 16);

/// The one checked path for every ODBC call (style §8.2): returns `rc` when it succeeded
/// (SQL_SUCCESS, SQL_SUCCESS_WITH_INFO, and SQL_NO_DATA when `no_data_ok`), otherwise throws an
/// OdbcError carrying `call` and the handle's diagnostics. Callers add context (phase, query
/// file, advice) by catching it at the module edge.
SQLRETURN check(SQLRETURN rc,
                SQLSMALLINT handle_type,
                SQLHANDLE handle,
                const char *call,
                bool no_data_ok = false);

/// Move-only owner of one ODBC handle (ENV, DBC or STMT). The constructor allocates it under
/// `parent` and throws SourceError; the destructor frees it and never throws.
template <SQLSMALLINT Type> class OdbcHandle {
  public:
    explicit OdbcHandle(SQLHANDLE parent) {
        const SQLRETURN rc = SQLAllocHandle(Type, parent, &handle_);
        if (!SQL_SUCCEEDED(rc)) {
            // The diagnostics of a failed allocation live on the parent.
            std::vector<DiagRecord> records;
            if (parent != SQL_NULL_HANDLE)
                records = collect_diagnostics(parent_type(), parent);
            handle_ = SQL_NULL_HANDLE;
            const std::string message =
                "could not allocate an ODBC handle: " + format_diagnostics(records);
            throw OdbcError(message, "SQLAllocHandle", std::move(records), OdbcFailure::Other);
        }
    }
    ~OdbcHandle() {
        if (handle_ != SQL_NULL_HANDLE) {
            [[maybe_unused]] const SQLRETURN rc = SQLFreeHandle(Type, handle_);
            assert(SQL_SUCCEEDED(rc) && "SQLFreeHandle failed");
        }
    }
    OdbcHandle(OdbcHandle &&other) noexcept
        : handle_(std::exchange(other.handle_, SQL_NULL_HANDLE)) {}
    OdbcHandle &operator=(OdbcHandle &&other) noexcept {
        std::swap(handle_, other.handle_);
        return *this;
    }
    OdbcHandle(const OdbcHandle &) = delete;
    OdbcHandle &operator=(const OdbcHandle &) = delete;

    SQLHANDLE get() const noexcept { return handle_; }
    static constexpr SQLSMALLINT type = Type;

    /// check() against this handle.
    SQLRETURN check(SQLRETURN rc, const char *call, bool no_data_ok = false) const {
        return detail::check(rc, Type, handle_, call, no_data_ok);
    }

  private:
    static constexpr SQLSMALLINT parent_type() {
        return Type == SQL_HANDLE_STMT ? SQL_HANDLE_DBC : SQL_HANDLE_ENV;
    }
    SQLHANDLE handle_ = SQL_NULL_HANDLE;
};

using EnvHandle = OdbcHandle<SQL_HANDLE_ENV>;
using DbcHandle = OdbcHandle<SQL_HANDLE_DBC>;
using StmtHandle = OdbcHandle<SQL_HANDLE_STMT>;

} // namespace connector::warehouse::detail
