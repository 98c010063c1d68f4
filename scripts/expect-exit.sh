#!/usr/bin/env bash
# Runs a command and passes only when it exits with the expected code and its output (stdout and
# stderr together) matches every --match and none of the --no-match extended regexes.
#   scripts/expect-exit.sh CODE [--match REGEX]... [--no-match REGEX]... -- COMMAND [ARGS...]
# Used by the CLI and end-to-end tests in CTest, where PASS_REGULAR_EXPRESSION would ignore the
# exit code.
set -u
if [[ $# -lt 3 ]]; then
    echo "usage: $0 CODE [--match REGEX]... [--no-match REGEX]... -- COMMAND [ARGS...]" >&2
    exit 2
fi
expected=$1
shift
match=()
no_match=()
while [[ $# -gt 0 && $1 != -- ]]; do
    case $1 in
    --match) match+=("$2"); shift 2 ;;
    --no-match) no_match+=("$2"); shift 2 ;;
    *) echo "expect-exit: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
if [[ $# -lt 2 || $1 != -- ]]; then
    echo "expect-exit: missing -- COMMAND" >&2
    exit 2
fi
shift

output=$("$@" 2>&1)
actual=$?
printf '%s\n' "$output"
status=0
if [[ $actual -ne $expected ]]; then
    echo "expect-exit: FAIL: exit code $actual, expected $expected" >&2
    status=1
fi
for re in "${match[@]+"${match[@]}"}"; do
    if ! grep -Eq -- "$re" <<<"$output"; then
        echo "expect-exit: FAIL: output does not match: $re" >&2
        status=1
    fi
done
for re in "${no_match[@]+"${no_match[@]}"}"; do
    if grep -Eq -- "$re" <<<"$output"; then
        echo "expect-exit: FAIL: output matches what it must not: $re" >&2
        status=1
    fi
done
[[ $status -eq 0 ]] && echo "expect-exit: ok (exit $actual)"
exit $status
