#include "fake_klaviyo/fake_process.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#ifndef FAKE_KLAVIYO_BINARY
#define FAKE_KLAVIYO_BINARY "fake_klaviyo"
#endif
#ifndef FAKE_KLAVIYO_DEFAULT_CERTS
#define FAKE_KLAVIYO_DEFAULT_CERTS ""
#endif

namespace fake_klaviyo {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string env_or(const char *name, const std::string &fallback) {
    const char *v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

std::string certs_dir() {
    const std::string dir = env_or("CONNECTOR_TEST_CERTS", FAKE_KLAVIYO_DEFAULT_CERTS);
    if (dir.empty())
        throw std::runtime_error("CONNECTOR_TEST_CERTS is not set and no default is built in");
    return dir;
}

Poco::Net::Context::Ptr client_context() {
    static std::once_flag once;
    static Poco::Net::Context::Ptr context;
    std::call_once(once, [] {
        Poco::Net::initializeSSL();
        Poco::Net::Context::Params params;
        params.caLocation = FakeKlaviyo::ca_file();
        params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
        params.loadDefaultCAs = false;
        context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    });
    return context;
}

// NOTE(Poco 1.11): HTTPResponse keeps the status in its HTTPStatus enum, which has no 520-527
// (Cloudflare's codes); reading it back with the inline getStatus() is undefined behaviour and
// UBSan stops the test. The status line Poco writes from its own library code has the number.
int status_code(const Poco::Net::HTTPResponse &response) {
    std::ostringstream line;
    response.write(line);
    const std::string text = line.str();
    const auto space = text.find(' ');
    return space == std::string::npos ? 0 : std::atoi(text.c_str() + space + 1);
}

// Waits up to `timeout` for the child to exit; returns its status or -1 when still running.
int wait_exit(int pid, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        int status = 0;
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        if (r < 0 && errno != EINTR)
            return 255;
        if (std::chrono::steady_clock::now() >= deadline)
            return -1;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

} // namespace

std::string HttpResult::header(const std::string &name) const {
    auto it = headers.find(lower(name));
    return it == headers.end() ? std::string() : it->second;
}

bool HttpResult::has_header(const std::string &name) const {
    return headers.count(lower(name)) > 0;
}

Poco::JSON::Object::Ptr HttpResult::json() const {
    try {
        Poco::Dynamic::Var v = Poco::JSON::Parser().parse(body);
        if (v.type() == typeid(Poco::JSON::Object::Ptr))
            return v.extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception &e) {
        throw std::runtime_error("response body is not JSON (" + e.displayText() +
                                 "): " + body.substr(0, 300));
    }
    throw std::runtime_error("response body is not a JSON object: " + body.substr(0, 300));
}

std::string FakeKlaviyo::ca_file() {
    return certs_dir() + "/ca.pem";
}

std::string FakeKlaviyo::binary() {
    return env_or("FAKE_KLAVIYO_BIN", FAKE_KLAVIYO_BINARY);
}

FakeKlaviyo::FakeKlaviyo(const std::vector<std::string> &extra_args) {
    std::vector<std::string> args = {binary(), "--port", "0", "--api-key", test_api_key};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    std::vector<char *> argv;
    for (auto &a : args)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    int fds[2];
    if (::pipe(fds) != 0)
        throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        // Linux: when the test process dies (a crash, a timeout), the fake gets SIGTERM instead
        // of living on as an orphan.
        ::prctl(PR_SET_PDEATHSIG, SIGTERM);
        if (::getppid() != parent)
            ::_exit(127);
        ::dup2(fds[1], STDOUT_FILENO);
        ::close(fds[0]);
        ::close(fds[1]);
        ::execv(argv[0], argv.data());
        const char msg[] = "fake_klaviyo launcher: exec failed\n";
        [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, msg, sizeof msg - 1);
        ::_exit(127);
    }
    pid_ = pid;
    ::close(fds[1]);

    // Read the first line, waiting at most 30 s in all.
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    bool done = false;
    while (!done) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0)
            break;
        pollfd p{fds[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            break;
        char c = 0;
        const ssize_t n = ::read(fds[0], &c, 1);
        if (n <= 0)
            break;
        if (c == '\n')
            done = true;
        else
            line += c;
    }
    ::close(fds[0]);
    const std::string prefix = "https://";
    const auto colon = line.rfind(':');
    if (!done || line.compare(0, prefix.size(), prefix) != 0 || colon == std::string::npos) {
        stop();
        throw std::runtime_error("fake_klaviyo (" + binary() +
                                 ") did not print its base URL; first line: '" + line +
                                 "', exit status " + std::to_string(exit_status_));
    }
    base_url_ = line;
    port_ = std::atoi(line.c_str() + colon + 1);
}

FakeKlaviyo::~FakeKlaviyo() {
    try {
        stop();
    } catch (...) {
        // never throw from a destructor
    }
}

int FakeKlaviyo::stop() {
    if (pid_ < 0)
        return exit_status_;
    ::kill(pid_, SIGTERM);
    int status = wait_exit(pid_, std::chrono::seconds(10));
    if (status < 0) {
        ::kill(pid_, SIGKILL);
        status = wait_exit(pid_, std::chrono::seconds(10));
    }
    exit_status_ = status;
    pid_ = -1;
    return exit_status_;
}

HttpResult FakeKlaviyo::request(const std::string &method,
                                const std::string &path_and_query,
                                const std::string &body,
                                const std::map<std::string, std::string> &headers) {
    std::map<std::string, std::string> all = {
        {"authorization", std::string("Klaviyo-API-Key ") + test_api_key},
        {"revision", test_revision},
        {"accept", "application/vnd.api+json"}};
    if (!body.empty() || method == "POST")
        all["content-type"] = "application/vnd.api+json";
    for (const auto &kv : headers)
        all[lower(kv.first)] = kv.second;

    HttpResult result;
    try {
        Poco::Net::HTTPSClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port_),
                                              client_context());
        session.setTimeout(Poco::Timespan(static_cast<long>(timeout_.count() / 1000),
                                          static_cast<long>((timeout_.count() % 1000) * 1000)));
        Poco::Net::HTTPRequest req(method, path_and_query, Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto &kv : all) {
            if (kv.first == "content-type" && !kv.second.empty())
                req.setContentType(kv.second);
            else if (!kv.second.empty())
                req.set(kv.first, kv.second);
        }
        if (method == "POST" || method == "PUT" || method == "PATCH" || !body.empty())
            req.setContentLength(static_cast<std::streamsize>(body.size()));
        std::ostream &out = session.sendRequest(req);
        out.write(body.data(), static_cast<std::streamsize>(body.size()));
        Poco::Net::HTTPResponse resp;
        std::istream &in = session.receiveResponse(resp);
        result.status = status_code(resp);
        for (const auto &h : resp)
            result.headers[lower(h.first)] = h.second;
        Poco::StreamCopier::copyToString(in, result.body);
    } catch (const Poco::Exception &e) {
        result.status = 0;
        result.error = e.displayText();
    }
    return result;
}

Poco::JSON::Object::Ptr FakeKlaviyo::state(bool full) {
    HttpResult r = get(full ? "/__fake/state" : "/__fake/state?summary=1");
    if (r.status != 200)
        throw std::runtime_error("GET /__fake/state failed: " + std::to_string(r.status) + " " +
                                 r.error + r.body.substr(0, 300));
    return r.json();
}

void FakeKlaviyo::reset() {
    HttpResult r = post("/__fake/reset", "{}", {{"content-type", "application/json"}});
    if (r.status != 200)
        throw std::runtime_error("POST /__fake/reset failed: " + std::to_string(r.status) + " " +
                                 r.error);
}

void FakeKlaviyo::set_faults(const std::string &json) {
    HttpResult r = post("/__fake/faults", json, {{"content-type", "application/json"}});
    if (r.status != 200)
        throw std::runtime_error("POST /__fake/faults refused: " + std::to_string(r.status) + " " +
                                 r.error + r.body);
}

void FakeKlaviyo::clear_faults() {
    HttpResult r = request("DELETE", "/__fake/faults");
    if (r.status != 200)
        throw std::runtime_error("DELETE /__fake/faults failed: " + std::to_string(r.status) + " " +
                                 r.error);
}

} // namespace fake_klaviyo
