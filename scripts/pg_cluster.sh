#!/usr/bin/env bash
# A throwaway PostgreSQL cluster on loopback for the tests, run as the postgres user.
#   scripts/pg_cluster.sh start DIR   -> prints "export CONNECTOR_TEST_PG=..." for eval
#   scripts/pg_cluster.sh stop DIR    -> stops the server and removes DIR
set -euo pipefail
cmd=${1:?usage: pg_cluster.sh start|stop DIR}
dir=${2:?usage: pg_cluster.sh start|stop DIR}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)
as_pg() { if [[ $(id -un) == postgres ]]; then "$@"; elif [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case $cmd in
start)
    mkdir -p "$dir"
    [[ $(id -u) -eq 0 ]] && chown postgres:postgres "$dir"
    chmod 700 "$dir"
    password="pw$RANDOM$RANDOM"
    echo "$password" > "$dir.pw"
    [[ $(id -u) -eq 0 ]] && chown postgres "$dir.pw"
    as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        --pwfile="$dir.pw" -E UTF8 --locale=C.UTF-8 >"$dir.initdb.log" 2>&1 ||
        { cat "$dir.initdb.log" >&2; exit 1; }
    rm -f "$dir.pw"
    # A random free port on loopback; a port taken meanwhile makes pg_ctl fail, so try again.
    started=0
    for _ in 1 2 3 4 5 6 7 8; do
        port=$((20000 + RANDOM % 40000))
        if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c fsync=off -c full_page_writes=off" start >/dev/null 2>&1; then
            started=1
            break
        fi
    done
    if ((!started)); then
        echo "pg_cluster: PostgreSQL did not start; its log:" >&2
        cat "$dir/server.log" >&2 || true
        exit 1
    fi
    as_pg "$bin/psql" -h "$dir" -p "$port" -U postgres -q -v ON_ERROR_STOP=1 -d postgres \
        -c "CREATE DATABASE connector_test ENCODING 'UTF8' TEMPLATE template0" >/dev/null
    echo "export CONNECTOR_TEST_PG='Driver=PostgreSQL Unicode;Server=127.0.0.1;Port=$port;Database=connector_test;Uid=postgres;Pwd=$password'"
    echo "export CONNECTOR_TEST_PG_SOCKET='$dir' CONNECTOR_TEST_PG_PORT='$port'"
    ;;
stop)
    if [[ -d $dir/data ]]; then
        as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir" "$dir.pw" "$dir.initdb.log"
    ;;
*)
    echo "usage: pg_cluster.sh start|stop DIR" >&2
    exit 2
    ;;
esac
