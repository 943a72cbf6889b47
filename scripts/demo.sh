#!/usr/bin/env bash
# Installs what policy-gate needs, builds it, and runs the secret scan on a sample change made in a
# throw-away git repository: an agent's commit that adds a GitLab token and an Anthropic key.
# The gate exits 1 (blocked) and prints each finding redacted.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! pkg-config --exists libgit2 libpcre2-8 2>/dev/null; then
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq pkg-config libgit2-dev libpcre2-dev libdeflate-dev git >/dev/null
fi
swift build --package-path "$root" -c debug 2>&1 | tail -n 1
gate="$root/.build/debug/policy-gate"

sample=$(mktemp -d)
trap 'rm -rf "$sample"' EXIT
git -C "$sample" init -q -b main
git -C "$sample" -c user.name=demo -c user.email=demo@example.com commit -q --allow-empty -m base
mkdir -p "$sample/app"
# The sample secrets are assembled here so that this repository holds no literal token.
token="glpat-$(printf 'Zq8wLm3rXy7tKp2vBn4c')"
key="sk-ant-api03-$(printf 'Vb7xQ2mK9pLw4rT8yN3hJ6fD1sA5gZ0cE2uI7oP4kM9nB3vX6qW8tY1rL5jH2fG7dS4aZ0xC9vB6nM3kJ8hG5fD2sA7qW')AA"
printf 'import os\n\nGITLAB_TOKEN = "%s"\nDB_PASSWORD = os.environ["DB_PASSWORD"]\n' "$token" > "$sample/app/settings.py"
printf 'export const client = new Anthropic({ apiKey: "%s" });\n' "$key" > "$sample/app/llm.ts"
git -C "$sample" add -A
git -C "$sample" -c user.name=agent -c user.email=agent@example.com commit -q -m "agent: wire up clients"

echo "\$ policy-gate scan --base HEAD~1 --head HEAD   (built-in rules, no configuration)"
set +e
"$gate" scan --repo "$sample" --base HEAD~1 --head HEAD
status=$?
set -e
echo "exit code: $status (0 pass, 1 blocked, 2 could not decide)"
