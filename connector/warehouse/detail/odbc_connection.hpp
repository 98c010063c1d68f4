#pragma once

#include "odbc_handle.hpp"

#include <string>

// Internal to the warehouse module.
namespace connector::warehouse::detail {

/// What SQLGetInfo says about the connected driver and database.
struct DriverInfo {
    std::string driver_name;            ///< SQL_DRIVER_NAME, e.g. "psqlodbcw.so"
    std::string driver_version;         ///< SQL_DRIVER_VER
    std::string dbms_name;              ///< SQL_DBMS_NAME, e.g. "PostgreSQL"
    std::string dbms_version;           ///< SQL_DBMS_VER
    SQLUINTEGER getdata_extensions = 0; ///< SQL_GETDATA_EXTENSIONS bits (SQL_GD_*)
};

/// An ODBC environment and one connection (nanodbc connection_impl). Members are declared in
/// the order they must be released; the destructor disconnects when connected.
class OdbcConnection {
  public:
    /// Allocates the environment (ODBC 3) and the connection handle. Throws OdbcError.
    OdbcConnection();
    ~OdbcConnection();
    OdbcConnection(const OdbcConnection &) = delete;
    OdbcConnection &operator=(const OdbcConnection &) = delete;

    /// SQL_ATTR_LOGIN_TIMEOUT; 0 leaves the driver's default. Before connect().
    void set_login_timeout(int seconds);
    /// Asks for SQL_MODE_READ_ONLY. Returns false when the driver refused or substituted the
    /// value (many ignore it; the driver profile then enforces read-only in SQL).
    bool request_read_only();
    /// SQLDriverConnectW without prompting. Throws OdbcError with the driver's diagnostics.
    void connect(const std::string &connection_string);
    /// Disconnects when connected; never throws.
    void disconnect() noexcept;
    bool connected() const noexcept { return connected_; }

    DriverInfo driver_info() const;
    /// The driver description a DSN is registered with (SQLDataSources), or "" when there is no
    /// such DSN.
    std::string driver_of_dsn(const std::string &dsn) const;
    /// Runs a statement that returns no rows (session settings, test fixtures). Throws OdbcError.
    void execute(const std::string &sql);

    SQLHDBC native_dbc() const noexcept { return dbc_.get(); }

  private:
    EnvHandle env_;
    DbcHandle dbc_;
    bool connected_ = false;
};

} // namespace connector::warehouse::detail
