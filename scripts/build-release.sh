#!/usr/bin/env bash
# Builds policy-gate as it ships: release mode with the Swift runtime and Foundation linked in, as the
# Dockerfile does. Linking them in halves the process start (fewer shared objects to load and
# relocate), which is most of a short stage's time. Needs libcurl's development link
# (Debian: libcurl4-openssl-dev), as Foundation's URLSession is linked in too.
# Also builds policy-gate-hook, the live hook's client, which the runner installs when it finds it next
# to the gate. Prints the gate's path.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
swift build --package-path "$root" -c release --product policy-gate --static-swift-stdlib >&2
swift build --package-path "$root" -c release --product policy-gate-hook --static-swift-stdlib >&2
echo "$(swift build --package-path "$root" -c release --show-bin-path)/policy-gate"
