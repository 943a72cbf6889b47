#!/usr/bin/env bash
# Audit speed and memory: policy-gate audit over N merged merge requests (3 projects, one group)
# served by bench/audit/fake_gitlab.py on loopback. Prints merge requests per second and the
# binary's peak resident memory (GNU time).
#
#   bench/audit/run.sh [COUNT] [CONCURRENCY]      (defaults 20000 and 4)
#
# POLICY_GATE: the binary (default <repo>/.build/release/policy-gate, built when missing).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
COUNT=${1:-20000}
CONCURRENCY=${2:-4}
PORT=${PORT:-8765}
BIN=${POLICY_GATE:-$ROOT/.build/release/policy-gate}
[ -x "$BIN" ] || "$ROOT/scripts/build-release.sh" >/dev/null
OUT=$(mktemp -d)
TOKEN="bench-$(date +%s)"
python3 "$HERE/fake_gitlab.py" --port "$PORT" --count "$COUNT" --token "$TOKEN" > "$OUT/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; rm -rf "$OUT"' EXIT
for _ in $(seq 50); do grep -q serving "$OUT/server.log" 2>/dev/null && break; sleep 0.2; done
set +e
POLICY_GATE_GITLAB_TOKEN=$TOKEN /usr/bin/time -v "$BIN" audit --gitlab-url "http://127.0.0.1:$PORT/api/v4" --group acme \
  --since 2026-01-01 --concurrency "$CONCURRENCY" --report "json=$OUT/audit.json" > "$OUT/console.txt" 2> "$OUT/time.txt"
STATUS=$?
set -e
tail -3 "$OUT/console.txt"
echo "exit $STATUS (1 expected: every 10th merge request has no gate job)"
grep -E "Maximum resident set size|Elapsed \(wall clock\)" "$OUT/time.txt"
