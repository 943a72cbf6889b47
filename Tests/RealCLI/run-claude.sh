#!/usr/bin/env bash
# Runs a command (by default the pinned claude CLI) against the scripted Messages API of
# fake_messages_api.py, with a throw-away HOME and TMPDIR, inside a network namespace that has only
# loopback when one can be made (root with unshare), so nothing the agent runs can reach the network.
#
#   run-claude.sh --script TURNS.json --state DIR [--work DIR] [--env K=V]... [--timeout S] -- claude ARGS...
#
# A first word `claude` after `--` is the pinned binary ($POLICY_GATE_CLAUDE, else
# .cache/claude/2.1.332/claude from scripts/fetch-claude.sh); any other command runs as given, with
# $POLICY_GATE_CLAUDE set to the binary (e.g. `policy-gate run -- "$POLICY_GATE_CLAUDE" -p …`).
# DIR gets home/, tmp/, requests.jsonl (every request the CLI sent) and isolation (netns or none).
# The environment is rebuilt from scratch: PATH, HOME, TMPDIR, the fake API's address and key, and --env.
# stdin, stdout and stderr are the command's; the exit status is the command's (124 on timeout).
set -euo pipefail
# A parent may hand down blocked or ignored signals (Foundation's Process on Linux passes on the
# spawning thread's mask); claude then never sees its children exit and hangs. Start from a clean state.
if [[ -z ${RUN_CLAUDE_SIGNALS_RESET:-} ]]; then
    RUN_CLAUDE_SIGNALS_RESET=1 exec python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_SETMASK, [])
for number in (signal.SIGQUIT, signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGCHLD):
    signal.signal(number, signal.SIG_DFL)
os.execv(sys.argv[1], sys.argv[1:])' "$0" "$@"
fi
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

script="" state="" work=$PWD timeout=120 options=() extra=()
while (($#)); do
    case $1 in
        --script) script=$2; options+=("$1" "$2"); shift 2 ;;
        --state) state=$2; shift 2 ;;
        --work) work=$2; options+=("$1" "$2"); shift 2 ;;
        --env) extra+=("$2"); options+=("$1" "$2"); shift 2 ;;
        --timeout) timeout=$2; options+=("$1" "$2"); shift 2 ;;
        --) shift; break ;;
        *) echo "run-claude.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [[ -z $script || -z $state || $# -eq 0 ]]; then
    echo "usage: run-claude.sh --script TURNS.json --state DIR [--work DIR] [--env K=V]... -- COMMAND..." >&2
    exit 2
fi
claude=${POLICY_GATE_CLAUDE:-$root/.cache/claude/2.1.332/claude}
if [[ ! -x $claude ]]; then
    echo "run-claude.sh: no claude binary at $claude (run scripts/fetch-claude.sh)" >&2
    exit 2
fi
mkdir -p "$state/home" "$state/tmp"
state=$(cd "$state" && pwd)
script=$(cd "$(dirname "$script")" && pwd)/$(basename "$script")

# Re-enter this script inside a fresh network namespace when the system allows one.
if [[ -z ${RUN_CLAUDE_INSIDE:-} ]]; then
    if unshare -n true 2>/dev/null; then
        echo netns > "$state/isolation"
        RUN_CLAUDE_INSIDE=1 POLICY_GATE_CLAUDE=$claude exec unshare -n "$0" "${options[@]}" --state "$state" -- "$@"
    fi
    echo none > "$state/isolation"
else
    ip link set lo up
fi
[[ $1 == claude ]] && set -- "$claude" "${@:2}"

rm -f "$state/port" "$state/requests.jsonl"
python3 "$here/fake_messages_api.py" "$script" "$state/requests.jsonl" "$state/port" </dev/null >/dev/null 2>"$state/server.log" &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
trap 'exit 143' TERM
for _ in $(seq 100); do
    [[ -s $state/port ]] && break
    kill -0 $server 2>/dev/null || { echo "run-claude.sh: the fake API did not start" >&2; exit 2; }
    sleep 0.05
done
[[ -s $state/port ]] || { echo "run-claude.sh: the fake API did not start" >&2; exit 2; }

environment=(
    PATH=/usr/local/bin:/usr/bin:/bin HOME="$state/home" TMPDIR="$state/tmp" LANG=C.UTF-8
    ANTHROPIC_BASE_URL="http://127.0.0.1:$(cat "$state/port")" ANTHROPIC_API_KEY=sk-ant-test-dummy
    POLICY_GATE_CLAUDE="$claude" DISABLE_AUTOUPDATER=1 DISABLE_TELEMETRY=1 DISABLE_ERROR_REPORTING=1
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
)
status=0
cd "$work"
env -i "${environment[@]}" ${extra[@]+"${extra[@]}"} timeout -k 5 "$timeout" "$@" || status=$?
exit $status
