#include "support/test_env.hpp"

#include <cstdlib>
#include <stdexcept>

namespace connector::test {

std::string required_env(const char *name) {
    const char *v = std::getenv(name);
    if (!v || !*v)
        throw std::runtime_error(std::string("environment variable ") + name +
                                 " is not set: run the tests through ctest or scripts/test.sh");
    return v;
}

std::string source_path(const std::string &relative) {
    return required_env("CONNECTOR_SOURCE_DIR") + "/" + relative;
}

std::string shared_path(const std::string &relative) {
    return required_env("CONNECTOR_SHARED_DIR") + "/" + relative;
}

std::string binary_path(const std::string &relative) {
    return required_env("CONNECTOR_BINARY_DIR") + "/" + relative;
}

} // namespace connector::test

namespace connector::test {
std::string cert_path(const std::string &name) {
    return required_env("CONNECTOR_TEST_CERTS") + "/" + name;
}
} // namespace connector::test
