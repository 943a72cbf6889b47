#!/usr/bin/env bash
# Speed benchmark: policy-gate against gitleaks 8.30.1 and Kingfisher 2.14.0 on the same diffs.
#
#   bench/run.sh [--sizes 20,200] [--commits 4] [--repeat 3] [--warmup 1] [--seed 1] [--big]
#                [--big-mb 1024] [--no-policy-gate] [--rebuild] [--timeout SECONDS]
#
# --commits gives the number of commits the added text is spread over, one value for every size or
# one per size (`--sizes 20,200 --commits 4,40`); a size with other than 4 commits is labelled
# SIZExCOMMITS (`200x40`). For every size: generate the corpus (bench/gen_corpus.py; reused when
# unchanged), then run
# the tools alternately (A B A B ...) on
#   same-rules  policy-gate --gitleaks-config TOML  vs  gitleaks -c TOML  (and Kingfisher
#               loading the same TOML with its built-ins off, for reference)
#   defaults    each tool's own default rules
# plus, once, the empty diff BASE..BASE with default rules (start-up cost), and with --big a
# ~1 GiB diff for policy-gate alone (peak memory). Results: bench/out/results.{json,md}, every
# single run in bench/out/runs.jsonl, reports and logs under bench/out/{reports,logs}.
#
# Environment: POLICY_GATE (binary; default <repo>/.build/release/policy-gate, built with
# `scripts/build-release.sh` when missing), GITLEAKS_TOML (default <repo>/../shared/bench/
# gitleaks-8.30.1.toml), BENCH_OUT (default bench/out), GITLEAKS_BIN / KINGFISHER_BIN.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(git -C "$BENCH_DIR" rev-parse --show-toplevel 2>/dev/null || dirname "$BENCH_DIR")
OUT=${BENCH_OUT:-$BENCH_DIR/out}
SIZES=20,200
COMMITS=4
REPEAT=3
WARMUP=1
SEED=1
BIG=0
BIG_MB=1024
BIG_REPEAT=1
USE_PG=1
REBUILD=0
TIMEOUT=3600

usage() { sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) SIZES=$2; shift 2 ;;
    --commits) COMMITS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --seed) SEED=$2; shift 2 ;;
    --big) BIG=1; shift ;;
    --big-mb) BIG_MB=$2; BIG=1; shift 2 ;;
    --big-repeat) BIG_REPEAT=$2; shift 2 ;;
    --no-policy-gate) USE_PG=0; shift ;;
    --rebuild) REBUILD=1; shift ;;
    --timeout) TIMEOUT=$2; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; usage >&2; exit 64 ;;
  esac
done

GITLEAKS_TOML=${GITLEAKS_TOML:-$ROOT/../shared/bench/gitleaks-8.30.1.toml}
if [ ! -f "$GITLEAKS_TOML" ]; then
  echo "run.sh: gitleaks rules not found at $GITLEAKS_TOML (set GITLEAKS_TOML)" >&2
  exit 2
fi
GITLEAKS_TOML=$(cd "$(dirname "$GITLEAKS_TOML")" && pwd)/$(basename "$GITLEAKS_TOML")

say() { printf '[bench] %s\n' "$*" >&2; }

# --- tools -----------------------------------------------------------------------------------
eval "$(python3 "$BENCH_DIR/tools.py" peers --shell)"
say "gitleaks $GITLEAKS_VERSION_STRING: $GITLEAKS"
say "$KINGFISHER_VERSION_STRING: $KINGFISHER"
KF_CACHE=${BENCH_CACHE:-$BENCH_DIR/.cache}/kingfisher-rules
say "warming Kingfisher's rule cache ($KF_CACHE)"
python3 "$BENCH_DIR/tools.py" warm-kingfisher
python3 "$BENCH_DIR/tools.py" warm-kingfisher --rules-path "$GITLEAKS_TOML"

PG_BIN=""
if [ "$USE_PG" = 1 ]; then
  pg_args=()
  [ "$REBUILD" = 1 ] && pg_args+=(--rebuild)
  if PG_BIN=$(python3 "$BENCH_DIR/tools.py" policy-gate "${pg_args[@]}"); then
    say "policy-gate: $PG_BIN"
  else
    say "policy-gate is not available: measuring the peers only"
    PG_BIN=""
  fi
fi

mkdir -p "$OUT/reports" "$OUT/logs" "$OUT/corpus"
RUNS=$OUT/runs.jsonl
[ -f "$RUNS" ] && mv "$RUNS" "$OUT/runs.previous.jsonl"
: > "$RUNS"

# --- one measured invocation -------------------------------------------------------------------
# run_tool TOOL CASE SIZE ITER REPO BASE HEAD
run_tool() {
  local tool=$1 case=$2 size=$3 iter=$4 repo=$5 base=$6 head=$7
  local report="$OUT/reports/${tool}.${case}.${size}.${iter}.json" parser ok cmd=()
  case "$tool" in
    policy-gate)
      parser=policy-gate; ok=0,1
      cmd=("$PG_BIN" scan --repo "$repo" --base "$base" --head "$head")
      [ "$case" = same-rules ] && cmd+=(--gitleaks-config "$GITLEAKS_TOML")
      cmd+=(--format json --output "$report") ;;
    gitleaks)
      parser=gitleaks; ok=0
      cmd=("$GITLEAKS" git "--log-opts=$base..$head")
      [ "$case" = same-rules ] && cmd+=(-c "$GITLEAKS_TOML")
      cmd+=(-f json -r "$report" --no-banner --no-color --exit-code 0 "$repo") ;;
    kingfisher|kingfisher+gitleaks-rules)
      parser=kingfisher; ok=0,200
      # net tree diff BASE..HEAD: Kingfisher scans the changed files' blobs at HEAD
      cmd=("$KINGFISHER" scan "$repo" --since-commit "$base" --branch "$head" --git-history none
           --no-validate --no-update-check --rule-cache-dir "$KF_CACHE")
      [ "$tool" = kingfisher+gitleaks-rules ] && cmd+=(--load-builtins false --rules-path "$GITLEAKS_TOML")
      cmd+=(-f json -o "$report") ;;
    *) echo "run.sh: unknown tool $tool" >&2; return 1 ;;
  esac
  python3 "$BENCH_DIR/measure.py" run --tool "$tool" --case "$case" --size "$size" --iter "$iter" \
    --parser "$parser" --report "$report" --ok-codes "$ok" --append "$RUNS" --logs "$OUT/logs" \
    --timeout "$TIMEOUT" -- "${cmd[@]}" || true
}

# run_case CASE SIZE REPEAT REPO BASE HEAD TOOL... : the tools alternate inside one loop
run_case() {
  local case=$1 size=$2 repeat=$3 repo=$4 base=$5 head=$6
  shift 6
  local tools=() t i
  for t in "$@"; do
    if [ "$t" = policy-gate ] && [ -z "$PG_BIN" ]; then continue; fi
    tools+=("$t")
  done
  [ ${#tools[@]} -eq 0 ] && return 0
  say "case $case, $size MiB: ${tools[*]} (warm-up $WARMUP, repeat $repeat)"
  for ((i = 1 - WARMUP; i <= repeat; i++)); do
    for t in "${tools[@]}"; do
      run_tool "$t" "$case" "$size" "$(( i < 1 ? 0 : i ))" "$repo" "$base" "$head"
    done
  done
}

corpus() {  # corpus MB [COMMITS] -> prints "REPO BASE HEAD"
  local mb=$1 commits=${2:-4} dir="$OUT/corpus/${1}mb-seed$SEED" meta
  [ "$commits" = 4 ] || dir="$dir-${commits}commits"
  meta=$(python3 "$BENCH_DIR/gen_corpus.py" --out "$dir" --mb "$mb" --seed "$SEED" --commits "$commits")
  python3 - "$meta" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
print(m["repo"], m["base"], m["head"])
PY
}

# --- the cases ---------------------------------------------------------------------------------
IFS=, read -r -a SIZE_LIST <<< "$SIZES"
IFS=, read -r -a COMMIT_LIST <<< "$COMMITS"
first=1
for index in "${!SIZE_LIST[@]}"; do
  mb=${SIZE_LIST[$index]}
  commits=${COMMIT_LIST[$index]:-${COMMIT_LIST[0]}}
  size=$mb
  [ "$commits" = 4 ] || size="${mb}x$commits"
  say "corpus: $mb MiB in $commits commits (seed $SEED)"
  read -r repo base head < <(corpus "$mb" "$commits") || true
  [ -n "${head:-}" ] || { echo "run.sh: corpus generation failed for $mb MiB" >&2; exit 2; }
  if [ "$first" = 1 ]; then
    run_case empty 0 "$REPEAT" "$repo" "$base" "$base" policy-gate gitleaks kingfisher
    first=0
  fi
  run_case same-rules "$size" "$REPEAT" "$repo" "$base" "$head" policy-gate gitleaks kingfisher+gitleaks-rules
  run_case defaults "$size" "$REPEAT" "$repo" "$base" "$head" policy-gate gitleaks kingfisher
done

if [ "$BIG" = 1 ]; then
  if [ -n "$PG_BIN" ]; then
    say "corpus: $BIG_MB MiB for the memory case (takes a while)"
    read -r repo base head < <(corpus "$BIG_MB") || true
    [ -n "${head:-}" ] || { echo "run.sh: corpus generation failed for $BIG_MB MiB" >&2; exit 2; }
    WARMUP=0 run_case big "$BIG_MB" "$BIG_REPEAT" "$repo" "$base" "$head" policy-gate
  else
    say "--big skipped: policy-gate is not available"
  fi
fi

# --- summary -----------------------------------------------------------------------------------
python3 - "$OUT/run-meta.json" "$GITLEAKS_TOML" "$GITLEAKS_VERSION_STRING" "$KINGFISHER_VERSION_STRING" \
  "${PG_BIN:-}" "$SIZES" "$REPEAT" "$WARMUP" "$SEED" <<'PY'
import hashlib, json, os, platform, subprocess, sys, time
out, toml, glv, kfv, pg, sizes, repeat, warmup, seed = sys.argv[1:]
cpu = ""
try:
    cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
except (OSError, StopIteration):
    pass
mem = ""
try:
    mem = f"{int(open('/proc/meminfo').readline().split()[1]) // 1024 // 1024} GiB"
except (OSError, ValueError, IndexError):
    pass
pgv = ""
if pg:
    try:
        pgv = subprocess.run([pg, "--version"], capture_output=True, text=True, timeout=30).stdout.strip()
        pgv = pgv.removeprefix("policy-gate ")
    except (OSError, subprocess.TimeoutExpired):
        pass
meta = {
    "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    "machine": {"cores": os.cpu_count(), "cpu": cpu, "memory": mem, "kernel": platform.release()},
    "versions": {"gitleaks": glv, "kingfisher": kfv, "policy-gate": pgv or ("n/a" if not pg else "?")},
    "gitleaks_toml": {"path": toml, "sha256": hashlib.sha256(open(toml, "rb").read()).hexdigest()},
    "sizes_mib": sizes, "repeat": int(repeat), "warmup": int(warmup), "seed": int(seed),
}
json.dump(meta, open(out, "w"), indent=2)
PY
python3 "$BENCH_DIR/measure.py" summarize "$RUNS" --meta "$OUT/run-meta.json" \
  --json "$OUT/results.json" --md "$OUT/results.md"
say "results: $OUT/results.md, $OUT/results.json (all runs: $RUNS)"
