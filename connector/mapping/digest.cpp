#include "digest.hpp"

#include <openssl/evp.h>
#include <stdexcept>

namespace connector::mapping {
namespace {

// OpenSSL's SHA-256 uses the CPU's SHA extensions. The algorithm is fetched once: OpenSSL 3
// looks a digest up by name on every EVP_DigestInit_ex given a legacy EVP_sha256(), which (as
// Poco::Crypto::DigestEngine::reset does it) was a third of the hashing time.
const EVP_MD *sha256_md() {
    static EVP_MD *const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (md == nullptr)
        throw std::runtime_error("OpenSSL has no SHA-256");
    return md;
}

} // namespace

struct Sha256::Impl {
    struct Free {
        void operator()(EVP_MD_CTX *ctx) const noexcept { EVP_MD_CTX_free(ctx); }
    };
    std::unique_ptr<EVP_MD_CTX, Free> ctx{EVP_MD_CTX_new()};

    void init() {
        if (!ctx || EVP_DigestInit_ex2(ctx.get(), sha256_md(), nullptr) != 1)
            throw std::runtime_error("cannot start a SHA-256 digest");
    }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {
    impl_->init();
}
Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) {
    EVP_DigestUpdate(impl_->ctx.get(), bytes.data(), bytes.size());
}

std::string Sha256::hex_digest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(impl_->ctx.get(), digest, &size);
    impl_->init();
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(2 * size, '0');
    for (unsigned int i = 0; i < size; ++i) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0x0F];
    }
    return out;
}

} // namespace connector::mapping
