#!/usr/bin/env bash
# Times `policy-gate post` on transcripts holding one 2 MB Bash command of several shapes, to show
# the shell analysis (parser, audit, permission matching) stays linear in the command's length.
#
#   bench/shell-analysis.sh [SIZE_BYTES]      (default 2097152)
#
# Uses $POLICY_GATE, else .build/release/policy-gate (built with `scripts/build-release.sh` if absent).
# Prints one line per shape: shape, bytes, wall and CPU (user + system) seconds, exit code. CPU time is
# the figure to read on a busy machine. Set KEEP=1 to keep the transcripts (the folder is printed).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
size=${1:-2097152}
gate=${POLICY_GATE:-$root/.build/release/policy-gate}
if [ ! -x "$gate" ]; then
    "$root/scripts/build-release.sh" >/dev/null 2>&1
fi
work=$(mktemp -d)
if [ "${KEEP:-0}" = 1 ]; then echo "transcripts kept in $work"; else trap 'rm -rf "$work"' EXIT; fi
repo="$work/repo"
git init -q "$repo"
git -C "$repo" -c user.name=b -c user.email=b@example.invalid commit -q --allow-empty -m base
base=$(git -C "$repo" rev-parse HEAD)

python3 - "$size" "$work" "$repo" <<'PY'
import json, sys
size, work, repo = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def fill(unit, prefix="", suffix=""):
    count = max(1, (size - len(prefix) - len(suffix)) // len(unit))
    return prefix + unit * count + suffix
shapes = {
    "one-long-word": fill("a", "echo "),
    "many-commands": fill("true; "),
    "long-double-quoted": fill("a b ", 'echo "', '"'),
    "long-pipeline": fill("cat | ", "", "cat"),
    "pipeline-into-shells": fill("sh | ", "base64 -d | ", "sh"),
    "many-assignments": fill("A=x; echo $A; "),
    "many-path-words": fill("src/app.py ", "cat "),
    "many-substitutions": fill("$(true) ", "echo "),
    "heredoc-body": fill("line of text\n", "cat <<EOF\n", "EOF\n"),
    "unterminated-quotes": fill("'a' \"", "echo "),
    "and-or-chain": fill("true && false || ", "", "true"),
}
for name, command in shapes.items():
    lines = [
        {"type": "system", "subtype": "init", "cwd": repo, "session_id": "s", "tools": ["Bash"], "mcp_servers": [],
         "model": "m", "permissionMode": "acceptEdits", "claude_code_version": "2.1.240"},
        {"type": "assistant", "session_id": "s", "message": {"role": "assistant", "content": [
            {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": command}}]}},
        {"type": "user", "session_id": "s", "message": {"role": "user", "content": [
            {"type": "tool_result", "tool_use_id": "t1", "content": "ok", "is_error": False}]}},
        {"type": "result", "subtype": "success", "is_error": False, "num_turns": 1, "result": "done", "session_id": "s",
         "permission_denials": []},
    ]
    with open(f"{work}/{name}.jsonl", "w") as out:
        out.write("\n".join(json.dumps(line) for line in lines) + "\n")
PY

printf '%-22s %10s %8s %8s %5s\n' shape bytes wall cpu exit
TIMEFORMAT='%R %U %S'
for transcript in "$work"/*.jsonl; do
    name=$(basename "$transcript" .jsonl)
    status=0
    seconds=$( { time "$gate" post --repo "$repo" --base "$base" --state "$work/none.json" --transcript "$transcript" \
        >/dev/null 2>"$work/stderr" || echo "exit $?" > "$work/status"; } 2>&1 )
    if [ -f "$work/status" ]; then status=$(cut -d' ' -f2 < "$work/status"); rm -f "$work/status"; fi
    read -r wall user system <<< "$seconds"
    cpu=$(python3 -c "print(f'{$user + $system:.3f}')")
    printf '%-22s %10s %8s %8s %5s\n' "$name" "$(wc -c < "$transcript")" "$wall" "$cpu" "$status"
done
