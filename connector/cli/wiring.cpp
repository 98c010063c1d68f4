#include "wiring.hpp"

#include "core/error.hpp"
#include "klaviyo/api_key.hpp"
#include "klaviyo/klaviyo_client.hpp"
#include "ledger/defaults.hpp"
#include "ledger/sqlite_ledger.hpp"
#include "mapping/json_mapper.hpp"
#include "mapping/mapping_spec.hpp"
#include "warehouse/odbc_source.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace connector::cli {

namespace {

void emit(sync::RunObserver &log,
          sync::LogLevel level,
          const std::string &event,
          const std::string &message) {
    log.on_event(sync::LogEvent{level, event, message, {}});
}

} // namespace

std::string resolve_sync_name(const RunOptions &options) {
    if (!options.sync_name.empty())
        return options.sync_name;
    return ledger::default_sync_name(options.query_file, options.target);
}

std::string resolve_ledger_path(const std::string &option) {
    return option.empty() ? ledger::default_ledger_path() : option;
}

std::string read_query_file(const std::string &path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw ConfigError("cannot read query file '" + path + "' (--query)");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Editors on Windows may start the file with a UTF-8 byte-order mark, which is no SQL: the
    // driver would read it as part of the first keyword.
    if (text.compare(0, 3, "\xEF\xBB\xBF") == 0)
        text.erase(0, 3);
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        throw ConfigError("query file '" + path + "' is empty (--query)");
    return text;
}

Wiring wire(const RunOptions &options, const std::string &sql_text, sync::RunObserver &log) {
    Wiring w;
    w.warehouse = options.dsn.empty() ? warehouse::redact_connection_string(options.connection)
                                      : "DSN " + options.dsn;

    // The mapping first: a bad mapping file is a usage error, found before anything runs.
    const mapping::MappingSpec spec = options.mapping_file.empty()
                                          ? mapping::default_mapping()
                                          : mapping::load_mapping_file(options.mapping_file);
    const Target target = options.target;
    w.stages.mapper = [spec, target](const std::vector<Column> &columns) {
        return std::make_unique<mapping::JsonMapper>(spec, target, columns);
    };

    warehouse::ConnectionOptions connection;
    connection.dsn = options.dsn;
    connection.connection_string = options.connection;
    connection.login_timeout_seconds = options.login_timeout_seconds;
    connection.query_timeout_seconds = options.query_timeout_seconds;
    connection.warehouse_timezone = options.warehouse_timezone;
    connection.verbose_log = [&log](const std::string &message) {
        emit(log, sync::LogLevel::Debug, "warehouse", message);
    };
    const std::string query_name = options.query_file;
    w.stages.source = [connection, sql_text, query_name](const QueryParams &params) {
        return std::make_unique<warehouse::OdbcSource>(connection, sql_text, query_name, params);
    };

    // The key is needed only to send: a dry run works without one.
    klaviyo::ClientOptions client;
    client.base_url = options.klaviyo_url;
    client.ca_file = options.ca_file;
    client.revision = options.revision;
    client.api_mode = klaviyo::parse_api_mode(options.api_mode);
    client.concurrency = options.concurrency;
    client.pacing = options.pacing;
    // Checked here rather than when the sink is created, after the ledger run began: a dry run
    // then refuses what the real run would, and neither records a failed run for a typo.
    klaviyo::check_settings(client);
    if (!options.dry_run) {
        const klaviyo::ApiKey key =
            klaviyo::load_api_key(options.api_key_file, [&log](const std::string &message) {
                emit(log, sync::LogLevel::Warning, "api_key", message);
            });
        client.api_key = key.value;
        client.api_key_source = key.source;
    }
    w.stages.sink = [client, target](DeliveryListener &listener) {
        return std::make_unique<klaviyo::KlaviyoClient>(client, target, listener);
    };

    w.sync_name = resolve_sync_name(options);
    w.ledger_path = resolve_ledger_path(options.ledger_path);
    ledger::OpenOptions open;
    open.wait_lock_seconds = options.wait_lock_seconds;
    if (options.wait_lock_seconds > 0)
        emit(log, sync::LogLevel::Info, "lock_wait",
             "waiting up to " + std::to_string(options.wait_lock_seconds) +
                 " s if another run of sync " + w.sync_name + " holds the ledger");
    std::string open_path = w.ledger_path;
    std::error_code ec;
    if (options.dry_run && !std::filesystem::exists(w.ledger_path, ec)) {
        // Nothing to compare with, and a dry run must leave no file behind: an empty ledger in
        // a private temporary folder stands in for the one the real run will create.
        std::string pattern = (std::filesystem::temp_directory_path(ec) / "connector-dry-XXXXXX");
        if (mkdtemp(pattern.data()) == nullptr)
            throw LedgerError("cannot create a temporary folder for the dry run's empty ledger: " +
                              std::string(std::strerror(errno)));
        w.dry_run_ledger_dir = ScratchDir(pattern);
        open_path = pattern + "/ledger.sqlite";
        emit(log, sync::LogLevel::Info, "ledger_missing",
             "no ledger at " + w.ledger_path +
                 " yet: the dry run compares with an empty one and creates nothing");
    }
    w.ledger = std::make_unique<ledger::SqliteLedger>(open_path, w.sync_name, options.target, open);
    w.stages.ledger = w.ledger.get();
    w.stages.observer = &log;
    return w;
}

ScratchDir::~ScratchDir() {
    if (path_.empty())
        return;
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

} // namespace connector::cli
