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

bash scripts/format.sh --check

# PostgreSQL refuses to run as root: the cluster runs as the postgres user, in a folder it can
# reach, and is removed when this script ends, whatever the tests did.
pgdir=$(mktemp -d /tmp/connector-pg-XXXXXX)
rmdir "$pgdir"
cleanup() { bash "$root/scripts/pg_cluster.sh" stop "$pgdir" || true; }
trap cleanup EXIT
eval "$(bash scripts/pg_cluster.sh start "$pgdir")"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}
ctest --test-dir "$build" --output-on-failure -j "$jobs" --timeout 600
