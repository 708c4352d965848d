#!/usr/bin/env bash
# scripts/stack up must exit non-zero and show the failing server's log when a server cannot start.
# Starts Redis on a port that the running stack's MariaDB already holds, in a throw-away STACK_DIR.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dir=$(mktemp -d)
trap 'STACK_DIR=$dir "$ROOT/scripts/stack" down >/dev/null 2>&1; rm -rf "$dir"' EXIT

db_port=$(cd "$ROOT" && ./build/bulkmsg config 2>/dev/null | sed -n 's/^DB_PORT=//p')
[ -n "$db_port" ] || db_port=13306
output=$(STACK_DIR=$dir REDIS_PORT=$db_port "$ROOT/scripts/stack" up 2>&1)
rc=$?
echo "$output"
[ $rc -ne 0 ] || { echo "FAIL: stack up exited 0"; exit 1; }
grep -q "Redis failed to start" <<<"$output" || { echo "FAIL: no failure line"; exit 1; }
grep -qi "address already in use" <<<"$output" || { echo "FAIL: log tail not shown"; exit 1; }
echo "PASS"
