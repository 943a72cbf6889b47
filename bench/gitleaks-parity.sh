#!/usr/bin/env bash
# Parity with gitleaks' full default configuration, which lives outside the repository (the tests use
# a rule file written for them, Tests/PolicyEngineTests/Fixtures/gitleaks-format/).
#
#   bench/gitleaks-parity.sh            # GITLEAKS_TOML defaults to <repo>/../shared/bench/gitleaks-8.30.1.toml
#
# 1. The TOML reader against Python's tomllib on that file: the facts scripts/make_gitleaks_fixture.py
#    derives from it, checked by the same test that checks the fixture (TOMLGitleaksTests).
# 2. The rule loader and scanner: `policy-gate scan --gitleaks-config` loads all of its rules and reports
#    a generic assignment built here (exit 1 with a generic-api-key finding).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GITLEAKS_TOML=${GITLEAKS_TOML:-$ROOT/../shared/bench/gitleaks-8.30.1.toml}
[ -f "$GITLEAKS_TOML" ] || { echo "gitleaks-parity.sh: no gitleaks rules at $GITLEAKS_TOML (set GITLEAKS_TOML)" >&2; exit 2; }
OUT=${BENCH_OUT:-$ROOT/bench/out}/gitleaks-parity
mkdir -p "$OUT"

python3 "$ROOT/scripts/make_gitleaks_fixture.py" "$GITLEAKS_TOML" >"$OUT/expected.json"
echo "[parity] tomllib: $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["ruleCount"])' "$OUT/expected.json") rules"
GITLEAKS_FORMAT_TOML=$GITLEAKS_TOML GITLEAKS_FORMAT_EXPECTED=$OUT/expected.json \
  swift test --package-path "$ROOT" --filter TOMLGitleaksTests

PG=${POLICY_GATE:-$ROOT/.build/debug/policy-gate}
[ -x "$PG" ] || swift build --package-path "$ROOT" --product policy-gate
# A high-entropy value assembled at run time, so no token-shaped text is stored in the repository.
value=$(python3 -c 'import random; r=random.Random(7); print("".join(r.choice("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(32)))')
printf 'diff --git a/app.env b/app.env\nnew file mode 100644\n--- /dev/null\n+++ b/app.env\n@@ -0,0 +1 @@\n+service_api_key = "%s"\n' \
  "$value" >"$OUT/sample.diff"
status=0
"$PG" scan --gitleaks-config "$GITLEAKS_TOML" --diff "$OUT/sample.diff" --format json --output "$OUT/report.json" || status=$?
[ "$status" = 1 ] || { echo "[parity] FAIL: scan exited $status, expected 1" >&2; exit 1; }
grep -q '"generic-api-key"' "$OUT/report.json" || { echo "[parity] FAIL: no generic-api-key finding" >&2; exit 1; }
echo "[parity] scan with gitleaks' rules: exit 1, generic-api-key found"
