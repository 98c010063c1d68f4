#include "summary.hpp"

#include "cli/json_text.hpp"
#include "cli/text_format.hpp"

#include <sstream>

namespace connector::cli {

namespace {

constexpr std::size_t label_width = 26;
constexpr std::size_t number_width = 10;

/// "1 row was", "3 rows were".
std::string count_of(std::uint64_t n, const char *one, const char *many) {
    return thousands(n) + " " + (n == 1 ? one : many);
}

std::string by_reason(const sync::ReasonMap &reasons) {
    std::string out;
    for (const auto &[code, reason] : reasons)
        out += (out.empty() ? "" : ", ") + code + " " + thousands(reason.count);
    return out;
}

void line(std::ostringstream &out,
          const std::string &label,
          std::uint64_t n,
          const std::string &detail = {}) {
    std::string number = thousands(n);
    out << "  " << pad_right(label, label_width)
        << std::string(number.size() < number_width ? number_width - number.size() : 0, ' ')
        << number;
    if (!detail.empty())
        out << "   " << detail;
    out << "\n";
}

std::string describe(const sync::Example &e) {
    std::string where;
    if (e.row_number != 0)
        where = "row " + std::to_string(e.row_number);
    if (!e.column.empty())
        where += (where.empty() ? "" : ", ") + std::string("column ") + e.column;
    if (!e.key.empty() && e.row_number == 0)
        where += (where.empty() ? "" : ", ") + std::string("record ") + e.key;
    if (where.empty())
        return e.message;
    return e.message.empty() ? where : where + ": " + e.message;
}

void examples(std::ostringstream &out, const std::string &what, const sync::ReasonMap &reasons) {
    for (const auto &[code, reason] : reasons)
        for (const sync::Example &e : reason.examples)
            out << "    " << what << " " << code << ": " << shorten(describe(e), 160) << "\n";
}

} // namespace

std::string summary_text(const sync::RunSummary &s, const std::string &report_file) {
    const RunCounts &c = s.counts;
    std::ostringstream out;
    if (s.dry_run)
        out << "Dry run of sync " << s.sync_name << " (" << to_string(s.target)
            << "): nothing was sent and the ledger is unchanged.\n";
    else
        out << "Sync " << s.sync_name << " (" << to_string(s.target) << "), run " << s.run_id
            << ": " << s.status_text() << " (exit " << s.exit_code() << ")\n";

    line(out, "rows read", c.rows_read, s.limited ? "stopped at --limit" : "");
    line(out, "rejected", c.rejected, by_reason(s.rejected));
    if (c.duplicates > 0)
        line(out, "duplicate keys (not sent)", c.duplicates);
    line(out, "unchanged", c.unchanged);
    if (c.skipped_failed > 0)
        line(out, "failed before, unchanged", c.skipped_failed, "not sent; see --retry-failed");
    line(out, s.dry_run ? "new (would send)" : "new", c.new_records);
    line(out, s.dry_run ? "changed (would send)" : "changed", c.changed);
    line(out, s.dry_run ? "retried (would send)" : "retried", c.retried);
    if (!s.dry_run) {
        line(out, "sent", c.sent);
        line(out, "failed", c.failed, by_reason(s.failed));
        if (c.transient > 0)
            line(out, "left for the next run", c.transient, by_reason(s.transient));
    }
    if (c.gone > 0)
        line(out, "gone from the result", c.gone);
    if (!s.warnings.empty()) {
        std::uint64_t n = 0;
        for (const auto &kv : s.warnings)
            n += kv.second.count;
        line(out, "warnings", n, by_reason(s.warnings));
    }
    if (s.jobs_resumed > 0)
        line(out, "earlier bulk jobs resumed", s.jobs_resumed);

    if (!s.dry_run) {
        std::uint64_t requests = 0;
        std::string endpoints;
        for (const auto &[endpoint, n] : s.sink.requests_by_endpoint) {
            requests += n;
            endpoints += (endpoints.empty() ? "" : ", ") + endpoint + " " + thousands(n);
        }
        out << "  Klaviyo: " << thousands(requests) << " requests";
        if (!endpoints.empty())
            out << " (" << endpoints << ")";
        out << "; " << thousands(s.sink.throttled) << " throttled (429); "
            << thousands(s.sink.retries) << " retries; " << bytes_text(s.sink.bytes_sent)
            << " sent\n";
    }
    out << "  Time: " << seconds_text(s.seconds.total) << " (read " << seconds_text(s.seconds.read)
        << ", map " << seconds_text(s.seconds.map) << ", diff " << seconds_text(s.seconds.diff)
        << ", send " << seconds_text(s.seconds.send) << ")\n";

    std::ostringstream ex;
    examples(ex, "rejected", s.rejected);
    for (const sync::Example &e : s.duplicates.examples)
        ex << "    duplicate: " << describe(e) << " (key " << e.key << ")\n";
    examples(ex, "failed", s.failed);
    examples(ex, "left for the next run", s.transient);
    examples(ex, "warning", s.warnings);
    for (const std::string &key : s.gone_examples)
        ex << "    gone: " << key << "\n";
    if (!ex.str().empty())
        out << "  Examples:\n" << ex.str();

    std::ostringstream next;
    if (c.rejected > 0)
        next << "  - " << count_of(c.rejected, "row was", "rows were")
             << " rejected: fix them in the warehouse, the query or the mapping file; they are "
                "sent once they change.\n";
    if (c.duplicates > 0)
        next << "  - " << count_of(c.duplicates, "row repeats", "rows repeat")
             << " a key already seen in this result: make the query return one row per "
                "profile or event.\n";
    if (c.failed > 0)
        next << "  - Klaviyo refused " << count_of(c.failed, "record", "records")
             << ": they are sent again when their data changes, or with --retry-failed.\n";
    if (c.transient > 0) {
        // Name the actual causes: "interrupted 4,000" is not a network problem.
        const std::string causes = by_reason(s.transient);
        next << "  - " << count_of(c.transient, "record", "records")
             << " could not be delivered now ("
             << (causes.empty() ? std::string("rate limits, server or network errors") : causes)
             << "): the next run sends them again.\n";
    }
    if (c.skipped_failed > 0)
        next << "  - " << count_of(c.skipped_failed, "record", "records")
             << " failed in an earlier run and did not change: --retry-failed sends them "
                "again.\n";
    if (s.status == sync::RunStatus::Interrupted)
        next << "  - The run was interrupted: the next run finishes what it left.\n";
    if (!next.str().empty()) {
        out << "  Next:\n" << next.str();
        if (!report_file.empty())
            out << "  More examples per reason: " << report_file << "\n";
        else
            out << "  More examples per reason: run with --report FILE or --verbose.\n";
    }
    return out.str();
}

std::string plan_text(const sync::RunSummary &s) {
    std::ostringstream out;
    const RunCounts &c = s.counts;
    out << "Plan: would send " << thousands(s.to_send) << " records (" << thousands(c.new_records)
        << " new, " << thousands(c.changed) << " changed, " << thousands(c.retried) << " retried); "
        << thousands(c.unchanged) << " unchanged; " << thousands(c.rejected) << " rejected.\n";
    if (s.open_jobs > 0)
        out << "Open bulk jobs from an earlier run (a real run finishes them first): "
            << s.open_jobs << "\n";
    for (const sync::PlannedRecord &p : s.plan) {
        out << "\n" << to_string(p.decision) << ": " << p.key;
        if (p.row_number != 0)
            out << " (row " << p.row_number << ")";
        out << "\n";
        if (!p.event.empty())
            out << "event:\n" << pretty_json(p.event) << "\n";
        out << (p.event.empty() ? "profile:\n" : "profile of the event:\n")
            << pretty_json(p.profile) << "\n";
    }
    return out.str();
}

} // namespace connector::cli
