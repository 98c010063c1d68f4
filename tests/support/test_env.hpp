#pragma once

#include <string>

namespace connector::test {

/// The value of an environment variable that the test run must provide (CTest sets
/// CONNECTOR_SOURCE_DIR, CONNECTOR_BINARY_DIR and CONNECTOR_SHARED_DIR; scripts/test.sh sets
/// CONNECTOR_TEST_PG). Throws std::runtime_error naming the variable when it is unset, so a
/// test that needs it fails loudly instead of passing without checking anything.
std::string required_env(const char *name);

/// $CONNECTOR_SOURCE_DIR + "/" + relative.
std::string source_path(const std::string &relative);
/// $CONNECTOR_SHARED_DIR + "/" + relative (the ../shared folder beside the clone).
std::string shared_path(const std::string &relative);
/// $CONNECTOR_BINARY_DIR + "/" + relative.
std::string binary_path(const std::string &relative);

} // namespace connector::test

namespace connector::test {
/// $CONNECTOR_TEST_CERTS + "/" + name: "ca.pem", "server.pem", "server.key", "other-ca.pem".
std::string cert_path(const std::string &name);
} // namespace connector::test
