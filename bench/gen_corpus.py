#!/usr/bin/env python3
"""Generate a deterministic git repository whose BASE..HEAD diff adds about N MiB of source text.

    gen_corpus.py --out DIR --mb N --seed S [--secrets-per-mb D] [--commits K] [--force]

Writes DIR/repo (the repository) and DIR/meta.json (base, head, sizes, planted secrets).
Layout: one base commit with a few files, then K commits that add new files across many
languages and insert blocks into some base files. Synthetic secrets are sprinkled into the
added text at D per MiB. Author/committer names and dates are fixed through the environment,
so the same arguments always give the same commit SHAs. When meta.json already matches the
arguments the repository is reused.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth  # noqa: E402

GENERATOR_VERSION = 4
MIB = 1 << 20
EPOCH = 1735689600  # 2025-01-01T00:00:00Z

# share of added bytes per file kind
WEIGHTS = {
    "py": 16, "js": 10, "ts": 12, "go": 12, "java": 10, "rb": 3, "yaml": 6, "json": 6,
    "md": 5, "sql": 4, "env": 1, "sh": 2, "tf": 2, "minjs": 7, "lock": 4,
}
EXT = {"py": "py", "js": "js", "ts": "ts", "go": "go", "java": "java", "rb": "rb", "yaml": "yaml",
       "json": "json", "md": "md", "sql": "sql", "sh": "sh", "tf": "tf"}
SECRET_KINDS = ("gitlab-pat", "anthropic-key", "aws-key-pair", "github-pat", "slack-bot-token",
                "private-key", "db-url", "generic-password")


def source_digest() -> str:
    """Digest of the generator's own code: a changed generator never reuses an old corpus."""
    h = hashlib.sha256()
    here = Path(__file__).resolve().parent
    for name in ("gen_corpus.py", "synth.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()[:16]


def git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Bench Author",
        "GIT_AUTHOR_EMAIL": "author@bench.example",
        "GIT_COMMITTER_NAME": "Bench Committer",
        "GIT_COMMITTER_EMAIL": "committer@bench.example",
        "TZ": "UTC",
        "LC_ALL": "C",
    })
    return env


def git(repo: Path, *args: str, env: dict[str, str] | None = None, capture: bool = False) -> str:
    cmd = ["git", "-C", str(repo), "-c", "core.autocrlf=false", "-c", "commit.gpgsign=false",
           "-c", "core.hooksPath=" + os.devnull, "-c", "gc.auto=0", *args]
    res = subprocess.run(cmd, env=env or git_env(), check=True, text=True,
                         stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
    return res.stdout.strip() if capture else ""


def commit(repo: Path, message: str, when: int) -> str:
    env = git_env()
    env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{when} +0000"
    git(repo, "add", "-A", env=env)
    git(repo, "commit", "-q", "--no-verify", "-m", message, env=env)
    return git(repo, "rev-parse", "HEAD", capture=True)


# ---------------------------------------------------------------------------------------------
# rendering a planted secret in a given language

def assign(lang: str, name: str, value: str) -> list[str]:
    lower = name.lower()
    first, *rest = lower.split("_")
    camel = first + "".join(w.capitalize() for w in rest)
    return {
        "py": [f'{name} = "{value}"', ""],
        "js": [f'const {camel} = "{value}";', ""],
        "ts": [f'export const {name}: string = "{value}";', ""],
        "go": [f'const {camel} = "{value}"', ""],
        "java": [f'    private static final String {name} = "{value}";', ""],
        "rb": [f"  {name} = '{value}'", ""],
        "yaml": [f"{lower}: \"{value}\""],
        "env": [f"{name}={value}"],
        "sh": [f'export {name}="{value}"', ""],
        "tf": [f'variable "{lower}" {{', f'  default = "{value}"', "}", ""],
        "md": ["```bash", f"export {name}={value}", "```", ""],
        "sql": [f"-- {lower}: {value}", ""],
    }[lang]


def key_block(lang: str, name: str, block: list[str]) -> list[str]:
    if lang == "py":
        return [f'{name} = """' + block[0], *block[1:-1], block[-1] + '"""', ""]
    if lang in ("js", "ts"):
        return [f"const {name.lower()} = `" + block[0], *block[1:-1], block[-1] + "`;", ""]
    if lang == "go":
        return [f"const {name.lower()} = `" + block[0], *block[1:-1], block[-1] + "`", ""]
    if lang == "java":
        return [f'    private static final String {name} = """', *("        " + b for b in block), '        """;', ""]
    if lang == "rb":
        return [f"  {name} = <<~PEM", *("    " + b for b in block), "  PEM", ""]
    if lang == "yaml":
        return [f"{name.lower()}: |", *("  " + b for b in block)]
    if lang in ("env", "sh"):
        return [f'{name}="' + "\\n".join(block) + '"']
    if lang == "tf":
        return [f'  {name.lower()} = <<EOT', *block, "EOT", ""]
    return ["```", *block, "```", ""]  # md, sql comment-free fallback


def planted(rng: random.Random, lang: str, counts: dict[str, int]) -> list[str]:
    kind = rng.choice(SECRET_KINDS)
    if lang == "sql" and kind == "private-key":
        kind = "generic-password"
    counts[kind] = counts.get(kind, 0) + 1
    if kind == "gitlab-pat":
        return assign(lang, "GITLAB_TOKEN", synth.gitlab_pat(rng))
    if kind == "anthropic-key":
        return assign(lang, "ANTHROPIC_API_KEY", synth.anthropic_key(rng))
    if kind == "github-pat":
        return assign(lang, "GITHUB_TOKEN", synth.github_pat(rng))
    if kind == "slack-bot-token":
        return assign(lang, "SLACK_BOT_TOKEN", synth.slack_bot_token(rng))
    if kind == "db-url":
        return assign(lang, "DATABASE_URL", synth.db_url(rng))
    if kind == "aws-key-pair":
        a = assign(lang, "AWS_ACCESS_KEY_ID", synth.aws_key_id(rng))
        b = assign(lang, "AWS_SECRET_ACCESS_KEY", synth.aws_secret_key(rng))
        return [x for x in a if x] + b
    if kind == "private-key":
        return key_block(lang, "SIGNING_KEY", synth.private_key_block(
            rng, rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])))
    # generic password assignment
    if lang == "sql":
        return [f"ALTER ROLE app_rw WITH PASSWORD '{synth.strong_password(rng)}';", ""]
    return assign(lang, "DB_PASSWORD", synth.strong_password(rng))


# ---------------------------------------------------------------------------------------------
# file generation

class Budget:
    """Carries fractional secret counts from block to block so the density is exact."""

    def __init__(self, per_mib: float):
        self.per_byte = per_mib / MIB
        self.debt = 0.0

    def defer(self, nbytes: int) -> None:
        """Account for bytes that cannot hold a secret; their share goes to the next block."""
        self.debt += nbytes * self.per_byte

    def take(self, nbytes: int) -> int:
        self.debt += nbytes * self.per_byte
        k = int(self.debt)
        self.debt -= k
        return k


def text_blocks(rng: random.Random, lang: str, target: int, budget: Budget, counts: dict[str, int],
                framed: bool = True) -> list[str]:
    """Source text of about ``target`` bytes as blocks (each a few joined lines); ``framed`` adds
    the language's header and footer as the first and last block."""
    blocks = ["\n".join(synth.HEADERS[lang](rng))] if framed else []
    size = len(blocks[0]) + 1 if framed else 0
    make = synth.FILLERS[lang]
    while size < target:
        block = "\n".join(make(rng))
        blocks.append(block)
        size += len(block) + 1
        for _ in range(budget.take(len(block) + 1)):
            sec = "\n".join(planted(rng, lang, counts))
            blocks.append(sec)
            size += len(sec) + 1
    if framed:
        blocks.append("\n".join(synth.FOOTERS.get(lang, [])))
    return [b for b in blocks if b]


def text_file(rng: random.Random, lang: str, target: int, budget: Budget, counts: dict[str, int]) -> list[str]:
    return text_blocks(rng, lang, target, budget, counts)


def json_file(rng: random.Random, target: int, budget: Budget, counts: dict[str, int]) -> list[str]:
    items = []
    size = 0
    while size < target:
        doc = synth.json_doc(rng, rng.randint(4, 12))
        n = len(json.dumps(doc, indent=2)) + 4
        size += n
        for _ in range(budget.take(n)):
            kind = rng.choice(("gitlab-pat", "anthropic-key", "github-pat", "db-url", "slack-bot-token"))
            counts[kind] = counts.get(kind, 0) + 1
            key, value = {
                "gitlab-pat": ("gitlabToken", synth.gitlab_pat),
                "anthropic-key": ("anthropicApiKey", synth.anthropic_key),
                "github-pat": ("githubToken", synth.github_pat),
                "db-url": ("databaseUrl", synth.db_url),
                "slack-bot-token": ("slackBotToken", synth.slack_bot_token),
            }[kind]
            doc[key] = value(rng)
        items.append(doc)
    return json.dumps({"items": items}, indent=2).split("\n")


def minjs_file(rng: random.Random, target: int, budget: Budget, counts: dict[str, int]) -> list[str]:
    lines = ["/*! bundle (c) example; license MIT */"]
    size = 0
    while size < target:
        want = min(target - size, rng.choice((8, 16, 32, 64, 128, 256)) * 1024)
        line = synth.minified_js_line(rng, max(want, 512))
        for _ in range(budget.take(len(line))):
            kind = rng.choice(("gitlab-pat", "github-pat", "anthropic-key"))
            counts[kind] = counts.get(kind, 0) + 1
            value = {"gitlab-pat": synth.gitlab_pat, "github-pat": synth.github_pat,
                     "anthropic-key": synth.anthropic_key}[kind](rng)
            cut = line.find(";", rng.randrange(len(line)))
            cut = len(line) - 16 if cut < 0 else cut
            line = f'{line[:cut + 1]}e.config={{apiToken:"{value}"}};{line[cut + 1:]}'
        lines.append(line)
        size += len(line) + 1
    return lines


def lock_file(rng: random.Random, target: int, budget: Budget) -> list[str]:
    """A package-lock.json; its share of the secret budget is carried over to the next file."""
    lines = ["{", '  "name": "web",', '  "version": "1.0.0",', '  "lockfileVersion": 3,',
             '  "requires": true,', '  "packages": {']
    size = 0
    while size < target:
        chunk = synth.npm_lock_entries(rng, 50)
        lines.extend(chunk)
        n = sum(len(x) + 1 for x in chunk)
        size += n
        budget.defer(n)
    lines[-1] = "    }"
    lines += ["  }", "}"]
    return lines


def pick_size(rng: random.Random, kind: str, remaining: int) -> int:
    if kind == "env":
        size = rng.randint(300, 3000)
    elif kind == "lock":
        size = rng.randint(128 * 1024, MIB)
    elif kind == "minjs":
        size = rng.randint(32 * 1024, MIB)
    else:
        r = rng.random()
        if r < 0.7:
            size = rng.randint(1024, 12 * 1024)
        elif r < 0.95:
            size = rng.randint(12 * 1024, 64 * 1024)
        elif r < 0.995:
            size = rng.randint(64 * 1024, 512 * 1024)
        else:
            size = rng.randint(512 * 1024, 2 * MIB)
    return max(256, min(size, remaining))


SERVICES = ("billing", "orders", "identity", "search", "notify", "reporting", "gateway", "catalog")


def file_path(rng: random.Random, kind: str, idx: int) -> str:
    svc = rng.choice(SERVICES)
    stem = f"{synth.snake(rng)}_{idx}"
    if kind == "py":
        return f"services/{svc}/app/{rng.choice(synth.NOUNS)}/{stem}.py"
    if kind == "js":
        return f"web/src/{rng.choice(synth.NOUNS)}/{synth.camel(rng)}{idx}.js"
    if kind == "ts":
        return f"web/src/features/{rng.choice(synth.NOUNS)}/{synth.pascal(rng)}{idx}.ts"
    if kind == "go":
        return f"internal/{svc}/{rng.choice(synth.NOUNS)}/{stem}.go"
    if kind == "java":
        return f"backend/src/main/java/com/example/{svc}/{synth.pascal(rng)}{idx}.java"
    if kind == "rb":
        return f"tools/ruby/lib/{svc}/{stem}.rb"
    if kind == "yaml":
        return f"deploy/{rng.choice(['prod', 'staging', 'dev'])}/{svc}/{stem}.yaml"
    if kind == "json":
        return f"config/{svc}/{stem}.json"
    if kind == "md":
        return f"docs/{svc}/{stem}.md"
    if kind == "sql":
        return f"db/migrations/V{idx:05d}__{stem}.sql"
    if kind == "env":
        return f"services/{svc}/env/{stem}.env"
    if kind == "sh":
        return f"scripts/{svc}/{stem}.sh"
    if kind == "tf":
        return f"infra/{svc}/{stem}.tf"
    if kind == "minjs":
        return f"web/public/assets/{synth.camel(rng, 1)}.{synth.rs(rng, synth.HEX, 8)}.{idx}.min.js"
    return f"web/packages/{synth.camel(rng, 1)}{idx}/package-lock.json"


def make_file(rng: random.Random, kind: str, size: int, budget: Budget, counts: dict[str, int]) -> list[str]:
    if kind == "json":
        return json_file(rng, size, budget, counts)
    if kind == "minjs":
        return minjs_file(rng, size, budget, counts)
    if kind == "lock":
        return lock_file(rng, size, budget)
    return text_file(rng, kind, size, budget, counts)


def write(repo: Path, rel: str, lines: list[str]) -> int:
    p = repo / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    data = ("\n".join(lines) + "\n").encode("utf-8")
    p.write_bytes(data)
    return len(data)


def generate(out: Path, mb: float, seed: int, per_mib: float, n_commits: int, pack: bool) -> dict:
    rng = random.Random(seed)
    target = int(mb * MIB)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)  # parents: DIR itself may not exist yet
    git(out, "init", "-q", "-b", "main")
    kinds = list(WEIGHTS)
    total_weight = sum(WEIGHTS.values())
    text_kinds = [k for k in kinds if k not in ("json", "minjs", "lock")]

    # base commit: the files an MR starts from (not counted as added), kept as blocks so that
    # later commits can insert whole blocks between existing ones
    base_target = max(MIB, target // 20)
    base_files: dict[str, tuple[str, list[str]]] = {}
    no_secrets = Budget(0.0)
    size = idx = 0
    while size < base_target:
        kind = rng.choice(text_kinds)
        rel = file_path(rng, kind, idx)
        blocks = text_blocks(rng, kind, pick_size(rng, kind, base_target - size), no_secrets, {})
        base_files[rel] = (kind, blocks)
        size += write(out, rel, blocks)
        idx += 1
    write(out, "README.md", ["# bench corpus", "", "Generated by bench/gen_corpus.py; synthetic data only."])
    base = commit(out, "base: initial import", EPOCH)

    counts: dict[str, int] = {}
    budget = Budget(per_mib)
    added_bytes = added_files = modified = 0
    per_commit = target // n_commits
    commits = []
    names = sorted(base_files)
    for c in range(n_commits):
        goal = per_commit if c < n_commits - 1 else target - per_commit * (n_commits - 1)
        done = 0
        # ~10% of the commit's bytes: 1-4 hunks inserted into each of a third of the base files
        mod_goal = goal // 10
        chosen = rng.sample(names, max(1, len(names) // 3))
        for i, rel in enumerate(chosen):
            share = (mod_goal - done) // (len(chosen) - i)
            if share <= 0:
                continue
            kind, blocks = base_files[rel]
            hunks = rng.randint(1, 4)
            for _ in range(hunks):
                new = text_blocks(rng, kind, max(256, share // hunks), budget, counts, framed=False)
                at = rng.randint(1, max(1, len(blocks) - 1))  # after the header, before the footer
                blocks[at:at] = new
                done += sum(len(x) + 1 for x in new)
                modified += 1
            write(out, rel, blocks)
        kind_done = dict.fromkeys(kinds, 0)
        new_goal = goal - done
        while done < goal:
            # pick by remaining byte share, so WEIGHTS are shares of bytes, not of files
            deficit = [max(1, WEIGHTS[k] * new_goal // total_weight - kind_done[k]) for k in kinds]
            kind = rng.choices(kinds, deficit)[0]
            rel = file_path(rng, kind, idx)
            idx += 1
            lines = make_file(rng, kind, pick_size(rng, kind, goal - done), budget, counts)
            n = write(out, rel, lines)
            kind_done[kind] += n
            done += n
            added_files += 1
        added_bytes += done
        commits.append(commit(out, f"feat: change set {c + 1} of {n_commits}", EPOCH + 3600 * (c + 1)))
    if pack:
        git(out, "repack", "-a", "-d", "-q")
        git(out, "prune-packed")
    return {
        "generator_version": GENERATOR_VERSION, "source_digest": source_digest(),
        "mb": mb, "seed": seed, "secrets_per_mib": per_mib, "commits": n_commits, "packed": pack,
        "base": base, "head": commits[-1], "commit_list": commits,
        "added_bytes": added_bytes, "added_files": added_files, "inserted_hunks": modified,
        "secrets_total": sum(counts.values()), "secrets_by_kind": dict(sorted(counts.items())),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--mb", required=True, type=float, help="MiB of added text (BASE..HEAD)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--secrets-per-mb", type=float, default=8.0, help="planted secrets per MiB added")
    ap.add_argument("--commits", type=int, default=4)
    ap.add_argument("--no-pack", action="store_true", help="leave loose objects (faster to create)")
    ap.add_argument("--force", action="store_true", help="regenerate even when meta.json matches")
    a = ap.parse_args()
    meta_path = a.out / "meta.json"
    repo = a.out / "repo"
    want = {"generator_version": GENERATOR_VERSION, "source_digest": source_digest(), "mb": a.mb, "seed": a.seed,
            "secrets_per_mib": a.secrets_per_mb, "commits": a.commits, "packed": not a.no_pack}
    if not a.force and meta_path.exists():
        try:
            meta = json.loads(meta_path.read_text())
            if all(meta.get(k) == v for k, v in want.items()) and \
                    git(repo, "rev-parse", "HEAD", capture=True) == meta["head"]:
                print(f"reusing {repo} (base {meta['base'][:10]}, head {meta['head'][:10]})", file=sys.stderr)
                print(meta_path)
                return 0
        except (OSError, ValueError, KeyError, subprocess.CalledProcessError):
            pass
    t0 = time.monotonic()
    if meta_path.exists():
        meta_path.unlink()
    meta = generate(repo.resolve(), a.mb, a.seed, a.secrets_per_mb, a.commits, not a.no_pack)
    meta["repo"] = str(repo.resolve())
    meta_tmp = a.out / ".meta.json.tmp"
    meta_tmp.write_text(json.dumps(meta, indent=2) + "\n")
    meta_tmp.replace(meta_path)
    print(f"generated {repo}: {meta['added_bytes'] / MIB:.1f} MiB added in {meta['added_files']} new files, "
          f"{meta['secrets_total']} secrets, {time.monotonic() - t0:.1f}s", file=sys.stderr)
    print(meta_path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
