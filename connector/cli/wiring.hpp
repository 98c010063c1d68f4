#pragma once

#include "cli/options.hpp"
#include "core/ledger.hpp"
#include "sync/run_observer.hpp"
#include "sync/sync.hpp"

#include <memory>
#include <string>
#include <utility>

namespace connector::cli {

/// The concrete stages of one run: the only place that names the modules' classes.
/// A folder removed with everything in it when this goes (moves hand it over).
class ScratchDir {
  public:
    ScratchDir() = default;
    explicit ScratchDir(std::string path) : path_(std::move(path)) {}
    ScratchDir(ScratchDir &&other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
    ScratchDir &operator=(ScratchDir &&other) noexcept {
        std::swap(path_, other.path_);
        return *this;
    }
    ScratchDir(const ScratchDir &) = delete;
    ScratchDir &operator=(const ScratchDir &) = delete;
    ~ScratchDir();
    const std::string &path() const noexcept { return path_; }

  private:
    std::string path_;
};

struct Wiring {
    std::string ledger_path;
    std::string sync_name;
    std::string warehouse; ///< the DSN or the connection string with secrets redacted
    /// A dry run with no ledger yet works on an empty one here, so it creates nothing; declared
    /// before the ledger, so the ledger is closed first.
    ScratchDir dry_run_ledger_dir;
    std::unique_ptr<Ledger> ledger;
    sync::Stages stages;
};

/// The sync name: --sync, else derived from the query file and the target.
std::string resolve_sync_name(const RunOptions &options);
/// The ledger path: --ledger, else the ledger's default.
std::string resolve_ledger_path(const std::string &option);

/// Reads the query file. Throws ConfigError naming the file when it cannot or it is empty.
std::string read_query_file(const std::string &path);

/// Loads the mapping, checks the Klaviyo settings (URL, CA file, revision; in dry runs too),
/// loads the API key (unless a dry run), opens the ledger (taking the sync's lock) and
/// prepares the source, mapper and sink factories. Throws ConfigError for a bad mapping file,
/// a bad Klaviyo setting or a missing key, LedgerError / LedgerLockedError for the ledger.
Wiring wire(const RunOptions &options, const std::string &sql_text, sync::RunObserver &log);

} // namespace connector::cli
