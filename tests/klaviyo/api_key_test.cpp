#include "core/error.hpp"
#include "klaviyo/api_key.hpp"
#include "support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <sys/stat.h>

using namespace connector;
using namespace connector::klaviyo;

namespace {

struct EnvGuard {
    EnvGuard() { ::unsetenv("KLAVIYO_API_KEY"); }
    ~EnvGuard() { ::unsetenv("KLAVIYO_API_KEY"); }
};

} // namespace

TEST_CASE("load_api_key: the environment variable is used and trimmed", "[klaviyo]") {
    EnvGuard env;
    ::setenv("KLAVIYO_API_KEY", " pk_abc123\n", 1);
    std::vector<std::string> warnings;
    const ApiKey key = load_api_key("", [&](const std::string &w) { warnings.push_back(w); });
    CHECK(key.value == "pk_abc123");
    CHECK(key.source == "KLAVIYO_API_KEY");
    CHECK(warnings.empty());
}

TEST_CASE("load_api_key: no key at all names both ways to give one", "[klaviyo]") {
    EnvGuard env;
    CHECK_THROWS_WITH(load_api_key("", nullptr),
                      Catch::Contains("KLAVIYO_API_KEY") && Catch::Contains("--api-key-file"));
    ::setenv("KLAVIYO_API_KEY", "  ", 1);
    CHECK_THROWS_AS(load_api_key("", nullptr), ConfigError);
}

TEST_CASE("load_api_key: a key file is read and warned about when others can read it",
          "[klaviyo][integration]") {
    EnvGuard env;
    test::TempDir dir;
    const std::string path = dir.file("klaviyo.key");
    test::write_file(path, "pk_from_file\n");
    std::vector<std::string> warnings;
    const auto warn = [&](const std::string &w) { warnings.push_back(w); };

    ::chmod(path.c_str(), 0600);
    CHECK(load_api_key(path, warn).value == "pk_from_file");
    CHECK(load_api_key(path, warn).source == path);
    CHECK(warnings.empty());

    ::chmod(path.c_str(), 0644);
    load_api_key(path, warn);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find(path) != std::string::npos);
    CHECK(warnings[0].find("pk_from_file") == std::string::npos);
}

TEST_CASE("load_api_key: a bad key file is a ConfigError naming the file, never the key",
          "[klaviyo][integration]") {
    EnvGuard env;
    test::TempDir dir;
    CHECK_THROWS_WITH(load_api_key(dir.file("missing.key"), nullptr),
                      Catch::Contains("missing.key"));
    const std::string empty = dir.file("empty.key");
    test::write_file(empty, "\n");
    CHECK_THROWS_WITH(load_api_key(empty, nullptr), Catch::Contains("empty.key"));
    const std::string spaced = dir.file("spaced.key");
    test::write_file(spaced, "pk_secret one\n");
    try {
        load_api_key(spaced, nullptr);
        FAIL("a key with a space was accepted");
    } catch (const ConfigError &e) {
        CHECK(std::string(e.what()).find("spaced.key") != std::string::npos);
        CHECK(std::string(e.what()).find("pk_secret") == std::string::npos);
    }
    CHECK_THROWS_AS(load_api_key(dir.path(), nullptr), ConfigError); // a directory
}

TEST_CASE("load_api_key: an explicit key file beats the environment, with a warning",
          "[klaviyo][integration]") {
    EnvGuard env;
    ::setenv("KLAVIYO_API_KEY", "pk_env", 1);
    test::TempDir dir;
    const std::string path = dir.file("k");
    test::write_file(path, "pk_file");
    ::chmod(path.c_str(), 0600);
    std::vector<std::string> warnings;
    CHECK(load_api_key(path, [&](const std::string &w) { warnings.push_back(w); }).value ==
          "pk_file");
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].find("pk_env") == std::string::npos);
}

TEST_CASE("load_api_key: a key wrapped in quotes is refused naming the file, never the key",
          "[klaviyo][integration]") {
    EnvGuard env;
    test::TempDir dir;
    const std::string path = dir.file("k");
    const auto message_for = [&](const std::string &text) {
        test::write_file(path, text);
        try {
            load_api_key(path, nullptr);
        } catch (const ConfigError &e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    for (const char *text :
         {" \"pk_abc123\"\n", "'pk_abc123'", "\xE2\x80\x9Cpk_abc123\xE2\x80\x9D\n",
          "\xE2\x80\x98pk_abc123\xE2\x80\x99"}) {
        const std::string message = message_for(text);
        CHECK_THAT(message,
                   Catch::Contains("the Klaviyo API key in " + path + " is wrapped in quotes") &&
                       Catch::Contains("without quotes"));
        CHECK(message.find("pk_abc123") == std::string::npos);
    }
    CHECK_THAT(message_for("\"pk_abc123\n"), Catch::Contains("starts with a quote mark"));
    CHECK_THAT(message_for("pk_abc123'\n"), Catch::Contains("ends with a quote mark"));
    CHECK(message_for("pk_abc123\n") == "(accepted)");
}

TEST_CASE("load_api_key: a quoted key in KLAVIYO_API_KEY is refused too", "[klaviyo]") {
    EnvGuard env;
    ::setenv("KLAVIYO_API_KEY", "\"pk_abc123\"", 1);
    try {
        load_api_key("", nullptr);
        FAIL("a quoted key was accepted");
    } catch (const ConfigError &e) {
        CHECK_THAT(std::string(e.what()),
                   Catch::Contains("the Klaviyo API key in KLAVIYO_API_KEY is wrapped in quotes"));
        CHECK(std::string(e.what()).find("pk_abc123") == std::string::npos);
    }
}

TEST_CASE("load_api_key: a key given as the key file's path is not repeated", "[klaviyo]") {
    EnvGuard env;
    CHECK(looks_like_api_key("pk_secret_0123456789abcdef"));
    CHECK_FALSE(looks_like_api_key("./pk_secret_0123456789abcdef"));
    CHECK_FALSE(looks_like_api_key("/etc/connector/pk.key"));
    CHECK_FALSE(looks_like_api_key("klaviyo.key"));
    try {
        load_api_key("pk_secret_0123456789abcdef", nullptr);
        FAIL("a missing key file was accepted");
    } catch (const ConfigError &e) {
        const std::string message = e.what();
        CHECK_THAT(message, Catch::Contains("--api-key-file") &&
                                Catch::Contains("looks like a Klaviyo API key itself") &&
                                Catch::Contains("KLAVIYO_API_KEY"));
        CHECK(message.find("pk_secret") == std::string::npos);
    }
}
