#!/usr/bin/env bash
# Formats the C++ sources with clang-format, or with --check fails listing the files that differ.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- '*.cpp' '*.hpp' '*.hpp.in' | while read -r f; do [[ -f $f ]] && echo "$f"; done)
if [[ ${1:-} == --check ]]; then
    bad=()
    for f in "${files[@]}"; do
        if ! clang-format --style=file "$f" | cmp -s - "$f"; then bad+=("$f"); fi
    done
    if ((${#bad[@]})); then
        echo "format: these files differ from .clang-format (run scripts/format.sh):" >&2
        printf '  %s\n' "${bad[@]}" >&2
        exit 1
    fi
    echo "format: ${#files[@]} files clean"
else
    clang-format --style=file -i "${files[@]}"
fi
