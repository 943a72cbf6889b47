#!/usr/bin/env python3
"""Run one scanner command and record what it cost; summarise many such records.

    measure.py run --tool NAME --case CASE --size MB --iter N --parser KIND --report FILE
                   [--ok-codes 0,1] [--append RUNS.jsonl] [--logs DIR] [--timeout S] -- CMD...
    measure.py summarize RUNS.jsonl [--json OUT.json] [--md OUT.md]

`run` starts CMD in its own process group and waits for it with wait4(2), whose rusage covers
the child and every descendant it waited for (gitleaks' `git log` subprocess included):
user+sys CPU seconds, and ru_maxrss, the peak resident set of the largest single process in
that tree. Wall time is taken around the wait. The number of findings is read from the
tool's JSON report (KIND: policy-gate, gitleaks, kingfisher). One JSON object per run is
printed and, with --append, appended to RUNS.jsonl.

`summarize` groups runs by (size, case, tool), takes medians, and prints a table with the
ratio peer wall / policy-gate wall for every case that has both, from the same RUNS file.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

PG = "policy-gate"


# ---------------------------------------------------------------------------------------------
# reading reports

def count_findings(parser: str, report: Path) -> int:
    """Number of findings in a tool's JSON report; raises ValueError when it cannot tell."""
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"no report written at {report}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ValueError(f"unreadable report {report}: {e}") from None
    if parser == "gitleaks":
        if not isinstance(data, list):
            raise ValueError("gitleaks report is not a JSON array")
        return len(data)
    if parser in ("kingfisher", PG):
        findings = data.get("findings") if isinstance(data, dict) else None
        if not isinstance(findings, list):
            raise ValueError(f"{parser} report has no 'findings' array")
        return len(findings)
    raise ValueError(f"unknown parser {parser}")


def scanned_bytes(parser: str, report: Path, stderr_text: str) -> int | None:
    """What the tool says it scanned, when it says so (informational only)."""
    if parser == "gitleaks":
        m = re.search(r"scanned ~(\d+) bytes", stderr_text)
        return int(m.group(1)) if m else None
    try:
        data = json.loads(report.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    if parser == "kingfisher":
        return (data.get("metadata", {}).get("summary", {}) or {}).get("bytes_scanned")
    for key in ("bytes_scanned", "scanned_bytes"):
        for where in (data, data.get("stats") or {}, data.get("summary") or {}):
            if isinstance(where, dict) and isinstance(where.get(key), int):
                return where[key]
    return None


# ---------------------------------------------------------------------------------------------
# run

def run(a: argparse.Namespace) -> int:
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    if not cmd:
        print("measure.py run: no command given after --", file=sys.stderr)
        return 2
    ok_codes = {int(x) for x in a.ok_codes.split(",") if x.strip()}
    logs = Path(a.logs) if a.logs else Path(a.report).parent
    logs.mkdir(parents=True, exist_ok=True)
    stem = f"{a.tool}.{a.case}.{a.size}.{a.iter}".replace("/", "_")
    out_path, err_path = logs / f"{stem}.stdout", logs / f"{stem}.stderr"
    report = Path(a.report)
    if report.exists():
        report.unlink()

    load_before = round(os.getloadavg()[0], 2)
    timed_out = threading.Event()
    with open(out_path, "wb") as fo, open(err_path, "wb") as fe:
        t0 = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL,
                                    start_new_session=True)
        except OSError as e:
            rec = {"tool": a.tool, "case": a.case, "size": a.size, "iter": a.iter,
                   "ok": False, "error": f"cannot start: {e}", "cmd": cmd}
            return emit(rec, a)

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(a.timeout, kill)
        timer.start()
        try:
            _, status, ru = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)

    stderr_text = err_path.read_text(encoding="utf-8", errors="replace")
    rec = {
        "tool": a.tool, "case": a.case, "size": a.size, "iter": a.iter,
        "exit": proc.returncode,
        "wall_s": round(wall, 4),
        "user_s": round(ru.ru_utime, 4),
        "sys_s": round(ru.ru_stime, 4),
        "cpu_s": round(ru.ru_utime + ru.ru_stime, 4),
        "peak_mb": round(ru.ru_maxrss / 1024, 1),  # Linux reports KiB
        "findings": None,
        "scanned_bytes": None,
        "load1_before": load_before,  # 1-minute load average: other work on the machine
        "ok": True,
        "cmd": cmd,
        "stderr_log": str(err_path),
    }
    problems = []
    if timed_out.is_set():
        problems.append(f"killed after {a.timeout}s")
    if proc.returncode not in ok_codes:
        tail = stderr_text.strip().splitlines()[-3:]
        problems.append(f"exit {proc.returncode} (expected {sorted(ok_codes)}): {' | '.join(tail)[:400]}")
    try:
        rec["findings"] = count_findings(a.parser, report)
    except ValueError as e:
        problems.append(str(e))
    rec["scanned_bytes"] = scanned_bytes(a.parser, report, stderr_text)
    if problems:
        rec["ok"] = False
        rec["error"] = "; ".join(problems)
    return emit(rec, a)


def emit(rec: dict, a: argparse.Namespace) -> int:
    line = json.dumps(rec, sort_keys=False)
    if a.append:
        with open(a.append, "a", encoding="utf-8") as f:
            f.write(line + "\n")
    brief = (f"{rec['tool']:<28} {rec['case']:<12} {str(rec['size']):>6} #{rec['iter']}: "
             + (f"wall {rec['wall_s']:.2f}s cpu {rec['cpu_s']:.2f}s peak {rec['peak_mb']:.0f}MB "
                f"findings {rec['findings']}" if "wall_s" in rec else "")
             + ("" if rec["ok"] else f"  ERROR {rec.get('error')}"))
    print(brief, file=sys.stderr)
    return 0 if rec["ok"] else 1


# ---------------------------------------------------------------------------------------------
# summarize

CASE_ORDER = {"empty": 0, "same-rules": 1, "defaults": 2, "big": 3}


def summarize(a: argparse.Namespace) -> int:
    runs = [json.loads(x) for x in Path(a.runs).read_text(encoding="utf-8").splitlines() if x.strip()]
    measured = [r for r in runs if r.get("iter", 0) > 0]  # iter 0 = warm-up, not counted
    groups: dict[tuple, list[dict]] = {}
    for r in measured:
        groups.setdefault((str(r["size"]), r["case"], r["tool"]), []).append(r)

    rows = []
    for (size, case, tool), rs in groups.items():
        good = [r for r in rs if r["ok"]]
        row = {"size": size, "case": case, "tool": tool, "runs": len(rs), "ok_runs": len(good),
               "errors": sorted({r.get("error", "") for r in rs if not r["ok"]})}
        if good:
            row.update({
                "wall_s": round(statistics.median(r["wall_s"] for r in good), 3),
                "cpu_s": round(statistics.median(r["cpu_s"] for r in good), 3),
                "peak_mb": round(max(r["peak_mb"] for r in good), 1),
                "findings": good[-1]["findings"],
                "findings_stable": len({r["findings"] for r in good}) == 1,
                "wall_all_s": [r["wall_s"] for r in good],
                "scanned_bytes": good[-1].get("scanned_bytes"),
                "max_load1_before": max((r.get("load1_before") or 0) for r in good),
            })
        rows.append(row)

    def size_key(s: str) -> float:
        # "200x40" is 200 MiB over 40 commits
        try:
            return float(s.split("x")[0])
        except ValueError:
            return float("inf")

    tool_rank = {PG: 0}
    rows.sort(key=lambda r: (CASE_ORDER.get(r["case"], 9), size_key(r["size"]),
                             tool_rank.get(r["tool"].split(" ")[0], 1), r["tool"]))
    # ratios within each (size, case), peer median wall / policy-gate median wall
    for r in rows:
        base = next((x for x in rows if x["size"] == r["size"] and x["case"] == r["case"]
                     and x["tool"].startswith(PG) and "wall_s" in x), None)
        if base and "wall_s" in r and not r["tool"].startswith(PG) and base["wall_s"] > 0:
            r["ratio_vs_policy_gate"] = round(r["wall_s"] / base["wall_s"], 2)
            if base["cpu_s"] > 0:
                r["cpu_ratio_vs_policy_gate"] = round(r["cpu_s"] / base["cpu_s"], 2)

    meta = {}
    if a.meta and Path(a.meta).exists():
        meta = json.loads(Path(a.meta).read_text(encoding="utf-8"))
    result = {"meta": meta, "rows": rows}

    header = ["size MiB", "case", "tool", "median wall s", "CPU s", "peak MB", "findings",
              "peer/pg wall", "peer/pg CPU", "runs"]
    table = []
    for r in rows:
        if "wall_s" in r:
            table.append([r["size"], r["case"], r["tool"], f"{r['wall_s']:.3f}", f"{r['cpu_s']:.3f}",
                          f"{r['peak_mb']:.0f}", f"{r['findings']}" + ("" if r["findings_stable"] else "*"),
                          f"{r['ratio_vs_policy_gate']:.2f}x" if "ratio_vs_policy_gate" in r else "",
                          f"{r['cpu_ratio_vs_policy_gate']:.2f}x" if "cpu_ratio_vs_policy_gate" in r else "",
                          f"{r['ok_runs']}/{r['runs']}"])
        else:
            table.append([r["size"], r["case"], r["tool"], "error", "", "", "", "", "",
                          f"0/{r['runs']}"])
    widths = [max(len(h), *(len(t[i]) for t in table)) if table else len(h) for i, h in enumerate(header)]
    fmt = "  ".join("{:<%d}" % w for w in widths)
    print(fmt.format(*header))
    print(fmt.format(*("-" * w for w in widths)))
    for t in table:
        print(fmt.format(*t))
    errs = [(r["tool"], r["case"], r["size"], e) for r in rows for e in r["errors"] if e]
    for tool, case, size, e in errs:
        print(f"! {tool} {case} {size}: {e}")

    if a.json:
        Path(a.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if a.md:
        md = ["# policy-gate scan benchmark", ""]
        if meta:
            md.append("Machine: " + ", ".join(f"{k} {v}" for k, v in meta.get("machine", {}).items()))
            md.append("")
            md.append("Tools: " + ", ".join(f"{k} {v}" for k, v in meta.get("versions", {}).items()))
            md.append("")
        md.append("| " + " | ".join(header) + " |")
        md.append("|" + "|".join("---" for _ in header) + "|")
        for t in table:
            md.append("| " + " | ".join(x.replace("|", "\\|") for x in t) + " |")
        md.append("")
        md.append("Median over the measured runs (warm-up excluded); peak MB is the largest max-RSS of "
                  "any run; `*` marks a finding count that changed between runs; ratios are peer / "
                  "policy-gate on the same case and size, from this run.")
        loads = [r["max_load1_before"] for r in rows if "max_load1_before" in r]
        cores = (meta.get("machine") or {}).get("cores") or os.cpu_count() or 1
        if loads and max(loads) > cores:
            md.append("")
            md.append(f"Note: the 1-minute load average reached {max(loads):.1f} on {cores} cores during "
                      "the measured runs; other work competed for the CPU, so wall times are noisy "
                      "(CPU seconds are less affected).")
        if errs:
            md += ["", "Errors:", ""] + [f"- {t} {c} {s}: {e}" for t, c, s, e in errs]
        Path(a.md).write_text("\n".join(md) + "\n", encoding="utf-8")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    r = sub.add_parser("run", help="run one command and record it")
    r.add_argument("--tool", required=True)
    r.add_argument("--case", required=True)
    r.add_argument("--size", required=True)
    r.add_argument("--iter", type=int, default=1, help="0 marks a warm-up run")
    r.add_argument("--parser", required=True, choices=[PG, "gitleaks", "kingfisher"])
    r.add_argument("--report", required=True, help="the JSON report the command writes")
    r.add_argument("--ok-codes", default="0", help="exit codes that mean success")
    r.add_argument("--append", help="append the record to this JSONL file")
    r.add_argument("--logs", help="folder for the command's stdout/stderr (default: report's folder)")
    r.add_argument("--timeout", type=float, default=3600)
    r.add_argument("cmd", nargs=argparse.REMAINDER)
    s = sub.add_parser("summarize", help="table + results.json/md from a runs file")
    s.add_argument("runs")
    s.add_argument("--json")
    s.add_argument("--md")
    s.add_argument("--meta", help="JSON with machine/tool facts to embed")
    a = ap.parse_args()
    return run(a) if a.command == "run" else summarize(a)


if __name__ == "__main__":
    sys.exit(main())
