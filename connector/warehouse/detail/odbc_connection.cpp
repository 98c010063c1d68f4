#include "odbc_connection.hpp"

#include "utf16.hpp"

#include <algorithm>
#include <cctype>

namespace connector::warehouse::detail {

namespace {

std::string get_info_string(SQLHDBC dbc, SQLUSMALLINT info) {
    char16_t buffer[512] = {0};
    SQLSMALLINT bytes = 0;
    const SQLRETURN rc = SQLGetInfoW(dbc, info, buffer, sizeof buffer, &bytes);
    if (!SQL_SUCCEEDED(rc))
        return {};
    buffer[511] = 0;
    const std::size_t units = std::min<std::size_t>(static_cast<std::size_t>(bytes) / 2,
                                                    std::char_traits<char16_t>::length(buffer));
    std::string out;
    utf16_to_utf8(buffer, units, out);
    return out;
}

// The environment must declare ODBC 3 before a connection handle is allocated under it.
SQLHENV as_odbc3(const EnvHandle &env) {
    env.check(SQLSetEnvAttr(env.get(), SQL_ATTR_ODBC_VERSION,
                            reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(SQL_OV_ODBC3)), 0),
              "SQLSetEnvAttr(SQL_ATTR_ODBC_VERSION)");
    return env.get();
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

} // namespace

OdbcConnection::OdbcConnection() : env_(SQL_NULL_HANDLE), dbc_(as_odbc3(env_)) {}

OdbcConnection::~OdbcConnection() {
    disconnect();
}

void OdbcConnection::set_login_timeout(int seconds) {
    if (seconds <= 0)
        return;
    dbc_.check(SQLSetConnectAttrW(dbc_.get(), SQL_ATTR_LOGIN_TIMEOUT,
                                  reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(seconds)), 0),
               "SQLSetConnectAttr(SQL_ATTR_LOGIN_TIMEOUT)");
}

bool OdbcConnection::request_read_only() {
    const SQLRETURN rc = SQLSetConnectAttrW(
        dbc_.get(), SQL_ATTR_ACCESS_MODE,
        reinterpret_cast<SQLPOINTER>(static_cast<SQLULEN>(SQL_MODE_READ_ONLY)), 0);
    // SQL_SUCCESS_WITH_INFO here is 01S02 "option value changed": the driver kept read-write.
    return rc == SQL_SUCCESS;
}

void OdbcConnection::connect(const std::string &connection_string) {
    std::u16string wide = utf8_to_utf16(connection_string);
    char16_t out[1024];
    SQLSMALLINT out_length = 0;
    dbc_.check(SQLDriverConnectW(dbc_.get(), nullptr, reinterpret_cast<SQLWCHAR *>(wide.data()),
                                 static_cast<SQLSMALLINT>(wide.size()),
                                 reinterpret_cast<SQLWCHAR *>(out), 1024, &out_length,
                                 SQL_DRIVER_NOPROMPT),
               "SQLDriverConnect");
    connected_ = true;
}

void OdbcConnection::disconnect() noexcept {
    if (connected_) {
        SQLDisconnect(dbc_.get());
        connected_ = false;
    }
}

DriverInfo OdbcConnection::driver_info() const {
    DriverInfo info;
    info.driver_name = get_info_string(dbc_.get(), SQL_DRIVER_NAME);
    info.driver_version = get_info_string(dbc_.get(), SQL_DRIVER_VER);
    info.dbms_name = get_info_string(dbc_.get(), SQL_DBMS_NAME);
    info.dbms_version = get_info_string(dbc_.get(), SQL_DBMS_VER);
    SQLUINTEGER bits = 0;
    if (SQL_SUCCEEDED(SQLGetInfoW(dbc_.get(), SQL_GETDATA_EXTENSIONS, &bits, sizeof bits, nullptr)))
        info.getdata_extensions = bits;
    return info;
}

std::string OdbcConnection::driver_of_dsn(const std::string &dsn) const {
    const std::string wanted = lower(dsn);
    SQLUSMALLINT direction = SQL_FETCH_FIRST;
    for (int guard = 0; guard < 10000; ++guard) {
        char16_t name[SQL_MAX_DSN_LENGTH + 1] = {0};
        char16_t description[512] = {0};
        SQLSMALLINT name_length = 0;
        SQLSMALLINT description_length = 0;
        const SQLRETURN rc = SQLDataSourcesW(
            env_.get(), direction, reinterpret_cast<SQLWCHAR *>(name), SQL_MAX_DSN_LENGTH + 1,
            &name_length, reinterpret_cast<SQLWCHAR *>(description), 512, &description_length);
        if (!SQL_SUCCEEDED(rc))
            break;
        direction = SQL_FETCH_NEXT;
        std::string n;
        utf16_to_utf8(name, std::char_traits<char16_t>::length(name), n);
        if (lower(n) == wanted) {
            std::string d;
            utf16_to_utf8(description, std::char_traits<char16_t>::length(description), d);
            return d;
        }
    }
    return {};
}

void OdbcConnection::execute(const std::string &sql) {
    StmtHandle stmt(dbc_.get());
    std::u16string wide = utf8_to_utf16(sql);
    stmt.check(SQLExecDirectW(stmt.get(), reinterpret_cast<SQLWCHAR *>(wide.data()),
                              static_cast<SQLINTEGER>(wide.size())),
               "SQLExecDirect", true);
}

} // namespace connector::warehouse::detail
