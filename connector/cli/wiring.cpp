#include "wiring.hpp"

#include "core/error.hpp"
#include "ledger/defaults.hpp"
#include "ledger/sqlite_ledger.hpp"
#include "mapping/json_mapper.hpp"
#include "mapping/mapping_spec.hpp"

#include <cstdlib>
#include <fstream>
#include <iterator>

namespace connector::cli {

namespace {

void info(sync::RunObserver &log, const std::string &event, const std::string &message) {
    log.on_event(sync::LogEvent{sync::LogLevel::Info, event, message, {}});
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
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
        throw ConfigError("query file '" + path + "' is empty (--query)");
    return text;
}

Wiring wire(const RunOptions &options, const std::string &sql_text, sync::RunObserver &log) {
    (void)sql_text;
    Wiring w;
    w.warehouse = options.dsn.empty() ? std::string("connection string") : "DSN " + options.dsn;

    // The mapping first: a bad mapping file is a usage error, found before anything runs.
    const mapping::MappingSpec spec = options.mapping_file.empty()
                                          ? mapping::default_mapping()
                                          : mapping::load_mapping_file(options.mapping_file);
    const Target target = options.target;
    w.stages.mapper = [spec, target](const std::vector<Column> &columns) {
        return std::make_unique<mapping::JsonMapper>(spec, target, columns);
    };

    if (!options.dry_run) {
        const char *key = std::getenv("KLAVIYO_API_KEY");
        if (options.api_key_file.empty() && (!key || !*key))
            throw ConfigError("no Klaviyo API key: set KLAVIYO_API_KEY or pass --api-key-file "
                              "FILE (a dry run, --dry-run, needs no key)");
    }
    w.stages.source = [](const QueryParams &) -> std::unique_ptr<RowSource> {
        throw Error(ErrorKind::Internal,
                    "the warehouse stage is not built into this binary yet (issue 3)");
    };
    w.stages.sink = [](DeliveryListener &) -> std::unique_ptr<Sink> {
        throw Error(ErrorKind::Internal,
                    "the Klaviyo client is not built into this binary yet (issue 6)");
    };

    w.sync_name = resolve_sync_name(options);
    w.ledger_path = resolve_ledger_path(options.ledger_path);
    ledger::OpenOptions open;
    open.wait_lock_seconds = options.wait_lock_seconds;
    if (options.wait_lock_seconds > 0)
        info(log, "lock_wait",
             "waiting up to " + std::to_string(options.wait_lock_seconds) +
                 " s if another run of sync " + w.sync_name + " holds the ledger");
    w.ledger =
        std::make_unique<ledger::SqliteLedger>(w.ledger_path, w.sync_name, options.target, open);
    w.stages.ledger = w.ledger.get();
    w.stages.observer = &log;
    return w;
}

} // namespace connector::cli
