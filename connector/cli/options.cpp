#include "options.hpp"

#include "core/error.hpp"
#include "klaviyo/api_key.hpp"

#include <boost/program_options.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <sys/stat.h>

extern char **environ;

namespace connector::cli {

namespace po = boost::program_options;

namespace {

constexpr unsigned line_length = 100;
constexpr unsigned description_column = 34;

const char *const valid_targets = "klaviyo_profiles, klaviyo_events";

/// Options whose values are paths: relative ones in a --config file are read from the config
/// file's folder, so a config can sit next to its query and mapping.
const std::set<std::string> path_options = {"query",   "mapping",      "ledger",
                                            "ca-file", "api-key-file", "report"};

/// Refusal for a key on the command line or in a config file. Never echoes the value.
std::string api_key_refusal(const std::string &where) {
    return "--api-key is refused" + where +
           ": a key on the command line is visible to every user of the machine (ps, "
           "/proc, shell history). Put the private key in the KLAVIYO_API_KEY environment "
           "variable, or in a file readable only by you and pass --api-key-file FILE";
}

bool is_api_key_argument(const std::string &arg) {
    // --api-key, --api-key=..., --api_key, --apikey, --key (but not --api-key-file).
    std::string name = arg.substr(0, arg.find('='));
    std::replace(name.begin(), name.end(), '_', '-');
    return name == "--api-key" || name == "--apikey" || name == "--key" ||
           name == "--klaviyo-api-key";
}

po::options_description run_description() {
    po::options_description all("", line_length, line_length - description_column);

    po::options_description query("Query and warehouse", line_length,
                                  line_length - description_column);
    query.add_options()                                         //
        ("query", po::value<std::string>()->value_name("FILE"), //
         "the SQL file to run (required); may use {{last_success_started_at}} and "
         "{{run_started_at}}, bound as parameters") //
        ("target", po::value<std::string>()->value_name("NAME"),
         "klaviyo_profiles or klaviyo_events (required)") //
        ("mapping", po::value<std::string>()->value_name("FILE"),
         "mapping file (JSON); default: columns named like Klaviyo fields map to them, the "
         "rest become custom properties") //
        ("dsn", po::value<std::string>()->value_name("NAME"),
         "an ODBC data source from odbc.ini") //
        ("connection", po::value<std::string>()->value_name("STRING"),
         "an ODBC connection string, 'Driver=...;...'; ${VAR} is replaced from the "
         "environment (keep passwords there)") //
        ("warehouse-timezone", po::value<std::string>()->value_name("ZONE")->default_value("UTC"),
         "zone of timestamps stored without one (IANA name, e.g. Europe/Berlin)") //
        ("login-timeout", po::value<long long>()->value_name("SECONDS")->default_value(30),
         "give up connecting to the warehouse after this long") //
        ("query-timeout", po::value<long long>()->value_name("SECONDS")->default_value(0),
         "cancel the query after this long (0: no limit)") //
        ("limit", po::value<long long>()->value_name("N"),
         "read at most N rows, to try a sync (such a run does not move "
         "{{last_success_started_at}} forward)");

    po::options_description klaviyo("Klaviyo", line_length, line_length - description_column);
    klaviyo.add_options()                                                             //
        ("api-key-file", po::value<std::string>()->value_name("FILE"),                //
         "read the private API key from FILE (mode 0600) instead of KLAVIYO_API_KEY") //
        ("klaviyo-url",
         po::value<std::string>()->value_name("URL")->default_value("https://a.klaviyo.com"),
         "API base URL (a test server, a proxy)") //
        ("ca-file", po::value<std::string>()->value_name("FILE"),
         "trust this CA bundle (PEM) instead of the system's") //
        ("revision", po::value<std::string>()->value_name("DATE")->default_value("2026-07-15"),
         "Klaviyo API revision to speak") //
        ("api-mode", po::value<std::string>()->value_name("MODE")->default_value("bulk"),
         "bulk (bulk import and bulk create jobs) or single (one request per record)") //
        ("concurrency", po::value<long long>()->value_name("N")->default_value(4),
         "requests in flight at once (1-32)") //
        ("pacing", po::value<std::string>()->value_name("MODE")->default_value("on"),
         "on: pace requests to Klaviyo's documented rate limits; off: only for a test server "
         "without limits (benchmarks): against Klaviyo it earns 429s");

    po::options_description ledger("Ledger and run", line_length, line_length - description_column);
    ledger.add_options()                                         //
        ("ledger", po::value<std::string>()->value_name("FILE"), //
         "the ledger file; default $CONNECTOR_LEDGER, else "
         "$XDG_STATE_HOME/connector/ledger.sqlite, else ~/.local/state/connector/ledger.sqlite") //
        ("sync", po::value<std::string>()->value_name("NAME"),
         "the sync's name in the ledger; default <query file name>:<target>") //
        ("wait-lock", po::value<long long>()->value_name("SECONDS")->default_value(0),
         "wait this long for another run of the same sync to finish (0: exit 6 at once)") //
        ("dry-run", po::bool_switch(),
         "map, validate and diff, print the plan with sample payloads; send nothing and "
         "leave the ledger as it was")                                                //
        ("full-resync", po::bool_switch(), "send every record again, changed or not") //
        ("retry-failed", po::bool_switch(),
         "send again the records Klaviyo refused before, even if unchanged");

    po::options_description output("Output", line_length, line_length - description_column);
    output.add_options() //
        ("log-format", po::value<std::string>()->value_name("FORMAT")->default_value("text"),
         "text or json (JSON lines with a run id; the summary as JSON on stdout)") //
        ("report", po::value<std::string>()->value_name("FILE"),
         "write the summary as JSON, with examples per reject and failure reason")          //
        ("quiet,q", po::bool_switch(), "only warnings and errors; no progress, no summary") //
        ("verbose,v", po::bool_switch(), "also debug events: every rejection and failure");

    po::options_description general("General", line_length, line_length - description_column);
    general.add_options()                                                       //
        ("config", po::value<std::string>()->value_name("FILE"),                //
         "read options from an INI file (name = value, the long option names)") //
        ("help,h", "show this help")                                            //
        ("version", "print the version");

    all.add(query).add(klaviyo).add(ledger).add(output).add(general);
    return all;
}

po::options_description status_description() {
    po::options_description d("Options", line_length, line_length - description_column);
    d.add_options()                                              //
        ("ledger", po::value<std::string>()->value_name("FILE"), //
         "the ledger file (default as for a run)")               //
        ("sync", po::value<std::string>()->value_name("NAME"),
         "show only this sync (default: every sync in the ledger)") //
        ("format", po::value<std::string>()->value_name("FORMAT")->default_value("text"),
         "text or json") //
        ("runs", po::value<long long>()->value_name("N")->default_value(5),
         "how many recent runs to show per sync") //
        ("config", po::value<std::string>()->value_name("FILE"),
         "read --ledger and --sync from this INI file (other keys are ignored)") //
        ("help,h", "show this help");
    return d;
}

bool path_exists(const std::string &path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

void require_file(const std::string &what, const std::string &option, const std::string &path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw ConfigError(what + " '" + path + "' not found (" + option + ")");
    if (!S_ISREG(st.st_mode))
        throw ConfigError(what + " '" + path + "' is not a regular file (" + option + ")");
    std::ifstream in(path);
    if (!in)
        throw ConfigError("cannot read " + what + " '" + path + "' (" + option +
                          "): " + std::strerror(errno));
}

std::string directory_of(const std::string &path) {
    const auto slash = path.rfind('/');
    if (slash == std::string::npos)
        return ".";
    return slash == 0 ? "/" : path.substr(0, slash);
}

/// The 1-based lines of `path` that set `key` ("name = value"; "section.name" is matched by
/// its last part), for messages that point at the line to fix.
std::vector<int> config_lines(const std::string &path, std::string key) {
    const auto dot = key.rfind('.');
    if (dot != std::string::npos)
        key = key.substr(dot + 1);
    std::vector<int> lines;
    std::ifstream in(path);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        const auto eq = line.find('=');
        if (eq == std::string::npos)
            continue;
        std::string name = line.substr(0, eq);
        const auto first = name.find_first_not_of(" \t");
        const auto last = name.find_last_not_of(" \t");
        if (first != std::string::npos && name.substr(first, last - first + 1) == key)
            lines.push_back(number);
    }
    return lines;
}

/// The 1-based number of the first line of `path` that Boost's INI parser rejects (text that is
/// neither "name = value", a [section] nor empty once a # comment is cut off), or 0.
int first_invalid_config_line(const std::string &path) {
    std::ifstream in(path);
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        line = line.substr(0, line.find('#'));
        const auto first = line.find_first_not_of(" \t\r\n");
        if (first == std::string::npos)
            continue;
        const auto last = line.find_last_not_of(" \t\r\n");
        const bool section = line[first] == '[' && line[last] == ']';
        if (!section && line.find('=') == std::string::npos)
            return number;
    }
    return 0;
}

/// "config file 'p', line 3" (or "lines 3 and 9"; without a line when none sets `key`).
std::string config_place(const std::string &path, const std::string &key) {
    const std::vector<int> lines = config_lines(path, key);
    std::string place = "config file '" + path + "'";
    for (std::size_t i = 0; i < lines.size(); ++i)
        place += (i == 0 ? (lines.size() == 1 ? ", line " : ", lines ")
                         : (i + 1 == lines.size() ? " and " : ", ")) +
                 std::to_string(lines[i]);
    return place;
}

/// Edit distance, for "did you mean" hints on misspelt option names.
std::size_t edit_distance(const std::string &a, const std::string &b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

/// The option closest to a misspelt `name` (empty when none is close).
std::string closest_option(const po::options_description &desc, const std::string &name) {
    std::string best;
    std::size_t best_distance = 3; // at most two typos
    for (const auto &option : desc.options()) {
        const std::size_t d = edit_distance(name, option->long_name());
        if (d < best_distance) {
            best_distance = d;
            best = option->long_name();
        }
    }
    return best;
}

/// Boost's name for the option an error is about, without leading dashes.
std::string error_option(const po::error_with_option_name &e) {
    std::string name = e.get_option_name();
    name.erase(0, name.find_first_not_of('-'));
    return name;
}

/// CONNECTOR_* variables that name an option in `desc`. Empty values count as unset. A variable
/// one or two typos away from an option gets a warning on stderr when `warn_near_misses`.
po::parsed_options environment_options(const po::options_description &desc, bool warn_near_misses) {
    po::parsed_options parsed(&desc);
    std::map<std::string, std::string> names;
    for (const auto &option : desc.options())
        names[environment_name(option->long_name())] = option->long_name();
    for (char **env = environ; env && *env; ++env) {
        const std::string entry(*env);
        const auto eq = entry.find('=');
        if (eq == std::string::npos || entry.compare(0, 10, "CONNECTOR_") != 0)
            continue;
        const std::string name = entry.substr(0, eq);
        const std::string value = entry.substr(eq + 1);
        if (name == "CONNECTOR_API_KEY" || name == "CONNECTOR_KLAVIYO_API_KEY")
            throw ConfigError(name +
                              " is not read: put the private key in KLAVIYO_API_KEY, or in a "
                              "file passed with --api-key-file (CONNECTOR_API_KEY_FILE)");
        const auto it = names.find(name);
        if (it == names.end()) {
            // Other tools share the prefix (CONNECTOR_TEST_PG, ...): only a near miss is named.
            std::string option = name.substr(10);
            std::transform(option.begin(), option.end(), option.begin(), [](unsigned char c) {
                return c == '_' ? '-' : static_cast<char>(std::tolower(c));
            });
            const std::string hint = closest_option(desc, option);
            if (warn_near_misses && !hint.empty() && hint != "help" && hint != "version")
                std::cerr << "connector: warning: " << name
                          << " is not an option and is ignored; did you mean "
                          << environment_name(hint) << "?" << std::endl;
            continue;
        }
        if (value.empty() || it->second == "help" || it->second == "version")
            continue;
        po::option option(it->second, {value});
        parsed.options.push_back(option);
    }
    return parsed;
}

/// The --config file's options; relative paths made relative to the file's folder.
po::parsed_options config_file_options(const std::string &path,
                                       const po::options_description &desc,
                                       bool ignore_unknown) {
    // A directory opens as a stream that reads nothing: without this check it was ignored.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw ConfigError("config file '" + path + "' not found (--config)");
    if (!S_ISREG(st.st_mode))
        throw ConfigError("config file '" + path + "' is not a regular file (--config)");
    std::ifstream in(path);
    if (!in)
        throw ConfigError("cannot read config file '" + path + "': " + std::strerror(errno));
    po::parsed_options parsed(&desc);
    try {
        parsed = po::parse_config_file(in, desc, true);
    } catch (const po::invalid_config_file_syntax &e) {
        // Boost names the line's text but not its number (and the text may be a pasted secret).
        const int line = first_invalid_config_line(path);
        if (line == 0)
            throw ConfigError("config file '" + path + "': " + e.what());
        throw ConfigError("config file '" + path + "', line " + std::to_string(line) +
                          ": not a 'name = value' line, a [section] or a # comment "
                          "(keys are the long option names without --, e.g. "
                          "'klaviyo-url = https://a.klaviyo.com')");
    } catch (const po::error &e) {
        throw ConfigError("config file '" + path + "': " + e.what());
    }
    const std::string base = directory_of(path);
    po::parsed_options kept(&desc);
    for (po::option &option : parsed.options) {
        if (option.unregistered) {
            std::string key = option.string_key;
            std::replace(key.begin(), key.end(), '_', '-');
            if (key == "api-key" || key == "apikey" || key == "key" || key == "klaviyo-api-key")
                throw ConfigError(api_key_refusal(" in config file '" + path + "'"));
            if (ignore_unknown)
                continue;
            const std::string hint = closest_option(desc, key);
            throw ConfigError(config_place(path, option.string_key) + ": unknown key '" +
                              option.string_key + "'" +
                              (hint.empty() ? std::string() : "; did you mean '" + hint + "'?") +
                              " (keys are the long option names without --, e.g. "
                              "'klaviyo-url = https://a.klaviyo.com'; see connector --help)");
        }
        if (option.string_key == "config")
            throw ConfigError(config_place(path, "config") +
                              ": 'config' cannot be set in a config file");
        if (option.string_key == "api-key-file" && !option.value.empty() &&
            klaviyo::looks_like_api_key(option.value[0]) &&
            !path_exists(base + "/" + option.value[0]))
            throw ConfigError(klaviyo::api_key_as_file_message(
                "api-key-file in " + config_place(path, option.string_key)));
        if (path_options.count(option.string_key) && !option.value.empty() &&
            !option.value[0].empty() && option.value[0][0] != '/')
            option.value[0] = base + "/" + option.value[0];
        kept.options.push_back(option);
    }
    return kept;
}

/// Stores argv, the environment and the config file, in that order of precedence.
po::variables_map gather(const std::vector<std::string> &args,
                         const po::options_description &desc,
                         bool ignore_unknown_config_keys) {
    po::variables_map vm;
    const int style =
        po::command_line_style::default_style & ~po::command_line_style::allow_guessing;
    try {
        const po::positional_options_description none;
        po::store(po::command_line_parser(args).options(desc).positional(none).style(style).run(),
                  vm);
        // `status` reads only a few options; the run's variables are no typos there.
        const po::parsed_options env = environment_options(desc, !ignore_unknown_config_keys);
        try {
            po::store(env, vm);
        } catch (const po::error_with_option_name &e) {
            throw ConfigError(environment_name(error_option(e)) + ": " + e.what() +
                              " (see connector --help)");
        }
        if (vm.count("config")) {
            const std::string path = vm["config"].as<std::string>();
            const po::parsed_options file =
                config_file_options(path, desc, ignore_unknown_config_keys);
            try {
                po::store(file, vm);
            } catch (const po::error_with_option_name &e) {
                throw ConfigError(config_place(path, error_option(e)) + ": " + e.what() +
                                  " (see connector --help)");
            }
        }
        po::notify(vm);
    } catch (const po::unknown_option &e) {
        // Never echo what follows '=': it may be a secret typed into the wrong option.
        std::string name = e.get_option_name();
        name = name.substr(0, name.find('='));
        std::string bare = name;
        bare.erase(0, bare.find_first_not_of('-'));
        const std::string hint = closest_option(desc, bare);
        throw ConfigError("unknown option '" + name + "'" +
                          (hint.empty() ? std::string() : "; did you mean '--" + hint + "'?") +
                          " (see connector --help)");
    } catch (const po::too_many_positional_options_error &) {
        throw ConfigError("unexpected argument; options start with -- (see connector --help)");
    } catch (const po::error &e) {
        throw ConfigError(std::string(e.what()) + " (see connector --help)");
    }
    return vm;
}

std::string text(const po::variables_map &vm, const char *name) {
    return vm.count(name) ? vm[name].as<std::string>() : std::string();
}

long long number(const po::variables_map &vm,
                 const char *name,
                 long long min,
                 long long max,
                 const std::string &meaning) {
    const long long v = vm[name].as<long long>();
    if (v < min || v > max)
        throw ConfigError("--" + std::string(name) + " " + std::to_string(v) +
                          " is out of range: " + meaning);
    return v;
}

/// The --log-format that the command line or else CONNECTOR_LOG_FORMAT asks for, read before
/// the options are parsed (which may fail: an unknown option, a bad config file line).
LogFormat log_format_hint(const std::vector<std::string> &args) {
    std::string format;
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--log-format" && i + 1 < args.size())
            format = args[i + 1];
        else if (args[i].rfind("--log-format=", 0) == 0)
            format = args[i].substr(13);
    }
    if (format.empty())
        if (const char *env = std::getenv("CONNECTOR_LOG_FORMAT"))
            format = env;
    return format == "json" ? LogFormat::Json : LogFormat::Text;
}

RunOptions run_options(const po::variables_map &vm) {
    RunOptions o;
    if (!vm.count("query"))
        throw ConfigError("--query is required: the SQL file to run, e.g. --query "
                          "sql/examples/vip_customers.sql (see connector --help)");
    if (!vm.count("target"))
        throw ConfigError(std::string("--target is required: ") + valid_targets);
    o.query_file = text(vm, "query");
    o.target = parse_target(text(vm, "target"));
    require_file("query file", "--query", o.query_file);
    o.mapping_file = text(vm, "mapping");
    if (!o.mapping_file.empty())
        require_file("mapping file", "--mapping", o.mapping_file);

    o.dsn = text(vm, "dsn");
    o.connection = text(vm, "connection");
    if (o.dsn.empty() && o.connection.empty())
        throw ConfigError("no warehouse given: pass --dsn NAME (a data source from odbc.ini) or "
                          "--connection 'Driver=...;...' (or set CONNECTOR_DSN or "
                          "CONNECTOR_CONNECTION)");
    if (!o.dsn.empty() && !o.connection.empty())
        throw ConfigError("--dsn and --connection both given (on the command line, in "
                          "CONNECTOR_* variables or in the config file): pass only one");
    o.warehouse_timezone = text(vm, "warehouse-timezone");
    o.login_timeout_seconds =
        static_cast<int>(number(vm, "login-timeout", 0, 86400, "use 0 to 86400 seconds"));
    o.query_timeout_seconds = static_cast<int>(
        number(vm, "query-timeout", 0, 7 * 86400, "use 0 (no limit) to 604800 seconds"));
    if (vm.count("limit")) {
        const long long limit = vm["limit"].as<long long>();
        if (limit < 1)
            throw ConfigError("--limit " + std::to_string(limit) +
                              " is out of range: give a number of rows, at least 1");
        o.limit = static_cast<std::uint64_t>(limit);
    }

    o.api_key_file = text(vm, "api-key-file");
    if (!o.api_key_file.empty()) {
        // Never echoed when it is a key given where its file belongs.
        if (klaviyo::looks_like_api_key(o.api_key_file) && !path_exists(o.api_key_file))
            throw ConfigError(klaviyo::api_key_as_file_message("--api-key-file"));
        require_file("API key file", "--api-key-file", o.api_key_file);
    }
    o.klaviyo_url = text(vm, "klaviyo-url");
    // Checked here as well as by the client, so a typo fails before the query runs for an hour.
    if (o.klaviyo_url.compare(0, 8, "https://") != 0 || o.klaviyo_url.size() == 8)
        throw ConfigError("--klaviyo-url " + o.klaviyo_url +
                          " must start with https:// and name a host, e.g. "
                          "https://a.klaviyo.com (the API key is never sent in clear text)");
    o.ca_file = text(vm, "ca-file");
    if (!o.ca_file.empty())
        require_file("CA file", "--ca-file", o.ca_file);
    o.revision = text(vm, "revision");
    o.api_mode = text(vm, "api-mode");
    if (o.api_mode != "bulk" && o.api_mode != "single")
        throw ConfigError("unknown --api-mode '" + o.api_mode + "': use bulk or single");
    o.concurrency = static_cast<int>(number(vm, "concurrency", 1, 32, "use 1 to 32"));
    const std::string pacing = text(vm, "pacing");
    if (pacing != "on" && pacing != "off")
        throw ConfigError("unknown --pacing '" + pacing + "': use on or off");
    o.pacing = pacing == "on";

    o.ledger_path = text(vm, "ledger");
    o.sync_name = text(vm, "sync");
    o.wait_lock_seconds =
        static_cast<int>(number(vm, "wait-lock", 0, 86400, "use 0 to 86400 seconds"));
    o.dry_run = vm["dry-run"].as<bool>();
    o.full_resync = vm["full-resync"].as<bool>();
    o.retry_failed = vm["retry-failed"].as<bool>();

    const std::string format = text(vm, "log-format");
    if (format != "text" && format != "json")
        throw ConfigError("unknown --log-format '" + format + "': use text or json");
    o.log_format = format == "json" ? LogFormat::Json : LogFormat::Text;
    o.report_file = text(vm, "report");
    if (!o.report_file.empty()) {
        struct stat st {};
        const std::string dir = directory_of(o.report_file);
        if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            throw ConfigError("cannot write the report '" + o.report_file + "': folder '" + dir +
                              "' does not exist (--report)");
    }
    o.quiet = vm["quiet"].as<bool>();
    o.verbose = vm["verbose"].as<bool>();
    if (o.quiet && o.verbose)
        throw ConfigError("--quiet and --verbose contradict each other: pass one");
    return o;
}

StatusOptions status_options(const po::variables_map &vm) {
    StatusOptions o;
    o.ledger_path = text(vm, "ledger");
    o.sync_name = text(vm, "sync");
    const std::string format = text(vm, "format");
    if (format != "text" && format != "json")
        throw ConfigError("unknown --format '" + format + "': use text or json");
    o.json = format == "json";
    o.runs = static_cast<int>(number(vm, "runs", 1, 1000, "use 1 to 1000"));
    return o;
}

} // namespace

std::string environment_name(const std::string &option) {
    std::string name = "CONNECTOR_";
    for (char c : option)
        name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return name;
}

Target parse_target(const std::string &text) {
    if (text == "klaviyo_profiles")
        return Target::Profiles;
    if (text == "klaviyo_events")
        return Target::Events;
    throw ConfigError("unknown target '" + text + "': valid targets are " + valid_targets);
}

Options parse_options(int argc, const char *const *argv, LogFormat *log_format) {
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    if (log_format)
        *log_format = log_format_hint(args);
    for (const std::string &arg : args)
        if (is_api_key_argument(arg))
            throw ConfigError(api_key_refusal(""));

    Options options;
    if (!args.empty() && args.front() == "status") {
        if (log_format)
            *log_format = LogFormat::Text; // status has --format, and no log lines
        args.erase(args.begin());
        const po::options_description desc = status_description();
        const po::variables_map vm = gather(args, desc, true);
        options.command = Command::Status;
        if (vm.count("help")) {
            options.status_help = true;
            options.command = Command::Help;
            return options;
        }
        options.status = status_options(vm);
        return options;
    }
    const po::options_description desc = run_description();
    const po::variables_map vm = gather(args, desc, false);
    if (log_format)
        *log_format = text(vm, "log-format") == "json" ? LogFormat::Json : LogFormat::Text;
    if (vm.count("help")) {
        options.command = Command::Help;
        return options;
    }
    if (vm.count("version")) {
        options.command = Command::Version;
        return options;
    }
    options.run = run_options(vm);
    return options;
}

std::string help_text() {
    std::ostringstream out;
    out << "Usage: connector --query FILE --target klaviyo_profiles|klaviyo_events\n"
           "                 (--dsn NAME | --connection STRING) [options]\n"
           "       connector status [--ledger FILE] [--sync NAME] [--format text|json]\n"
           "\n"
           "Runs a SQL query through ODBC and keeps its result in Klaviyo as profiles or events.\n"
           "A local ledger makes each run send only what is new or changed, never send an\n"
           "event twice, and resume what an interrupted run left unfinished.\n"
           "\n"
           "The API key comes from the KLAVIYO_API_KEY environment variable or --api-key-file,\n"
           "never from the command line (there is no --api-key option).\n"
        << run_description()
        << "\n"
           "Environment:\n"
           "  KLAVIYO_API_KEY        the Klaviyo private API key (scopes: profiles:write,\n"
           "                         lists:write, profiles:read and lists:read for\n"
           "                         profiles; events:write and profiles:write for events)\n"
           "  CONNECTOR_<OPTION>     any option, e.g. CONNECTOR_KLAVIYO_URL, CONNECTOR_DSN,\n"
           "                         CONNECTOR_DRY_RUN=true. Precedence: command line, then\n"
           "                         environment, then --config file.\n"
           "\n"
           "Examples:\n"
           "  # Daily VIP profiles from a PostgreSQL warehouse\n"
           "  KLAVIYO_API_KEY=pk_... connector --query sql/examples/vip_customers.sql \\\n"
           "      --mapping mappings/examples/vip_customers.json --target klaviyo_profiles \\\n"
           "      --dsn warehouse\n"
           "  # Orders placed since the last successful run, as \"Placed Order\" events\n"
           "  connector --query sql/examples/orders_since_last_run.sql --target klaviyo_events \\\n"
           "      --mapping mappings/examples/orders_since_last_run.json \\\n"
           "      --connection 'Driver=PostgreSQL Unicode;Server=db;Database=shop;Uid=etl;"
           "Pwd=${PGPASSWORD}'\n"
           "  # See what would be sent, without sending\n"
           "  connector --config /etc/connector/vip.ini --dry-run\n"
           "  # What happened lately\n"
           "  connector status --sync vip_customers:klaviyo_profiles\n"
           "\n"
           "Exit codes:\n"
           "  0  done (including nothing to send)\n"
           "  1  internal error, or Klaviyo not reached safely (TLS verification failed, or no\n"
           "     answer to any request)\n"
           "  2  usage or configuration error\n"
           "  3  warehouse error (connection, SQL, driver)\n"
           "  4  Klaviyo refused the key or scope, or the API/revision is retired\n"
           "  5  finished, but some records failed or were rejected\n"
           "  6  ledger locked by another run, or unusable\n"
           "  7  interrupted (SIGINT/SIGTERM); in-flight requests were finished and recorded\n";
    return out.str();
}

std::string status_help_text() {
    std::ostringstream out;
    out << "Usage: connector status [--ledger FILE] [--sync NAME] [--format text|json] [--runs N]\n"
           "\n"
           "Shows what the ledger knows: the last runs of each sync with their counts and\n"
           "outcome, records by state, the most common failure reasons with an example each,\n"
           "and bulk jobs still open. Reads only; safe while a run is going on.\n"
           "\n"
        << status_description()
        << "\n"
           "Exit codes: 0 shown; 2 usage error or unknown sync; 6 ledger missing or unusable.\n";
    return out.str();
}

} // namespace connector::cli
