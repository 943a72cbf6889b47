#!/usr/bin/env python3
"""What the agent runner adds to an agent's run, on a checkout of many files.

Builds a repository of N files (10 000 by default, packed as a fetch leaves it), then times, alternating, a stand-in agent run
bare and the same agent under `policy-gate run` (pre, the checkout given to the agent's user and
back, the .git snapshots, the private commit of the working tree, post). Reports medians and the
difference. Needs root (the runner isolates the agent only then).

    POLICY_GATE=.build/release/policy-gate python3 bench/runner_overhead.py --files 10000 --repeat 5
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

STAND_IN = """#!/bin/sh
printf 'x = 1\\n' >> src/file0.py
printf '{"type":"system","subtype":"init","cwd":"%s","session_id":"s","tools":["Bash"],"mcp_servers":[],"model":"m","permissionMode":"acceptEdits","claude_code_version":"2.1.332"}\\n' "$PWD"
printf '{"type":"result","subtype":"success","is_error":false,"num_turns":1,"result":"done","session_id":"s","permission_denials":[]}\\n'
"""


def git(repo, *args):
    subprocess.run(["git", "-C", repo, *args], check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@x", "GIT_COMMITTER_NAME": "b",
                        "GIT_COMMITTER_EMAIL": "b@x"})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args()
    gate = os.path.abspath(os.environ.get("POLICY_GATE", ".build/release/policy-gate"))
    if os.geteuid() != 0:
        raise SystemExit("runner_overhead: run as root (the agent runner isolates the agent only then)")
    root = tempfile.mkdtemp(prefix="policy-gate-bench-")
    os.chmod(root, 0o755)
    try:
        tools = os.path.join(root, "bin")
        os.makedirs(tools)
        claude = os.path.join(tools, "claude")
        with open(claude, "w") as handle:
            handle.write(STAND_IN)
        os.chmod(claude, 0o755)
        repo = os.path.join(root, "repo")
        for index in range(options.files):
            folder = os.path.join(repo, "src", f"d{index // 100}")
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder if index else os.path.join(repo, "src"), f"file{index}.py"), "w") as handle:
                handle.write(f"value_{index} = {index}\n" * 20)
        git(repo, "init", "-q")
        git(repo, "config", "gc.auto", "0")
        git(repo, "add", "-A")
        git(repo, "commit", "-qm", "base")
        # As GitLab's fetch leaves it: the history in a pack, not in loose objects.
        git(repo, "repack", "-adq")
        git(repo, "prune")
        arguments = [claude, "-p", "x", "--permission-mode", "acceptEdits", "--output-format", "stream-json", "--verbose"]
        bare, gated = [], []
        for _ in range(options.repeat):
            git(repo, "checkout", "-q", "--", ".")
            started = time.monotonic()
            subprocess.run(arguments, cwd=repo, check=True, stdout=subprocess.DEVNULL)
            bare.append(time.monotonic() - started)
            git(repo, "checkout", "-q", "--", ".")
            started = time.monotonic()
            result = subprocess.run([gate, "run", "--repo", repo, "--", *arguments], cwd=repo, capture_output=True, text=True)
            gated.append(time.monotonic() - started)
            if result.returncode != 0:
                raise SystemExit(f"policy-gate run exited {result.returncode}:\n{result.stdout}{result.stderr}")
        bare_median, gated_median = statistics.median(bare), statistics.median(gated)
        print(f"files: {options.files}, runs: {options.repeat} each, alternating")
        print(f"agent alone: {bare_median:.3f} s median")
        print(f"under policy-gate run: {gated_median:.3f} s median")
        print(f"runner and gate overhead: {gated_median - bare_median:.3f} s")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
