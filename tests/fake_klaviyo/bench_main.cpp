// fake_klaviyo_bench: how many profiles a second the fake takes through the bulk import
// endpoint (run by hand against a Release build; not a test):
//   fake_klaviyo --port 0 --rate-limits off --api-key pk_bench &   # prints URL
//   fake_klaviyo_bench URL CA_FILE [jobs=20] [profiles_per_job=10000] [connections=2]
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

namespace {

std::string job_body(std::size_t job, std::size_t n) {
    std::string body =
        R"({"data":{"type":"profile-bulk-import-job","attributes":{"profiles":{"data":[)";
    for (std::size_t i = 0; i < n; ++i) {
        const std::string k = std::to_string(job) + "_" + std::to_string(i);
        if (i)
            body += ',';
        body +=
            R"({"type":"profile","attributes":{"email":"user)" + k +
            R"(@example.org","external_id":"wh_)" + k +
            R"(","first_name":"Ada","last_name":"Lovelace","location":{"city":"London","country":"GB"},)"
            R"("properties":{"plan":"pro","ltv":1234.5,"is_vip":true,"orders":17,"signup":"2025-03-01T00:00:00Z"}}})";
    }
    return body + "]}}}}";
}

} // namespace

int main(int argc, char **argv) {
    if (argc < 3) {
        std::cerr
            << "usage: fake_klaviyo_bench URL CA_FILE [jobs] [profiles_per_job] [connections]\n";
        return 2;
    }
    const Poco::URI url(argv[1]);
    const std::string ca = argv[2];
    const std::size_t jobs = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 20;
    const std::size_t per_job = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 10000;
    const std::size_t connections = argc > 5 ? std::strtoul(argv[5], nullptr, 10) : 2;
    Poco::Net::initializeSSL();
    Poco::Net::Context::Params params;
    params.caLocation = ca;
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);

    std::vector<std::string> bodies;
    std::size_t bytes = 0;
    for (std::size_t j = 0; j < jobs; ++j) {
        bodies.push_back(job_body(j, per_job));
        bytes += bodies.back().size();
    }
    std::atomic<std::size_t> next{0};
    std::atomic<int> failures{0};
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (std::size_t c = 0; c < connections; ++c) {
        threads.emplace_back([&] {
            Poco::Net::HTTPSClientSession session(url.getHost(), url.getPort(), context);
            session.setKeepAlive(true);
            for (std::size_t j = next++; j < jobs; j = next++) {
                Poco::Net::HTTPRequest req("POST", "/api/profile-bulk-import-jobs",
                                           Poco::Net::HTTPMessage::HTTP_1_1);
                req.set("Authorization", "Klaviyo-API-Key pk_bench");
                req.set("revision", "2026-07-15");
                req.setContentType("application/vnd.api+json");
                req.setContentLength(static_cast<std::streamsize>(bodies[j].size()));
                req.setKeepAlive(true);
                session.sendRequest(req) << bodies[j];
                Poco::Net::HTTPResponse resp;
                std::string ignored;
                Poco::StreamCopier::copyToString(session.receiveResponse(resp), ignored);
                if (resp.getStatus() != 202) {
                    ++failures;
                    std::cerr << "job " << j << ": " << resp.getStatus() << " "
                              << ignored.substr(0, 300) << "\n";
                }
            }
        });
    }
    for (auto &t : threads)
        t.join();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double profiles = static_cast<double>(jobs * per_job);
    std::cout << jobs << " jobs x " << per_job << " profiles (" << bytes / (1024 * 1024)
              << " MB) over " << connections << " connections in " << seconds
              << " s: " << static_cast<long long>(profiles / seconds) << " profiles/s, failures "
              << failures << "\n";
    Poco::Net::uninitializeSSL();
    return failures ? 1 : 0;
}
