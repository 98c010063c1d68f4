#!/usr/bin/python3
"""Where a connector run spends its CPU, by pipeline stage: reads `perf script -F tid,ip,sym`
output of a `perf record --call-graph dwarf` run and prints each stage's share of the samples,
then, for the ledger's methods, what they call. Used for the profile in docs/performance.md:

    perf record -F 400 --call-graph dwarf,12000 -o perf.data connector ...
    perf script -i perf.data -F tid,ip,sym | /usr/bin/python3 scripts/bench/profile_shares.py

A sample belongs to the first stage found walking its stack from the leaf up."""
import collections
import sys

# (stage, substrings of a frame's symbol), in the order they are tried. The ledger's methods go
# by SqliteLedger::m or SqliteLedger::Impl::m, whichever the compiler left after inlining.
def ledger(method):
    return ("SqliteLedger::" + method, "SqliteLedger::Impl::" + method)


STAGES = [
    ("ledger: diff (main thread)", ledger("diff")),
    ("ledger: outcomes", ledger("on_outcomes")),
    ("ledger: job submitted", ledger("on_job_submitted")),
    ("ledger: in flight", ledger("on_in_flight")),
    ("ledger: other", ("SqliteLedger::",)),
    ("mapping", ("JsonMapper::map",)),
    ("reading (ODBC)", ("ResultReader::next",)),
    ("request bodies", ("build_body",)),
    ("HTTPS and TLS", ("HttpsConnection",)),
    ("batching", ("Batcher",)),
    ("sending and polling, other", ("KlaviyoClient::Impl",)),
    ("reading thread, other", ("MappedRows",)),
    ("sync, main thread other", ("Sync::Run",)),
]
LEDGER_METHODS = ["diff", "on_outcomes", "on_job_submitted", "on_in_flight"]


def samples(lines):
    frames = None
    for line in lines:
        if not line.strip():
            if frames:
                yield frames
            frames = None
        elif frames is None:
            frames = []  # the sample's header line (thread id)
        else:
            parts = line.strip().split(None, 1)
            frames.append(parts[1] if len(parts) > 1 else "?")
    if frames:
        yield frames


def stage_of(frames):
    for frame in frames:
        for stage, needles in STAGES:
            if any(n in frame for n in needles):
                return stage
    return "other (start-up, libraries, kernel)"


def main():
    all_samples = list(samples(sys.stdin))
    if not all_samples:
        sys.exit("profile_shares.py: no samples on standard input (perf script output)")
    stages = collections.Counter(stage_of(f) for f in all_samples)
    total = len(all_samples)
    print(f"{total} samples")
    for stage, n in stages.most_common():
        print(f"{100 * n / total:5.1f}%  {stage}")
    for method in LEDGER_METHODS:
        callees = collections.Counter()
        for frames in all_samples:
            at = next((i for i, f in enumerate(frames)
                       if any(n in f for n in ledger(method))), None)
            if at is not None:
                callees[frames[at - 1].split("(")[0][:70] if at > 0 else "(itself)"] += 1
        n = sum(callees.values())
        if n:
            top = ", ".join(f"{c} {100 * k / n:.0f}%" for c, k in callees.most_common(3))
            print(f"ledger {method}: {100 * n / total:.1f}% of samples; calls {top}")


if __name__ == "__main__":
    main()
