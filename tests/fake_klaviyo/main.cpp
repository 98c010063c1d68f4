// fake_klaviyo: a local HTTPS stand-in for Klaviyo's API, for the connector's tests, demo and
// benchmark. See docs/fake_klaviyo.md.
#include "backend.hpp"
#include "fake_server.hpp"
#include "options.hpp"

#include <Poco/Net/SSLManager.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <pthread.h>

namespace {

/// Poco::Net::initializeSSL/uninitializeSSL for the life of main.
struct SslInit {
    SslInit() { Poco::Net::initializeSSL(); }
    ~SslInit() { Poco::Net::uninitializeSSL(); }
    SslInit(const SslInit &) = delete;
    SslInit &operator=(const SslInit &) = delete;
};

void write_state(fake_klaviyo::Backend &backend, const std::string &path) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out << backend.state(true).dump() << "\n";
        if (!out)
            throw std::runtime_error("cannot write --state-file " + path);
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
        throw std::runtime_error("cannot write --state-file " + path);
}

} // namespace

int main(int argc, char **argv) {
    // Signals are taken by sigwait below, in the main thread only: block them before any thread
    // starts so every thread inherits the mask. A client that hangs up must not kill us.
    std::signal(SIGPIPE, SIG_IGN);
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    fake_klaviyo::Options options;
    try {
        options = fake_klaviyo::parse_options(argc, argv);
    } catch (const fake_klaviyo::UsageError &e) {
        std::cerr << "fake_klaviyo: " << e.what() << "\n\n" << fake_klaviyo::usage();
        return 2;
    }
    if (options.help) {
        std::cout << fake_klaviyo::usage();
        return 0;
    }
    try {
        SslInit ssl;
        fake_klaviyo::Backend backend(options);
        fake_klaviyo::FakeServer server(backend);
        const std::string host = options.host == "0.0.0.0" ? "127.0.0.1" : options.host;
        backend.base_url = "https://" + host + ":" + std::to_string(server.port());
        server.start();
        std::cout << backend.base_url << std::endl; // the first line of stdout, flushed

        int sig = 0;
        sigwait(&stop_signals, &sig);
        server.stop();
        if (!options.state_file.empty())
            write_state(backend, options.state_file);
        return 0;
    } catch (const Poco::Exception &e) {
        std::cerr << "fake_klaviyo: " << e.displayText() << "\n";
    } catch (const std::exception &e) {
        std::cerr << "fake_klaviyo: " << e.what() << "\n";
    }
    return 2;
}
