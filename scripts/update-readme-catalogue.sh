#!/usr/bin/env bash
# Replaces the rule catalogue in README.md, between <!-- rule-catalogue:start --> and
# <!-- rule-catalogue:end -->, with the output of `policy-gate explain`. A test fails when they differ.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
readme="$root/README.md"
for marker in '<!-- rule-catalogue:start -->' '<!-- rule-catalogue:end -->'; do
  if [ "$(grep -cxF -- "$marker" "$readme")" != 1 ]; then
    echo "update-readme-catalogue: README.md must contain the line '$marker' exactly once" >&2; exit 1
  fi
done
swift build --package-path "$root" --product policy-gate >/dev/null
gate="$(swift build --package-path "$root" --show-bin-path)/policy-gate"
catalogue=$(mktemp)
updated=$(mktemp)
trap 'rm -f "$catalogue" "$updated"' EXIT
"$gate" explain > "$catalogue"
awk -v catalogue="$catalogue" '
  $0 == "<!-- rule-catalogue:start -->" { print; while ((getline line < catalogue) > 0) print line; skipping = 1; next }
  $0 == "<!-- rule-catalogue:end -->" { skipping = 0 }
  !skipping { print }
' "$readme" > "$updated"
cat "$updated" > "$readme"
