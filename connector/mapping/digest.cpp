#include "digest.hpp"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

namespace connector::mapping {

struct Sha256::Impl {
    Poco::SHA2Engine engine{Poco::SHA2Engine::SHA_256};
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
