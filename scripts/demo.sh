#!/usr/bin/env bash
# The demo: install what is needed, build, create the sample shop warehouse (SQLite), start the
# fake Klaviyo, run the profiles sync and the events sync, show what the fake holds, run both
# again to show that nothing is resent, and stop the fake. Everything stays in demo-run/.
# Exits 0 when the demo worked; says plainly what it did and what it could not do.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${CONNECTOR_JOBS:-$(nproc)}

say() { printf '\n\033[1mdemo: %s\033[0m\n' "$*"; }
note() { printf 'demo: %s\n' "$*"; }

bash scripts/setup.sh

build=build/release
say "building the connector (Release, $build)"
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DCONNECTOR_BUILD_TESTS=ON >/dev/null
cmake --build "$build" -j "$jobs" --target connector
connector="$root/$build/connector/cli/connector"
have_fake=no
targets=$(cmake --build "$build" --target help)
if grep -q '\bfake_klaviyo$' <<<"$targets"; then
    cmake --build "$build" -j "$jobs" --target fake_klaviyo
    have_fake=yes
fi

work="$root/demo-run"
mkdir -p "$work"
rm -f "$work"/shop.db "$work"/ledger.sqlite* "$work"/*.json "$work"/fake.*
say "creating the sample shop warehouse $work/shop.db from sql/sample/sample_shop.sql"
sqlite3 "$work/shop.db" <sql/sample/sample_shop.sql
note "$(sqlite3 "$work/shop.db" 'SELECT count(*) FROM customers') customers and" \
    "$(sqlite3 "$work/shop.db" 'SELECT count(*) FROM orders') orders (messy on purpose:" \
    "national phone formats, a malformed email, odd capitals)"

# Everything the two syncs share: the warehouse through the SQLite ODBC driver, one ledger file.
common=(--connection "Driver=SQLite3;Database=$work/shop.db" --ledger "$work/ledger.sqlite")
profiles=(--query sql/examples/customers.sql --mapping mappings/examples/customers.json
    --target klaviyo_profiles)
events=(--query sql/examples/orders_since_last_run.sql
    --mapping mappings/examples/orders_since_last_run.json --target klaviyo_events)

# Runs the connector; 0 and 5 are expected outcomes (5: some sample rows are rejected on purpose).
run_connector() {
    local label=$1
    shift
    say "$label"
    printf '$ connector'
    printf ' %q' "$@"
    printf '\n'
    local rc=0
    "$connector" "$@" || rc=$?
    case $rc in
    0) note "exit 0: done" ;;
    5) note "exit 5: finished, but some rows were rejected (see the examples above; the sample" \
        "data is messy on purpose)" ;;
    *)
        note "the connector exited $rc, which the demo did not expect; stopping"
        exit 1
        ;;
    esac
}

if [[ $have_fake == no ]]; then
    note "the fake Klaviyo (tests/fake_klaviyo) is not part of this build yet, so nothing can be"
    note "sent anywhere; showing dry runs instead: they map, validate and diff, and send nothing."
    run_connector "dry run of the profiles sync" "${profiles[@]}" "${common[@]}" --dry-run
    run_connector "dry run of the events sync" "${events[@]}" "${common[@]}" --dry-run
    say "done: dry runs only (no fake Klaviyo in this build); nothing was sent"
    exit 0
fi

# The fake Klaviyo: a local HTTPS server with a throwaway certificate, real rate limits.
fake="$root/$build/tests/fake_klaviyo/fake_klaviyo"
ca="$root/$build/test-certs/ca.pem"
key=pk_demo_0123456789abcdef0123456789ab
"$fake" --port 0 --api-key "$key" --job-delay-ms 300 >"$work/fake.out" 2>"$work/fake.log" &
fake_pid=$!
stop_fake() {
    if kill -0 "$fake_pid" 2>/dev/null; then
        kill -TERM "$fake_pid" 2>/dev/null || true
        wait "$fake_pid" 2>/dev/null || true
    fi
}
trap stop_fake EXIT
url=
for _ in $(seq 1 100); do
    url=$(head -n 1 "$work/fake.out" 2>/dev/null || true)
    [[ -n $url ]] && break
    if ! kill -0 "$fake_pid" 2>/dev/null; then break; fi
    sleep 0.1
done
if [[ -z $url ]]; then
    note "the fake Klaviyo did not start; its log:"
    cat "$work/fake.log" >&2
    exit 1
fi
say "started the fake Klaviyo at $url (pid $fake_pid, log $work/fake.log)"

export KLAVIYO_API_KEY=$key
klaviyo=(--klaviyo-url "$url" --ca-file "$ca")

# What the fake holds: counts and a few profiles and events (Node is installed by setup.sh).
show_fake() {
    say "what the fake Klaviyo holds now"
    NODE_EXTRA_CA_CERTS="$ca" node - "$url" <<'JS'
const https = require('https');
https.get(process.argv[2] + '/__fake/state', (res) => {
  let body = '';
  res.on('data', (c) => (body += c));
  res.on('end', () => {
    const s = JSON.parse(body);
    console.log(`profiles: ${s.profile_count}   events: ${s.event_count}   ` +
                `resent events dropped as duplicates: ${s.duplicates_dropped.events}`);
    const req = Object.entries(s.requests || {}).map(([k, v]) =>
      `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`);
    if (req.length) console.log('requests: ' + req.join('; '));
    for (const p of (s.profiles || []).slice(0, 3))
      console.log(`  profile ${p.external_id} ${p.email || ''} ${p.phone_number || ''} ` +
                  JSON.stringify(p.properties));
    for (const e of (s.events || []).slice(0, 3))
      console.log(`  event "${e.metric}" ${e.unique_id} value ${e.value} ${e.value_currency} ` +
                  `at ${e.time} for ${e.profile && e.profile.email}`);
  });
}).on('error', (e) => { console.error('demo: cannot read the fake state: ' + e.message); process.exit(1); });
JS
}

run_connector "first run of the profiles sync: every customer is new" \
    "${profiles[@]}" "${common[@]}" "${klaviyo[@]}" --report "$work/profiles-1.json"
run_connector "first run of the events sync: every order since the epoch" \
    "${events[@]}" "${common[@]}" "${klaviyo[@]}" --report "$work/events-1.json"
show_fake

run_connector "second run of the profiles sync: nothing changed, so nothing is sent" \
    "${profiles[@]}" "${common[@]}" "${klaviyo[@]}" --report "$work/profiles-2.json"
run_connector "second run of the events sync: the query reads only orders placed since the first run started" \
    "${events[@]}" "${common[@]}" "${klaviyo[@]}" --report "$work/events-2.json"
show_fake

say "what the ledger remembers (connector status)"
"$connector" status --ledger "$work/ledger.sqlite" --runs 2

stop_fake
trap - EXIT
say "done: stopped the fake Klaviyo; reports, ledger and logs are in $work/"
note "next: README.md shows the same with your warehouse and your Klaviyo key"
