#include "status_format.hpp"

#include "cli/text_format.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>

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

std::string when(const Timestamp &t) {
    std::string iso = to_iso8601(Timestamp{t.unix_seconds, 0});
    return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

std::string duration(const ledger::RunSummary &run) {
    if (!run.ended)
        return "";
    return clock_duration(
        static_cast<double>(run.ended_at.unix_seconds - run.started_at.unix_seconds));
}

Object::Ptr counts_json(const RunCounts &c) {
    Object::Ptr o = object();
    o->set("rows_read", u64(c.rows_read));
    o->set("rejected", u64(c.rejected));
    o->set("duplicates", u64(c.duplicates));
    o->set("unchanged", u64(c.unchanged));
    o->set("skipped_failed", u64(c.skipped_failed));
    o->set("new", u64(c.new_records));
    o->set("changed", u64(c.changed));
    o->set("retried", u64(c.retried));
    o->set("sent", u64(c.sent));
    o->set("failed", u64(c.failed));
    o->set("transient", u64(c.transient));
    o->set("gone", u64(c.gone));
    return o;
}

} // namespace

std::string status_text(const ledger::StatusReport &report) {
    std::ostringstream out;
    out << "Ledger " << report.ledger_path << " (schema " << report.schema_version << ")\n";
    if (report.syncs.empty())
        out << "\nNo syncs yet: the ledger is filled by the first run.\n";
    for (const ledger::SyncStatus &sync : report.syncs) {
        out << "\nSync " << sync.name << " (" << sync.target << ")\n";
        if (sync.runs.empty()) {
            out << "  no runs yet\n";
        } else {
            out << "  " << pad_right("run", 7) << pad_right("started (UTC)", 21)
                << pad_right("took", 9) << pad_right("status", 13) << "     read   reject  "
                << "unchang      new  changed    retry     sent   failed  transnt\n";
            for (const ledger::RunSummary &run : sync.runs) {
                const RunCounts &c = run.counts;
                auto num = [](std::uint64_t n) {
                    const std::string s = thousands(n);
                    return std::string(s.size() < 9 ? 9 - s.size() : 0, ' ') + s;
                };
                std::string status = run.status;
                if (run.full_resync)
                    status += "*";
                out << "  " << pad_right(std::to_string(run.id), 7)
                    << pad_right(when(run.started_at), 21) << pad_right(duration(run), 9)
                    << pad_right(status, 13) << num(c.rows_read) << num(c.rejected)
                    << num(c.unchanged) << num(c.new_records) << num(c.changed) << num(c.retried)
                    << num(c.sent) << num(c.failed) << num(c.transient) << "\n";
            }
            if (sync.runs.front().status == "running")
                out << "  (the newest run is still running, or was killed: its pid was "
                    << sync.runs.front().pid << " on " << sync.runs.front().host << ")\n";
        }
        out << "  Records: " << thousands(sync.records_total);
        std::string states;
        for (const ledger::StateCount &s : sync.records_by_state)
            if (s.count > 0)
                states += (states.empty() ? "" : ", ") + s.state + " " + thousands(s.count);
        if (!states.empty())
            out << " (" << states << ")";
        out << "\n";
        if (!sync.top_failures.empty()) {
            out << "  Most common problems:\n";
            for (const ledger::FailureReason &f : sync.top_failures) {
                out << "    " << thousands(f.count) << " " << f.state << " "
                    << (f.code.empty() ? "(no code)" : f.code);
                std::string example;
                if (f.example_row != 0)
                    example = "row " + std::to_string(f.example_row);
                if (!f.example_column.empty())
                    example +=
                        (example.empty() ? "" : ", ") + std::string("column ") + f.example_column;
                if (!f.example_key.empty())
                    example += example.empty() ? f.example_key : " (" + f.example_key + ")";
                if (!example.empty())
                    out << ", e.g. " << example;
                if (!f.example_message.empty())
                    out << ": " << shorten(f.example_message, 120);
                out << "\n";
            }
        }
        if (!sync.open_jobs.empty()) {
            out << "  Open bulk jobs (the next run finishes them):\n";
            for (const ledger::OpenJob &j : sync.open_jobs)
                out << "    " << j.job_id << " from run " << j.run_id << ", submitted "
                    << when(j.submitted_at) << ", " << thousands(j.records_waiting)
                    << " records waiting\n";
        }
    }
    return out.str();
}

std::string status_json(const ledger::StatusReport &report) {
    Object::Ptr root = object();
    root->set("ledger", report.ledger_path);
    root->set("schema_version", report.schema_version);
    Array::Ptr syncs = new Array;
    for (const ledger::SyncStatus &sync : report.syncs) {
        Object::Ptr s = object();
        s->set("name", sync.name);
        s->set("target", sync.target);
        Array::Ptr runs = new Array;
        for (const ledger::RunSummary &run : sync.runs) {
            Object::Ptr r = object();
            r->set("id", static_cast<Poco::Int64>(run.id));
            r->set("status", run.status);
            r->set("started_at", to_iso8601(run.started_at));
            if (run.ended)
                r->set("ended_at", to_iso8601(run.ended_at));
            else
                r->set("ended_at", Poco::Dynamic::Var());
            r->set("pid", static_cast<Poco::Int64>(run.pid));
            r->set("host", run.host);
            r->set("full_resync", run.full_resync);
            r->set("retry_failed", run.retry_failed);
            r->set("counts", counts_json(run.counts));
            runs->add(r);
        }
        s->set("runs", runs);
        Object::Ptr states = object();
        for (const ledger::StateCount &c : sync.records_by_state)
            states->set(c.state, u64(c.count));
        s->set("records_total", u64(sync.records_total));
        s->set("records_by_state", states);
        Array::Ptr failures = new Array;
        for (const ledger::FailureReason &f : sync.top_failures) {
            Object::Ptr o = object();
            o->set("state", f.state);
            o->set("code", f.code);
            o->set("count", u64(f.count));
            o->set("example_key", f.example_key);
            o->set("example_message", f.example_message);
            if (f.example_row != 0)
                o->set("example_row", u64(f.example_row));
            if (!f.example_column.empty())
                o->set("example_column", f.example_column);
            failures->add(o);
        }
        s->set("top_failures", failures);
        Array::Ptr jobs = new Array;
        for (const ledger::OpenJob &j : sync.open_jobs) {
            Object::Ptr o = object();
            o->set("job_id", j.job_id);
            o->set("run_id", static_cast<Poco::Int64>(j.run_id));
            o->set("submitted_at", to_iso8601(j.submitted_at));
            o->set("records_waiting", u64(j.records_waiting));
            jobs->add(o);
        }
        s->set("open_jobs", jobs);
        syncs->add(s);
    }
    root->set("syncs", syncs);
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(root, out, 2, 2,
                                       Poco::JSON_PRESERVE_KEY_ORDER | Poco::JSON_WRAP_STRINGS);
    return out.str();
}

} // namespace connector::cli
