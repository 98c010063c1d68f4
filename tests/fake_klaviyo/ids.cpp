#include "ids.hpp"

#include <cstdio>

namespace fake_klaviyo {

std::uint64_t splitmix64(std::uint64_t x) {
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

std::uint64_t IdGenerator::next() {
    return splitmix64(seed_ * 0x2545F4914F6CDD1DULL + counter_++);
}

std::string IdGenerator::ulid() {
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    // "01" keeps the first characters in the range real ULIDs of this decade use.
    std::string id = "01";
    std::uint64_t a = next();
    std::uint64_t b = next();
    for (int i = 0; i < 12; ++i) {
        id += alphabet[a & 31U];
        a >>= 5;
    }
    for (int i = 0; i < 12; ++i) {
        id += alphabet[b & 31U];
        b >>= 5;
    }
    return id;
}

std::string IdGenerator::uuid() {
    std::uint64_t a = next();
    std::uint64_t b = next();
    char buf[40];
    std::snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                  static_cast<unsigned>((a >> 16) & 0xFFFFU), static_cast<unsigned>(a & 0xFFFU),
                  static_cast<unsigned>(0x8000U | ((b >> 48) & 0x3FFFU)),
                  static_cast<unsigned long long>(b & 0xFFFFFFFFFFFFULL));
    return buf;
}

} // namespace fake_klaviyo
