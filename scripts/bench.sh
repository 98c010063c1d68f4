#!/usr/bin/env bash
# The benchmark: the connector's speed and memory at several scales, side by side with what a
# user would use instead, in the same run, on the same rows and the same fake Klaviyo.
#   scripts/bench.sh                    10k, 100k and 1M customers (and as many orders)
#   BENCH_SCALES="10000" scripts/bench.sh          a quick run
#   BENCH_10M=1 scripts/bench.sh        adds 10M
#   BENCH_REAL_EVENTS=500000            events sent in the real-rate-limits case (0 skips it):
#                                       500 bulk requests, over three minutes at 150 a minute
# Prints a Markdown table and the target ratios; keeps everything under bench-data/ (ignored
# by git). Timings are never asserted anywhere: they are measured here and reported.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${CONNECTOR_JOBS:-$(nproc)}
scales=${BENCH_SCALES:-"10000 100000 1000000"}
[[ ${BENCH_10M:-0} == 1 ]] && scales="$scales 10000000"
real_events=${BENCH_REAL_EVENTS:-500000}

bash scripts/setup.sh
build=build/release
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCONNECTOR_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j "$jobs" --target connector fake_klaviyo
connector=$root/$build/connector/cli/connector
fake=$root/$build/tests/fake_klaviyo/fake_klaviyo
certs=$root/$build/test-certs

data=$root/bench-data
mkdir -p "$data"
results=$data/results-$(date -u +%Y%m%dT%H%M%SZ).jsonl
: >"$results"
export KLAVIYO_API_KEY=pk_bench_key_not_secret
export NODE_EXTRA_CA_CERTS=$certs/ca.pem

fake_pid=
fake_url=
start_fake() { # start_fake real|off
    stop_fake
    # --store counts: validate and answer as usual, keep only counts (flat memory at 10M).
    "$fake" --rate-limits "$1" --api-key "$KLAVIYO_API_KEY" --job-delay-ms 20 --store counts \
        --cert "$certs/server.pem" --key "$certs/server.key" >"$data/fake.out" 2>"$data/fake.err" &
    fake_pid=$!
    for _ in $(seq 100); do
        fake_url=$(head -n1 "$data/fake.out" 2>/dev/null || true)
        [[ -n $fake_url ]] && return 0
        sleep 0.1
    done
    echo "bench: the fake Klaviyo did not start:" >&2
    cat "$data/fake.err" >&2
    exit 1
}
stop_fake() {
    if [[ -n $fake_pid ]]; then
        kill "$fake_pid" 2>/dev/null || true
        wait "$fake_pid" 2>/dev/null || true
        fake_pid=
    fi
}
reset_fake() { curl -fsS --cacert "$certs/ca.pem" -X POST "$fake_url/__fake/reset" >/dev/null; }
trap stop_fake EXIT

# measure NAME SCALE KIND -- command...   KIND: connector (reads --report), node, plain
measure() {
    local name=$1 scale=$2 kind=$3
    shift 4
    local t=$data/time.txt out=$data/out.txt report=$data/report.json
    rm -f "$report"
    local rc=0
    /usr/bin/time -f '%M %U %S %e' -o "$t" "$@" >"$out" 2>"$data/err.txt" || rc=$?
    # exit 5 (some records rejected or failed) still measured a complete run
    if ((rc != 0)) && [[ $kind != connector || $rc -ne 5 ]]; then
        echo "bench: case '$name' failed (exit $rc):" >&2
        tail -n 20 "$data/err.txt" >&2
        exit 1
    fi
    read -r rss user sys wall <"$t"
    node - "$name" "$scale" "$kind" "$rss" "$user" "$sys" "$wall" "$report" "$out" >>"$results" <<'JS'
const fs = require('fs');
const [name, scale, kind, rss, user, sys, wall, report, out] = process.argv.slice(2);
const r = {case: name, scale: Number(scale), rss_kb: Number(rss), cpu: Number(user) + Number(sys),
           wall: Number(wall), rows: Number(scale)};
if (kind === 'connector') {
    const rep = JSON.parse(fs.readFileSync(report, 'utf8'));
    Object.assign(r, {rows: rep.counts.rows_read, sent: rep.counts.sent, seconds: rep.seconds,
                      requests: rep.klaviyo.requests, bytes: rep.klaviyo.bytes_sent,
                      throttled: rep.klaviyo.throttled_429});
} else if (kind === 'node') {
    const o = JSON.parse(fs.readFileSync(out, 'utf8').trim().split('\n').pop());
    Object.assign(r, {rows: o.records, sent: o.records, requests: o.requests});
}
console.log(JSON.stringify(r));
JS
    tail -n1 "$results" | cut -c1-200 >&2
}

# cmd_for TARGET DB LEDGER: the connector command line, in the array cmd. Against the fake with
# its limits off the connector's own pacing is off too (--pacing off), so the figures are the
# connector's own cost; the real-limits case paces as it would against Klaviyo.
pacing=off
cmd_for() {
    local target=$1 db=$2 ledger=$3
    local query=$root/scripts/bench/profiles.sql
    [[ $target == klaviyo_events ]] && query=$root/scripts/bench/events.sql
    cmd=("$connector" --query "$query" --target "$target" --connection "Driver=SQLite3;Database=$db"
        --ledger "$ledger" --sync "bench-$target" --klaviyo-url "$fake_url"
        --ca-file "$certs/ca.pem" --report "$data/report.json" --quiet --pacing "$pacing")
}

start_fake off
for n in $scales; do
    db=$data/warehouse-$n.db
    if [[ ! -f $db ]]; then
        echo "bench: generating $n customers and orders" >&2
        bash scripts/bench/gen_warehouse.sh "$db.tmp" "$n" && mv "$db.tmp" "$db"
    fi
    # A fresh copy per scale: the 1% change case edits it.
    cp "$db" "$data/run.db"
    ledger=$data/ledger-$n.sqlite
    rm -f "$ledger"*

    measure "sqlite3 -json export (profiles) $n" "$n" plain -- \
        sqlite3 -json "$data/run.db" ".read $root/scripts/bench/profiles.sql"
    measure "sqlite3 -json export (events) $n" "$n" plain -- \
        sqlite3 -json "$data/run.db" ".read $root/scripts/bench/events.sql"

    reset_fake
    cmd_for klaviyo_profiles "$data/run.db" "$ledger"
    measure "profiles first run $n" "$n" connector -- "${cmd[@]}"
    measure "profiles no change $n" "$n" connector -- "${cmd[@]}"
    sqlite3 "$data/run.db" "UPDATE customers SET lifetime_value = lifetime_value + 1 WHERE customer_id % 100 = 0"
    measure "profiles 1% changed $n" "$n" connector -- "${cmd[@]}"
    reset_fake
    cmd_for klaviyo_events "$data/run.db" "$ledger"
    measure "events first run $n" "$n" connector -- "${cmd[@]}"
    measure "events no change $n" "$n" connector -- "${cmd[@]}"

    if [[ ${BENCH_SKIP_NODE:-0} != 1 && $n -le 1000000 ]]; then
        reset_fake
        measure "node SDK profiles $n" "$n" node -- \
            node scripts/bench/node_sdk_sync.js profiles "$data/run.db" "$fake_url"
        # The SDK script sends events at a few thousand a second: at 1M it would dominate the
        # benchmark's time, so it runs up to 100k (BENCH_NODE_EVENTS_MAX to change).
        if ((n <= ${BENCH_NODE_EVENTS_MAX:-100000})); then
            reset_fake
            measure "node SDK events $n" "$n" node -- \
                node scripts/bench/node_sdk_sync.js events "$data/run.db" "$fake_url"
        fi
    fi
    if [[ $n -le 10000 ]]; then
        reset_fake
        rm -f "$ledger"*
        cmd_for klaviyo_profiles "$data/run.db" "$ledger"
        measure "profiles --api-mode single $n" "$n" connector -- "${cmd[@]}" --api-mode single
        cmd_for klaviyo_events "$data/run.db" "$ledger"
        measure "events --api-mode single $n" "$n" connector -- "${cmd[@]}" --api-mode single
    fi
    reset_fake
done

if ((real_events > 0)); then
    n=$real_events
    db=$data/warehouse-$n.db
    [[ -f $db ]] || bash scripts/bench/gen_warehouse.sh "$db" "$n"
    start_fake real
    pacing=on
    rm -f "$data/ledger-real.sqlite"*
    cmd_for klaviyo_events "$db" "$data/ledger-real.sqlite"
    measure "events real limits $n" "$n" connector -- "${cmd[@]}"
    # What the fake let through in each of its 60 s windows: every window but the last (where
    # the run ran out of events) shows the share of the steady ceiling the connector used.
    curl -fsS --cacert "$certs/ca.pem" "$fake_url/__fake/state?summary=1" >"$data/fake-state.json"
    node -e 'const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        console.log(JSON.stringify({case: "rate windows (events real limits)",
                                    windows: s.rate_windows}));' "$data/fake-state.json" >>"$results"
fi
stop_fake

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "Results: $results"
echo
node scripts/bench/table.js "$results"
