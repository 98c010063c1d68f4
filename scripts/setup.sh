#!/usr/bin/env bash
# Installs every build, run and test dependency with apt (Debian 12, as root). Idempotent and
# quick when everything is present: it asks dpkg first and calls apt only for what is missing.
set -euo pipefail

packages=(
    # build
    build-essential cmake pkg-config git
    # warehouse: the ODBC driver manager, its tools and the drivers we test with
    unixodbc unixodbc-dev odbcinst libsqliteodbc odbc-postgresql postgresql
    # ledger
    sqlite3 libsqlite3-dev
    # HTTPS and JSON, CLI, phones, TLS
    libpoco-dev libboost-program-options-dev libphonenumber-dev libssl-dev openssl ca-certificates
    # UTF-16 conversion and IANA time zones in the warehouse stage
    libicu-dev
    # the connector binary's allocator (docs/performance.md)
    libmimalloc-dev
    # tests, format check and measurements
    catch2 clang-format time procps curl
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done
# Node.js runs the schema contract test and the SDK comparison in the benchmark. Some images ship
# their own nodejs build; only install Debian's when there is none.
if ! command -v node >/dev/null 2>&1; then
    missing+=(nodejs npm)
elif ! command -v npm >/dev/null 2>&1; then
    missing+=(npm)
fi

if ((${#missing[@]})); then
    if [[ $(id -u) -ne 0 ]]; then
        echo "setup: missing packages: ${missing[*]}; run this script as root to install them" >&2
        exit 1
    fi
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "setup: all packages present"
fi

# Node packages the tests and the benchmark use, pinned by their package-lock.json files, from
# the npm registry. Installed once; a second run finds node_modules and skips.
cd "$(dirname "$0")/.."
for lock in tests/contract/package-lock.json scripts/bench/package-lock.json; do
    dir=$(dirname "$lock")
    if [[ -f $lock && ! -d $dir/node_modules ]]; then
        echo "setup: npm ci in $dir"
        npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >/dev/null
    fi
done
