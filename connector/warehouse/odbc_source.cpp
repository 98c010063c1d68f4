#include "odbc_source.hpp"

#include "core/error.hpp"
#include "detail/column_plan.hpp"
#include "detail/driver_profile.hpp"
#include "detail/odbc_connection.hpp"
#include "detail/odbc_statement.hpp"
#include "detail/query_template.hpp"
#include "detail/result_reader.hpp"
#include "detail/statement_watch.hpp"
#include "detail/time_zone.hpp"

#include <algorithm>
#include <cctype>
#include <map>

namespace connector::warehouse {

namespace {

using detail::DriverFamily;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string join_attributes(std::string base, const std::vector<std::string> &additions) {
    for (const auto &a : additions) {
        if (!base.empty() && base.back() != ';')
            base.push_back(';');
        base += a;
    }
    return base;
}

// Microseconds: the finest precision parameters are declared with (6 decimal digits).
SQL_TIMESTAMP_STRUCT to_parameter(const Timestamp &t) {
    std::int64_t days = t.unix_seconds / 86400;
    std::int64_t seconds = t.unix_seconds % 86400;
    if (seconds < 0) {
        seconds += 86400;
        --days;
    }
    const Date d = civil_from_days(days);
    SQL_TIMESTAMP_STRUCT p{};
    p.year = static_cast<SQLSMALLINT>(d.year);
    p.month = static_cast<SQLUSMALLINT>(d.month);
    p.day = static_cast<SQLUSMALLINT>(d.day);
    p.hour = static_cast<SQLUSMALLINT>(seconds / 3600);
    p.minute = static_cast<SQLUSMALLINT>(seconds / 60 % 60);
    p.second = static_cast<SQLUSMALLINT>(seconds % 60);
    p.fraction = t.nanos / 1000 * 1000;
    return p;
}

std::string describe_column(const detail::ColumnPlan &plan) {
    std::string type = plan.display_type;
    const auto &d = plan.description;
    if (d.column_size > 0 &&
        (plan.kind == detail::ValueKind::Text || plan.kind == detail::ValueKind::Decimal))
        type += "(" + std::to_string(d.column_size) +
                (plan.kind == detail::ValueKind::Decimal ? "," + std::to_string(d.decimal_digits)
                                                         : std::string()) +
                ")";
    return type + " -> " + detail::to_string(plan.kind);
}

} // namespace

struct OdbcSource::Impl {
    Impl(const ConnectionOptions &options, const std::string &name)
        : query_name(name), login_timeout(options.login_timeout_seconds),
          query_timeout(options.query_timeout_seconds), log_fn(options.verbose_log),
          zone(options.warehouse_timezone) {}

    std::string query_name;
    int login_timeout;
    int query_timeout;
    std::function<void(const std::string &)> log_fn;
    std::string label; ///< the connection string, redacted
    std::vector<std::string> secrets;
    bool uses_dsn = false;
    std::uint64_t rows = 0;
    std::vector<Column> columns;
    // Released in reverse order: reader, statement, connection.
    detail::TimeZone zone;
    detail::OdbcConnection connection;
    std::unique_ptr<detail::OdbcStatement> statement;
    std::unique_ptr<detail::StatementWatch> watch; // joined before the statement is freed
    std::unique_ptr<detail::ResultReader> reader;

    void log(const std::string &message) const {
        if (log_fn)
            log_fn("warehouse: " + message);
    }

    // Turns a bare OdbcError from the checked path into the user's message: the query file,
    // what was being done, the advice for this kind of failure and the driver's words, with
    // every secret of the connection string scrubbed.
    [[noreturn]] void fail(const OdbcError &e, OdbcPhase phase, const std::string &doing) const {
        if (watch && watch->cancelled_for_stop())
            throw InterruptedError(query_name + ": the query was cancelled: the run is stopping");
        std::vector<DiagRecord> records = e.records();
        for (auto &r : records)
            r.message = scrub_secrets(r.message, secrets);
        OdbcFailure failure = classify_failure(records, phase);
        if (watch && watch->timed_out())
            failure = OdbcFailure::Timeout;
        if (failure == OdbcFailure::DataSourceMissing && !uses_dsn)
            failure = OdbcFailure::DriverMissing;
        std::string advice = advice_for(failure);
        if (failure == OdbcFailure::Timeout && query_timeout > 0)
            advice += " (query timeout: " + std::to_string(query_timeout) + " s)";
        if (failure == OdbcFailure::Unreachable && login_timeout > 0)
            advice += " (login timeout: " + std::to_string(login_timeout) + " s)";
        const std::string message = query_name + ": " + doing + ": " + advice +
                                    ". Driver said: " + format_diagnostics(records) + " (in " +
                                    e.call() + ")";
        throw OdbcError(message, e.call(), std::move(records), failure);
    }

    void connect(const ConnectionOptions &options);
    void open_session(const detail::DriverInfo &info, DriverFamily family, bool read_only_attr);
    void run(const detail::PreparedQuery &query,
             const QueryParams &params,
             std::size_t fetch_rows,
             const detail::DriverInfo &info,
             DriverFamily family);
};

void OdbcSource::Impl::connect(const ConnectionOptions &options) {
    const bool has_dsn = !options.dsn.empty();
    const bool has_string = !options.connection_string.empty();
    if (has_dsn == has_string)
        throw ConfigError(has_dsn ? "give either --dsn or --connection, not both"
                                  : "no warehouse connection: give --dsn NAME or --connection "
                                    "\"Driver=...;...\"");
    std::string conn;
    if (has_dsn) {
        // Braces keep a ';' or '=' in the name from being read as another attribute.
        const bool plain = options.dsn.find_first_of(";={}") == std::string::npos;
        conn = "DSN=" + (plain ? options.dsn : "{" + options.dsn + "}");
    } else {
        conn = expand_environment(options.connection_string);
    }
    label = redact_connection_string(conn);
    secrets = secret_values(conn);

    const auto attributes = parse_connection_string(conn);
    DriverFamily family = DriverFamily::Generic;
    const ConnectionAttribute *dsn_attr = find_attribute(attributes, "DSN");
    uses_dsn = dsn_attr != nullptr && !dsn_attr->value.empty();
    if (const ConnectionAttribute *driver = find_attribute(attributes, "Driver"))
        family = detail::family_from_driver(driver->value);
    else if (uses_dsn)
        family = detail::family_from_driver(connection.driver_of_dsn(dsn_attr->value));

    try {
        connection.set_login_timeout(options.login_timeout_seconds);
    } catch (const OdbcError &e) {
        log("the driver manager refused the login timeout: " + format_diagnostics(e.records()));
    }
    const bool read_only_attr = connection.request_read_only();

    auto attempt = [&](DriverFamily f) {
        const auto additions = detail::connection_additions(f, conn, options.fetch_rows);
        if (!additions.empty())
            log("adding " + join_attributes({}, additions) + " for the " + detail::to_string(f) +
                " driver");
        log("connecting with " + label);
        try {
            connection.connect(join_attributes(conn, additions));
        } catch (const OdbcError &e) {
            fail(e, OdbcPhase::Connect, "could not connect to the warehouse (" + label + ")");
        }
    };
    attempt(family);

    const detail::DriverInfo info = connection.driver_info();
    const DriverFamily actual = detail::family_from_info(info.driver_name, info.dbms_name);
    if (actual == DriverFamily::Postgres && family != DriverFamily::Postgres) {
        // The DSN or driver name did not reveal psqlODBC, and its streaming options must be set
        // when connecting: connect again with them.
        log("the driver is psqlODBC: reconnecting with its streaming options");
        connection.disconnect();
        attempt(actual);
    }
    family = actual;
    log("driver " + info.driver_name + " " + info.driver_version + ", database " + info.dbms_name +
        " " + info.dbms_version + " (" + detail::to_string(family) + " profile)");
    open_session(info, family, read_only_attr);
}

void OdbcSource::Impl::open_session(const detail::DriverInfo &info,
                                    DriverFamily family,
                                    bool read_only_attr) {
    const auto statements = detail::session_statements(family);
    for (const auto &sql : statements) {
        try {
            connection.execute(sql);
        } catch (const OdbcError &e) {
            fail(e, OdbcPhase::Connect, "could not prepare the session (" + sql + ")");
        }
    }
    if (!statements.empty())
        log("read-only session and settings: " + join_attributes({}, statements));
    else if (read_only_attr)
        log("read-only session: the driver accepted SQL_ATTR_ACCESS_MODE = read-only");
    else
        log("the driver " + info.driver_name +
            " does not offer a read-only session: use a warehouse user that may only read");
    log("timestamps without a time zone are read as " + zone.name() +
        "; {{placeholders}} are bound as UTC timestamps");
}

void OdbcSource::Impl::run(const detail::PreparedQuery &query,
                           const QueryParams &params,
                           std::size_t fetch_rows,
                           const detail::DriverInfo &info,
                           DriverFamily family) {
    try {
        statement = std::make_unique<detail::OdbcStatement>(connection);
        const bool own_timeout = !detail::honours_query_timeout(family);
        if (own_timeout && query_timeout > 0)
            log("the driver ignores SQL_ATTR_QUERY_TIMEOUT: the connector cancels the query "
                "itself if its first row has not come within " +
                std::to_string(query_timeout) + " s");
        else if (!statement->set_query_timeout(query_timeout))
            log("the driver did not accept a query timeout of " + std::to_string(query_timeout) +
                " s");
        watch = std::make_unique<detail::StatementWatch>(statement->native(),
                                                         own_timeout ? query_timeout : 0);
        statement->prepare(query.sql, detail::uses_narrow_text(family));
        SQLUSMALLINT number = 0;
        for (const auto p : query.parameters)
            statement->bind_timestamp(++number,
                                      to_parameter(p == detail::QueryParameter::RunStartedAt
                                                       ? params.run_started_at
                                                       : params.last_success_started_at));
        if (!query.parameters.empty())
            log("bound " + std::to_string(query.parameters.size()) + " parameter(s): " +
                "last_success_started_at=" + to_iso8601(params.last_success_started_at) +
                ", run_started_at=" + to_iso8601(params.run_started_at));
        statement->execute();
    } catch (const OdbcError &e) {
        fail(e, OdbcPhase::Query, "the query failed");
    }

    std::vector<detail::ColumnPlan> plans;
    try {
        const SQLSMALLINT n = statement->result_columns();
        if (n <= 0)
            throw ConfigError(query_name +
                              ": the query returned no result set: it must be a SELECT (or WITH "
                              "... SELECT) whose columns become profile or event fields");
        for (SQLSMALLINT c = 1; c <= n; ++c) {
            detail::ColumnDescription d =
                statement->describe(static_cast<SQLUSMALLINT>(c), detail::uses_narrow_text(family));
            d.name = detail::result_column_name(family, d.name, d.table_name);
            plans.push_back(detail::plan_column(d, family));
        }
    } catch (const OdbcError &e) {
        fail(e, OdbcPhase::Query, "could not describe the result's columns");
    }

    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < plans.size(); ++i) {
        const std::string &name = plans[i].description.name;
        if (name.empty() || name.find_first_not_of(' ') == std::string::npos)
            throw ConfigError(query_name + ": column " + std::to_string(i + 1) +
                              " has no name: give the expression an alias (... AS name)");
        const auto [it, inserted] = seen.emplace(lower(name), i);
        if (!inserted)
            throw ConfigError(query_name + ": columns " + std::to_string(it->second + 1) + " (\"" +
                              plans[it->second].description.name + "\") and " +
                              std::to_string(i + 1) + " (\"" + name +
                              "\") have the same name: give them distinct aliases (names are "
                              "compared without regard to case)");
        columns.push_back(Column{name, plans[i].display_type});
    }
    for (std::size_t i = 0; i < plans.size(); ++i)
        log("column " + std::to_string(i + 1) + " " + plans[i].description.name + ": " +
            describe_column(plans[i]));

    try {
        reader = std::make_unique<detail::ResultReader>(statement->handle(), std::move(plans), zone,
                                                        info.getdata_extensions, fetch_rows);
    } catch (const OdbcError &e) {
        fail(e, OdbcPhase::Query, "could not set up the result's buffers");
    }
    log("fetching: " + reader->describe());
}

OdbcSource::OdbcSource(const ConnectionOptions &options,
                       const std::string &sql_text,
                       const std::string &query_name,
                       const QueryParams &params)
    : impl_(std::make_unique<Impl>(options, query_name)) {
    // Template errors are found before connecting.
    const detail::PreparedQuery query = detail::prepare_query(sql_text, query_name);
    impl_->connect(options);
    const detail::DriverInfo info = impl_->connection.driver_info();
    impl_->run(query, params, options.fetch_rows, info,
               detail::family_from_info(info.driver_name, info.dbms_name));
}

OdbcSource::~OdbcSource() = default;

const std::vector<Column> &OdbcSource::columns() const {
    return impl_->columns;
}

bool OdbcSource::next(Row &row) {
    try {
        const bool more = impl_->reader->next(row.values);
        impl_->watch->first_row();
        if (!more)
            return false;
    } catch (const OdbcError &e) {
        impl_->fail(e, OdbcPhase::Query,
                    "the query failed while reading row " + std::to_string(impl_->rows + 1));
    }
    row.number = ++impl_->rows;
    return true;
}

std::uint64_t OdbcSource::rows_read() const noexcept {
    return impl_->rows;
}

} // namespace connector::warehouse
