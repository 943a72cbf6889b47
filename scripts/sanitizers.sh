#!/usr/bin/env bash
# Runs the test suite with a sanitizer, in its own build folder (.build-address, .build-thread).
#
#   scripts/sanitizers.sh [address|thread|all] [swift test options...]
#
# The policy-gate binary that the CLI tests start is built with the same sanitizer. Leak detection is
# off unless ASAN_OPTIONS says otherwise: the Swift runtime and Foundation keep allocations until exit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-address}
[ $# -gt 0 ] && shift

run() {
    local sanitizer=$1; shift
    echo "== swift test --sanitize=$sanitizer" >&2
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1} \
        swift test --package-path "$root" --scratch-path "$root/.build-$sanitizer" --sanitize="$sanitizer" "$@"
}

case "$kind" in
    address|thread) run "$kind" "$@" ;;
    all) run address "$@"; run thread "$@" ;;
    *) echo "usage: scripts/sanitizers.sh [address|thread|all] [swift test options...]" >&2; exit 64 ;;
esac
