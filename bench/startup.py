#!/usr/bin/env python3
"""Start-up cost of the short stages: the time from exec to exit of `policy-gate --version`, of `pre` on a
typical `--claude-args` invocation, of `scan` on an empty diff (an upper bound of the time from exec to
the first byte scanned), and of `check-policy`. Reports the median wall time, the minimum and maximum,
and the median CPU time (user + system) of each, and the load average.

On a shared machine the wall time mostly measures the other processes. As root, `--realtime` runs the
measured processes at a real-time priority (SCHED_FIFO), which takes the other processes' share of the
cores out of the figures; the CPU time is comparable either way.

    POLICY_GATE=$(scripts/build-release.sh) python3 bench/startup.py --repeat 31 --realtime
"""
import argparse
import os
import statistics
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
CLAUDE_ARGS = "-p 'Fix the failing test' --permission-mode acceptEdits --allowedTools Read,Edit,'Bash(git diff:*)'"


def cases(gate, repo, state):
    return {
        "--version": [gate, "--version"],
        "pre --claude-args": [gate, "pre", "--repo", repo, "--state", state, "--claude-args", CLAUDE_ARGS],
        "scan, empty diff": [gate, "scan", "--repo", repo, "--base", "HEAD", "--head", "HEAD"],
        "check-policy": [gate, "check-policy"],
    }


def run_once(command, cwd, realtime):
    if realtime:
        command = ["chrt", "--fifo", "50"] + command
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               env={"PATH": "/usr/bin:/bin", "HOME": cwd})
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = (time.perf_counter() - started) * 1000
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        raise SystemExit("%s: exit %d: %s" % (" ".join(command[:3]), code, errors.decode(errors="replace")[-300:]))
    return wall, (usage.ru_utime + usage.ru_stime) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=31)
    parser.add_argument("--realtime", action="store_true", help="run the measured processes with SCHED_FIFO (root)")
    arguments = parser.parse_args()
    gate = os.path.abspath(os.environ.get("POLICY_GATE", os.path.join(HERE, "..", ".build", "release", "policy-gate")))
    with tempfile.TemporaryDirectory() as work:
        repo = os.path.join(work, "repo")
        subprocess.run(["git", "init", "-q", repo], check=True)
        with open(os.path.join(repo, "README.md"), "w") as handle:
            handle.write("sample\n")
        subprocess.run(["git", "-C", repo, "add", "."], check=True)
        subprocess.run(["git", "-C", repo, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-qm", "init"],
                       check=True)
        print("load average before: %.2f %.2f %.2f%s" % (os.getloadavg() + (", real-time priority" if arguments.realtime else "",)))
        for label, command in cases(gate, repo, os.path.join(work, "state.json")).items():
            run_once(command, repo, arguments.realtime)  # warm the page cache
            walls, cpus = zip(*(run_once(command, repo, arguments.realtime) for _ in range(arguments.repeat)))
            print("%-20s median %6.1f ms   min %6.1f   max %6.1f   CPU median %6.1f ms   (n=%d)"
                  % (label, statistics.median(walls), min(walls), max(walls), statistics.median(cpus), arguments.repeat))
        print("load average after: %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    main()
