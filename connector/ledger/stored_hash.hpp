#pragma once

#include <string>

namespace connector::ledger {

/// How a payload hash is kept in records.hash. The mapper's SHA-256 (64 hex digits) is stored
/// as its first 16 bytes, binary: half the size of the hex text, still far beyond any chance of
/// two versions of one record colliding. Anything else is stored as given.
struct StoredHash {
    std::string bytes;
    bool binary = false; ///< bytes are raw digest bytes (a BLOB), else text
};

/// The stored form of `hash`.
StoredHash store_hash(const std::string &hash);
/// The same into `out`, whose string keeps its capacity (the diff calls it for every record).
void store_hash(const std::string &hash, StoredHash &out);

/// The hash to put back into a Record read from the ledger: the stored text, or the hex of the
/// stored bytes (32 digits: the kept prefix of the digest).
std::string restore_hash(const std::string &bytes, bool binary);

} // namespace connector::ledger
