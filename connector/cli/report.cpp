#include "report.hpp"

#include "core/error.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace connector::cli {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

Object::Ptr object() {
    return new Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

Poco::UInt64 u64(std::uint64_t n) {
    return static_cast<Poco::UInt64>(n);
}

Object::Ptr reasons(const sync::ReasonMap &map) {
    Object::Ptr out = object();
    for (const auto &[code, reason] : map) {
        Object::Ptr entry = object();
        entry->set("count", u64(reason.count));
        Array::Ptr examples = new Array;
        for (const sync::Example &e : reason.examples) {
            Object::Ptr ex = object();
            if (e.row_number != 0)
                ex->set("row", u64(e.row_number));
            if (!e.column.empty())
                ex->set("column", e.column);
            if (!e.key.empty())
                ex->set("key", e.key);
            if (!e.message.empty())
                ex->set("message", e.message);
            examples->add(ex);
        }
        entry->set("examples", examples);
        out->set(code, entry);
    }
    return out;
}

Object::Ptr reason(const sync::ReasonCount &count) {
    sync::ReasonMap one;
    one[""] = count;
    return reasons(one)->getObject("");
}

/// A payload as JSON when it parses (it always should), else as a string.
Poco::Dynamic::Var payload(const std::string &json) {
    if (json.empty())
        return Poco::Dynamic::Var();
    try {
        Poco::JSON::Parser parser(new Poco::JSON::ParseHandler(true));
        return parser.parse(json);
    } catch (const Poco::Exception &) {
        return json;
    }
}

void add_summary(Object &root, const sync::RunSummary &s) {
    root.set("sync", s.sync_name);
    root.set("target", to_string(s.target));
    root.set("ledger_run_id", static_cast<Poco::Int64>(s.run_id));
    root.set("dry_run", s.dry_run);
    root.set("limited", s.limited);
    root.set("run_started_at", to_iso8601(s.started_at));
    root.set("last_success_started_at", to_iso8601(s.last_success_started_at));

    const RunCounts &c = s.counts;
    Object::Ptr counts = object();
    counts->set("rows_read", u64(c.rows_read));
    counts->set("rejected", u64(c.rejected));
    counts->set("duplicates", u64(c.duplicates));
    counts->set("unchanged", u64(c.unchanged));
    counts->set("skipped_failed", u64(c.skipped_failed));
    counts->set("new", u64(c.new_records));
    counts->set("changed", u64(c.changed));
    counts->set("retried", u64(c.retried));
    counts->set("to_send", u64(s.to_send));
    counts->set("sent", u64(c.sent));
    counts->set("failed", u64(c.failed));
    counts->set("transient", u64(c.transient));
    counts->set("gone", u64(c.gone));
    root.set("counts", counts);

    root.set("rejected", reasons(s.rejected));
    root.set("warnings", reasons(s.warnings));
    root.set("duplicates", reason(s.duplicates));
    root.set("skipped_failed", reason(s.skipped_failed));
    root.set("failed", reasons(s.failed));
    root.set("transient", reasons(s.transient));

    Object::Ptr gone = object();
    gone->set("count", u64(c.gone));
    Array::Ptr gone_examples = new Array;
    for (const std::string &key : s.gone_examples)
        gone_examples->add(key);
    gone->set("examples", gone_examples);
    root.set("gone", gone);

    Object::Ptr jobs = object();
    jobs->set("open_at_start", u64(s.open_jobs));
    jobs->set("resumed", u64(s.jobs_resumed));
    root.set("bulk_jobs", jobs);

    Object::Ptr klaviyo = object();
    Object::Ptr requests = object();
    std::uint64_t total = 0;
    for (const auto &[endpoint, n] : s.sink.requests_by_endpoint) {
        requests->set(endpoint, u64(n));
        total += n;
    }
    klaviyo->set("requests", u64(total));
    klaviyo->set("requests_by_endpoint", requests);
    Object::Ptr responses = object();
    for (const auto &[status, n] : s.sink.responses_by_status)
        responses->set(status == 0 ? std::string("network_error") : std::to_string(status), u64(n));
    klaviyo->set("responses_by_status", responses);
    klaviyo->set("throttled_429", u64(s.sink.throttled));
    klaviyo->set("retries", u64(s.sink.retries));
    klaviyo->set("bytes_sent", u64(s.sink.bytes_sent));
    klaviyo->set("notices", u64(s.notices));
    root.set("klaviyo", klaviyo);

    Object::Ptr seconds = object();
    seconds->set("read", s.seconds.read);
    seconds->set("map", s.seconds.map);
    seconds->set("diff", s.seconds.diff);
    seconds->set("send", s.seconds.send);
    seconds->set("total", s.seconds.total);
    root.set("seconds", seconds);

    if (s.dry_run) {
        Array::Ptr plan = new Array;
        for (const sync::PlannedRecord &p : s.plan) {
            Object::Ptr entry = object();
            entry->set("decision", to_string(p.decision));
            if (p.row_number != 0)
                entry->set("row", u64(p.row_number));
            entry->set("key", p.key);
            entry->set("profile", payload(p.profile));
            if (!p.event.empty())
                entry->set("event", payload(p.event));
            plan->add(entry);
        }
        root.set("plan_samples", plan);
    }
}

} // namespace

std::string report_json(const ReportInput &in, unsigned indent) {
    Object::Ptr root = object();
    root->set("connector_version", in.version);
    root->set("run_id", in.run_id);
    root->set("status", in.status);
    root->set("exit_code", in.exit_code);
    if (!in.error_message.empty()) {
        Object::Ptr error = object();
        error->set("kind", in.error_kind);
        error->set("message", in.error_message);
        root->set("error", error);
    }
    root->set("started_at", in.started_at);
    root->set("finished_at", in.finished_at);
    root->set("query_file", in.query_file);
    root->set("ledger", in.ledger_path);
    if (in.summary)
        add_summary(*root, *in.summary);
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(root, out, indent, indent == 0 ? -1 : 2,
                                       Poco::JSON_PRESERVE_KEY_ORDER | Poco::JSON_WRAP_STRINGS);
    return out.str();
}

void write_file_atomically(const std::string &path, const std::string &text) {
    const std::string temp = path + ".tmp." + std::to_string(::getpid());
    {
        std::ofstream out(temp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw ConfigError("cannot write the report '" + path + "': " + std::strerror(errno));
        out << text << '\n';
        out.flush();
        if (!out) {
            std::remove(temp.c_str());
            throw ConfigError("cannot write the report '" + path + "': write failed");
        }
    }
    if (std::rename(temp.c_str(), path.c_str()) != 0) {
        const int err = errno;
        std::remove(temp.c_str());
        throw ConfigError("cannot write the report '" + path + "': " + std::strerror(err));
    }
}

} // namespace connector::cli
