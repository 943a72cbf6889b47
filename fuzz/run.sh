#!/usr/bin/env bash
# Fuzzes one of the gate's input readers with libFuzzer.
#
#   fuzz/run.sh TARGET SECONDS [LIBFUZZER-OPTION...]
#   TARGET: diff | transcript | shell | settings | policy | gitleaks | ci | all (each for SECONDS)
#
# Builds fuzz/ (a separate package that depends on PolicyEngine) with -sanitize=fuzzer,address, seeds
# fuzz/corpus/TARGET from the test fixtures on first use, and runs the target. Crashes, leaks and
# timeouts are written to fuzz/artifacts/; replay one with `fuzz/.build/debug/FuzzCIJob fuzz/artifacts/FILE`.
# Not part of the normal build or of `swift test`.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
target=${1:?usage: fuzz/run.sh TARGET SECONDS}
seconds=${2:?usage: fuzz/run.sh TARGET SECONDS}
shift 2

product_for() {
    case "$1" in
        diff) echo FuzzDiff ;; transcript) echo FuzzTranscript ;; shell) echo FuzzShell ;;
        settings) echo FuzzSettings ;; policy) echo FuzzPolicy ;; gitleaks) echo FuzzGitleaks ;; ci) echo FuzzCIJob ;;
        *) echo "unknown target '$1' (diff, transcript, shell, settings, policy, gitleaks, ci, all)" >&2; exit 64 ;;
    esac
}

if [ "$target" = all ]; then
    for each in diff transcript shell settings policy gitleaks ci; do "$0" "$each" "$seconds" "$@"; done
    exit 0
fi
product=$(product_for "$target")

# The sanitizer flags apply to PolicyEngine and its dependencies too. The linker's "cannot export local
# symbol" warnings from the ASan runtime are noise; the log is kept in fuzz/.build/build.log.
mkdir -p "$here/.build"
# SwiftPM keeps the build plan of a path dependency across builds and misses files added to it since;
# dropping the cached plan makes it list PolicyEngine's sources again (compilation stays incremental).
rm -f "$here/.build/debug.yaml" "$here"/.build/*/debug/description.json
if ! swift build --package-path "$here" -c debug -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library \
    --product "$product" > "$here/.build/build.log" 2>&1; then
    grep -v "Cannot export local symbol" "$here/.build/build.log" | tail -40 >&2
    exit 1
fi
binary="$here/.build/debug/$product"

bad="$root/Tests/PolicyGateTests/Fixtures/bad"
seed() {
    local corpus="$1"; shift
    local file
    for file in "$@"; do
        [ -f "$file" ] && cp "$file" "$corpus/seed-$(basename "$(dirname "$file")")-$(basename "$file")"
    done
    return 0
}

corpus="$here/corpus/$target"
if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus")" ]; then
    mkdir -p "$corpus"
    case "$target" in
        diff)
            seed "$corpus" "$bad"/diff/*
            git -C "$root" log -p -5 --format= -- Sources | head -c 60000 > "$corpus/seed-git-log.diff" || true ;;
        transcript) seed "$corpus" "$bad"/transcript/* "$root"/Tests/PolicyEngineTests/Fixtures/*.jsonl ;;
        shell) seed "$corpus" "$bad"/claude-args/* ;;
        settings) seed "$corpus" "$bad"/settings/* "$bad"/mcp/* ;;
        policy) seed "$corpus" "$bad"/policy/* "$root/rules/policy.yml" ;;
        gitleaks) seed "$corpus" "$bad"/rules/* "$root/rules/secrets.toml" ;;
        ci) seed "$corpus" "$bad"/ci/* ;;
    esac
    # Files over the input size limit would make libFuzzer drop them; keep the seeds small.
    find "$corpus" -type f -size +200k -delete
fi

mkdir -p "$here/artifacts"
# detect_leaks=0: the targets keep a few process-wide caches (compiled patterns) on purpose.
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} \
"$binary" "$corpus" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=3072 -max_len=65536 \
    -print_final_stats=1 -artifact_prefix="$here/artifacts/$target-" "$@"
