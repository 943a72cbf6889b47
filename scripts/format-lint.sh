#!/usr/bin/env bash
# `swift format lint` with .swift-format over the Swift sources, run by .ci/run.
#
# The rule checks (documentation comments, shorthand types, no block comments, no parentheses around
# conditions, ...) must pass. The layout checks are reported by the same tool but not enforced: the code
# aligns wrapped arguments under the opening parenthesis, which swift-format's printer does not produce,
# and reformatting every file at once would collide with all work in flight. Format a file you create with
# `swift format --in-place FILE`; .swift-format's rules switched off are the ones the existing code breaks
# (several enum cases per line, `case let (a?, b?)`, import order), kept as the house style.
set -euo pipefail
cd "$(dirname "$0")/.."
layout='\[(Indentation|AddLines|RemoveLine|Spacing|LineLength|TrailingWhitespace|TrailingComma|EndOfLineComment)\]'
files=$(git ls-files '*.swift' | grep -v '^Sources/PolicyEngine/Defaults/EmbeddedDefaults.swift$')
# shellcheck disable=SC2086
report=$(swift format lint --configuration .swift-format $files 2>&1 || true)
rules=$(printf '%s\n' "$report" | grep -E 'warning: |error: ' | grep -Ev "$layout" | sort -u || true)
layout_count=$(printf '%s\n' "$report" | grep -Ec "$layout" || true)
if [ -n "$rules" ]; then
  printf '%s\n' "$rules" >&2
  echo "format-lint: $(printf '%s\n' "$rules" | wc -l) rule finding(s)" >&2
  exit 1
fi
echo "format-lint: no rule findings ($layout_count layout notes not enforced, see the header of this script)"
