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

/// Throws LedgerError naming the file and a few of its tables when the file has schema version 0
/// but is not new: it holds tables of its own (another database), so it is not a connector
/// ledger. An empty file passes.
void refuse_foreign_file(Database &db);

/// Brings the file to current_schema_version(): applies every missing migration, in order, in
/// one write transaction (a crash leaves the old version intact). Throws LedgerError when the
/// file is newer than this build, is another database (refuse_foreign_file) or a migration
/// fails.
void migrate(Database &db);

} // namespace connector::ledger
