#include "stored_hash.hpp"

namespace connector::ledger {
namespace {

constexpr std::size_t sha256_hex_digits = 64;
constexpr std::size_t kept_bytes = 16;

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

} // namespace

StoredHash store_hash(const std::string &hash) {
    StoredHash out;
    store_hash(hash, out);
    return out;
}

void store_hash(const std::string &hash, StoredHash &out) {
    out.binary = false;
    if (hash.size() == sha256_hex_digits) {
        out.bytes.resize(kept_bytes);
        bool hex = true;
        for (std::size_t i = 0; hex && i < hash.size(); i += 2) {
            const int hi = hex_value(hash[i]);
            const int lo = hex_value(hash[i + 1]);
            hex = hi >= 0 && lo >= 0;
            if (hex && i / 2 < kept_bytes)
                out.bytes[i / 2] = static_cast<char>(hi * 16 + lo);
        }
        if (hex) {
            out.binary = true;
            return;
        }
    }
    out.bytes.assign(hash);
}

std::string restore_hash(const std::string &bytes, bool binary) {
    if (!binary)
        return bytes;
    static const char digits[] = "0123456789abcdef";
    std::string hex;
    hex.reserve(bytes.size() * 2);
    for (const char ch : bytes) {
        const auto c = static_cast<unsigned char>(ch);
        hex.push_back(digits[c >> 4]);
        hex.push_back(digits[c & 0xf]);
    }
    return hex;
}

} // namespace connector::ledger
