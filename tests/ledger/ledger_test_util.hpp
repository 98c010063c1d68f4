#pragma once

#include "core/ledger.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace connector::ledger::test {

/// A record as the mapper would produce it: profile JSON naming the key, event JSON for events.
Record make_record(const std::string &key, const std::string &hash, Target target);

/// Options for a run started now.
RunOptions run_options(Target target);

/// A FROM clause for records joined with their state's name and stored payload (columns of
/// records plus state_name, profile and event).
extern const std::string with_payloads;

/// Runs statements on `db_path` through a separate SQLite connection (as another process would).
void exec_sql(const std::string &db_path, const std::string &sql);
/// The first column of the first row of `sql` as an integer (0 when there is no row).
std::int64_t query_int(const std::string &db_path, const std::string &sql);
/// The first column of the first row of `sql` as text ("" when there is no row or it is NULL).
std::string query_text(const std::string &db_path, const std::string &sql);

/// The state column of `key` in `db_path` (any sync), or "" when absent.
std::string state_of(const std::string &db_path, const std::string &key);

/// Decisions of a batch of records with `hash` for every key.
std::vector<Decision> diff_keys(Ledger &ledger,
                                const std::vector<std::string> &keys,
                                const std::string &hash,
                                Target target);

} // namespace connector::ledger::test
