#!/usr/bin/env bash
# Puts the pinned Claude Code CLI at .cache/claude/<version>/claude (git-ignored), for the tests that drive
# the real CLI. The binary ships inside the claude-agent-sdk wheel on PyPI. Idempotent: a binary already in
# place with the pinned SHA-256 is kept; anything else is fetched again and checked before it is used.
set -euo pipefail
cd "$(dirname "$0")/.."

SDK_VERSION=0.2.189
CLAUDE_VERSION=2.1.332
CLAUDE_SHA256=a2df1f41bb00250992926420d0063f89b127cb81abdd284dbefb80c50ff1d026

folder=.cache/claude/$CLAUDE_VERSION
binary=$folder/claude

digest() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -x $binary && $(digest "$binary") == "$CLAUDE_SHA256" ]]; then
    echo "$binary"
    exit 0
fi

mkdir -p "$folder"
download=$(mktemp -d)
trap 'rm -rf "$download"' EXIT
python3 -m pip download -q --no-deps --only-binary=:all: --platform manylinux_2_17_x86_64 \
    "claude-agent-sdk==$SDK_VERSION" -d "$download" >&2
wheel=$(ls "$download"/claude_agent_sdk-"$SDK_VERSION"-*.whl)
# Unpacked with python's zipfile: unzip is not on every CI image.
python3 - "$wheel" "$download/claude" <<'PY'
import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as wheel, wheel.open("claude_agent_sdk/_bundled/claude") as src, \
        open(sys.argv[2], "wb") as dst:
    shutil.copyfileobj(src, dst)
PY
actual=$(digest "$download/claude")
if [[ $actual != "$CLAUDE_SHA256" ]]; then
    echo "fetch-claude.sh: the claude binary in claude-agent-sdk $SDK_VERSION has SHA-256 $actual, expected $CLAUDE_SHA256" >&2
    exit 1
fi
chmod 755 "$download/claude"
mv "$download/claude" "$binary"
echo "$binary"
