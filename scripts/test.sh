#!/usr/bin/env bash
# The whole test suite, as CI runs it: set-up, sanitizer build, format check, every test (unit
# and end to end, SQLite ODBC and PostgreSQL through psqlODBC against a throwaway cluster).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${CONNECTOR_JOBS:-$(nproc)}

bash scripts/setup.sh

build=build/asan
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCONNECTOR_SANITIZE=ON \
    -DCONNECTOR_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build "$build" -j "$jobs"

# The format check runs first but fails the script only at the end, so one run reports both.
format_ok=1
bash scripts/format.sh --check || format_ok=0

# PostgreSQL refuses to run as root: the cluster runs as the postgres user, in a folder it can
# reach, and is removed when this script ends, whatever the tests did.
pgdir=$(mktemp -d /tmp/connector-pg-XXXXXX)
rmdir "$pgdir"
cleanup() { bash "$root/scripts/pg_cluster.sh" stop "$pgdir" || true; }
trap cleanup EXIT
eval "$(bash scripts/pg_cluster.sh start "$pgdir")"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
tests_ok=1
ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 300 || tests_ok=0

# The binary as users build it (Release, on mimalloc, which a sanitizer build cannot use)
# through the end-to-end tests too; configured as scripts/demo.sh and scripts/bench.sh do, so
# the three share one build (the sanitizer build above already treats warnings as errors).
release=build/release
cmake -S . -B "$release" -DCMAKE_BUILD_TYPE=Release -DCONNECTOR_BUILD_TESTS=ON >/dev/null
cmake --build "$release" -j "$jobs" --target connector fake_klaviyo e2e_tests
ctest --test-dir "$release" --output-on-failure -j "$jobs" --timeout 300 -R '^End to end' ||
    tests_ok=0
if ((!format_ok)); then
    echo "test: the format check failed (see above): run scripts/format.sh" >&2
fi
((format_ok && tests_ok))
