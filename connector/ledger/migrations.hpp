#pragma once

#include "sqlite_db.hpp"

namespace connector::ledger {

/// The schema version this build creates and understands (its highest migration,
/// sql/ledger/NNN_*.sql, embedded at build time).
int current_schema_version() noexcept;

/// The file's schema version (PRAGMA user_version; 0 for a new file).
int schema_version(Database &db);

/// Throws LedgerError naming both versions when the file was written by a newer connector.
void refuse_newer_schema(Database &db, int version);

/// Brings the file to current_schema_version(): applies every missing migration, in order, in
/// one write transaction (a crash leaves the old version intact). Throws LedgerError when the
/// file is newer than this build or a migration fails.
void migrate(Database &db);

} // namespace connector::ledger
