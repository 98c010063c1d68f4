#pragma once

#include <stdexcept>
#include <string>

namespace connector {

/// What went wrong, at the granularity the CLI needs to choose an exit code.
enum class ErrorKind {
    Config,       ///< usage or configuration (exit 2)
    Source,       ///< the warehouse: connection, SQL, driver (exit 3)
    KlaviyoAuth,  ///< Klaviyo refused the key or scope, or the API/revision is retired (exit 4)
    Transport,    ///< Klaviyo could not be reached at all (exit 1 unless handled as transient)
    Ledger,       ///< the ledger file is unusable (exit 6)
    LedgerLocked, ///< another run holds the ledger lock (exit 6)
    Interrupted,  ///< SIGINT/SIGTERM (exit 7)
    Internal,     ///< a bug (exit 1)
};

/// Exit codes, documented in the README and `--help`.
namespace exit_code {
constexpr int ok = 0;
constexpr int internal = 1;
constexpr int usage = 2;
constexpr int warehouse = 3;
constexpr int klaviyo_auth = 4;
constexpr int partial = 5;
constexpr int ledger = 6;
constexpr int interrupted = 7;
} // namespace exit_code

/// Maps an error kind to the process exit code.
int exit_code_for(ErrorKind kind) noexcept;

/// Short lower-case name of a kind ("config", "warehouse", ...), used in `connector: <kind>:
/// <what>`.
const char *to_string(ErrorKind kind) noexcept;

/// Base of every error the connector throws on purpose. Bad rows are not errors: they are
/// `Rejection` values (see record.hpp).
class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string &what);
    ErrorKind kind() const noexcept { return kind_; }

  private:
    ErrorKind kind_;
};

/// Usage or configuration error: bad option, missing file, bad mapping file.
class ConfigError : public Error {
  public:
    explicit ConfigError(const std::string &what) : Error(ErrorKind::Config, what) {}
};

/// Warehouse error (ODBC). The warehouse module derives a richer type with diagnostics.
class SourceError : public Error {
  public:
    explicit SourceError(const std::string &what) : Error(ErrorKind::Source, what) {}
};

/// Klaviyo refused the key (401/403 JSON) or the endpoint/revision is gone (410).
class AuthError : public Error {
  public:
    explicit AuthError(const std::string &what) : Error(ErrorKind::KlaviyoAuth, what) {}
};

/// HTTP transport failure that escaped the retry policy (a Poco exception at the module edge).
class SinkError : public Error {
  public:
    explicit SinkError(const std::string &what) : Error(ErrorKind::Transport, what) {}
};

/// The ledger file cannot be opened, migrated or written.
class LedgerError : public Error {
  public:
    explicit LedgerError(const std::string &what) : Error(ErrorKind::Ledger, what) {}
};

/// Another process holds the lock of this ledger and sync.
class LedgerLockedError : public Error {
  public:
    explicit LedgerLockedError(const std::string &what) : Error(ErrorKind::LedgerLocked, what) {}
};

/// The run was stopped by SIGINT/SIGTERM.
class InterruptedError : public Error {
  public:
    explicit InterruptedError(const std::string &what) : Error(ErrorKind::Interrupted, what) {}
};

} // namespace connector
