#!/usr/bin/env bash
# The contract test (CTest): maps Chinook and edge rows, writes every request body shape the
# connector sends, and validates them with ajv against Klaviyo's OpenAPI schemas; then checks
# that deliberately broken payloads are refused, so the validator itself is known to bite.
#   run_contract.sh <payload-generator> <node> <work-dir>
set -euo pipefail
generator=$1 node=$2 work=$3
here=$(cd "$(dirname "$0")" && pwd)
schemas=${CONNECTOR_SHARED_DIR:?CONNECTOR_SHARED_DIR is not set}/data/klaviyo-openapi/2026-07-15
if [[ ! -d $here/node_modules/ajv ]]; then
    echo "contract: $here/node_modules is missing; run scripts/setup.sh (npm ci --prefix tests/contract)" >&2
    exit 1
fi
rm -rf "$work" && mkdir -p "$work"
"$generator" "$work"
"$node" "$here/validate.mjs" "$schemas" "$work" \
    --require create_or_update_profile,bulk_import_profiles,create_event,bulk_create_events
"$node" "$here/validate.mjs" "$schemas" "$here/broken" --expect-invalid \
    --require create_or_update_profile,bulk_import_profiles,create_event,bulk_create_events
