#include "digest.hpp"

#include <Poco/Crypto/DigestEngine.h>

namespace connector::mapping {

// OpenSSL's SHA-256 (through Poco Crypto) uses the CPU's SHA extensions; Poco::SHA2Engine is
// portable C and was a tenth of the mapper's time in the benchmark.
struct Sha256::Impl {
    Poco::Crypto::DigestEngine engine{"SHA256"};
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;

void Sha256::update(std::string_view bytes) {
    impl_->engine.update(bytes.data(), static_cast<unsigned>(bytes.size()));
}

std::string Sha256::hex_digest() {
    return Poco::DigestEngine::digestToHex(impl_->engine.digest());
}

} // namespace connector::mapping
