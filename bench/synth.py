"""Synthetic source text and synthetic credentials for the policy-gate benchmarks.

Everything here is procedural: a caller passes a seeded ``random.Random`` and gets the same
text back for the same seed. The credentials have the published *shape* of each provider's
tokens (prefixes, lengths, alphabets) but are random, so none of them is live.

Literal markers that scanners react to (PEM armour lines, documented sample keys) are
assembled from pieces at run time so that this source file itself does not trip a scanner.
"""

from __future__ import annotations

import base64
import json
import random
import string

# ---------------------------------------------------------------------------------------------
# alphabets and small helpers

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
HEX = "0123456789abcdef"
ALNUM = string.ascii_letters + string.digits
ALNUM_DASH = ALNUM + "_-"
B64 = ALNUM + "+/"
BASE32_UPPER = UPPER + "234567"
BASE32_LOWER = LOWER + "234567"
PASSWORD_CHARS = ALNUM + "!#%^*_-+="
DJANGO_CHARS = LOWER + DIGITS + "!@#$%^&*(-_=+)"

DASH5 = "-" * 5


def rs(rng: random.Random, alphabet: str, n: int) -> str:
    """A random string of ``n`` characters drawn from ``alphabet``."""
    return "".join(rng.choices(alphabet, k=n))


def rbytes(rng: random.Random, n: int) -> bytes:
    return bytes(rng.getrandbits(8) for _ in range(n))


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def b64url_nopad(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def uuid4(rng: random.Random) -> str:
    h = rs(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:32]}"


def armor(kind: str, end: bool = False) -> str:
    """PEM armour line, e.g. armor('RSA PRIVATE KEY')."""
    return f"{DASH5}{'END' if end else 'BEGIN'} {kind}{DASH5}"


def strong_password(rng: random.Random, lo: int = 14, hi: int = 24) -> str:
    n = rng.randint(lo, hi)
    while True:
        p = rs(rng, PASSWORD_CHARS, n)
        if any(c.isdigit() for c in p) and any(c.isupper() for c in p) and any(c.islower() for c in p):
            return p


def generated_password(rng: random.Random) -> str:
    """Passwords as people and tools make them: pwgen-like, with symbols, or `openssl rand -base64`."""
    k = rng.random()
    if k < 0.4:
        return rs(rng, ALNUM, rng.randint(16, 32))
    if k < 0.7:
        return strong_password(rng)
    return b64(rbytes(rng, rng.choice((18, 24, 32))))


def url_password(rng: random.Random) -> str:
    """A password that needs no percent-encoding inside a URL."""
    return rs(rng, ALNUM, rng.randint(2, 4)) + rng.choice("_-~.") + rs(rng, ALNUM, rng.randint(12, 18))


# ---------------------------------------------------------------------------------------------
# vocabulary for identifiers and prose

NOUNS = (
    "user order invoice payment session cache queue worker config request response handler "
    "service client repository metric event message tenant account report document index schema "
    "record batch job task pipeline artifact build release deployment cluster node pod volume "
    "bucket object upload download stream buffer chunk file path route endpoint controller model "
    "view template widget panel layout theme locale region zone policy rule check result status "
    "state snapshot checkpoint timestamp interval counter gauge histogram span trace log entry "
    "customer product catalog cart shipment address profile setting preference notification "
    "email channel webhook subscription plan quota limit budget team member role permission "
    "group project issue comment review branch commit tag label milestone sprint ticket"
).split()
VERBS = (
    "get set load save fetch update delete create build parse render validate compute resolve "
    "apply merge split filter sort map reduce encode decode serialize normalize sync refresh "
    "publish subscribe dispatch enqueue process handle retry flush close open start stop reset "
    "register lookup find list count collect emit record track schedule cancel"
).split()
ADJS = (
    "default active pending stale remote local primary secondary internal external cached "
    "temporary current previous next max min total partial raw clean dirty global shared"
).split()
AUTH_WORDS = ("auth", "token", "key", "secret", "password", "credential", "access", "api")
PROSE = (
    "the a this that each every when if then so because while for with without into from "
    "returns updates handles creates reads writes checks ensures value list map entry field "
    "data result error request response retry timeout connection server client worker queue "
    "configuration default option flag setting release version change migration test fixture"
).split()
HOSTS = ("db.internal", "postgres.prod.svc", "10.12.4.21", "mysql-primary.corp.example",
         "cache.example.net", "rabbit.prod.local", "mongo-0.mongo.svc.cluster.local")
DOMAINS = ("example.com", "example.org", "corp.example", "acme.io", "internal.example.net")


def snake(rng: random.Random, parts: int = 2) -> str:
    words = [rng.choice(VERBS)] if rng.random() < 0.5 else []
    words += [rng.choice(ADJS if rng.random() < 0.2 else NOUNS) for _ in range(parts)]
    return "_".join(words[: max(parts, 1)])


def camel(rng: random.Random, parts: int = 2) -> str:
    s = snake(rng, parts).split("_")
    return s[0] + "".join(w.capitalize() for w in s[1:])


def pascal(rng: random.Random, parts: int = 2) -> str:
    return "".join(w.capitalize() for w in snake(rng, parts).split("_"))


def upper_snake(rng: random.Random, parts: int = 2) -> str:
    return snake(rng, parts).upper()


def sentence(rng: random.Random, lo: int = 5, hi: int = 14) -> str:
    words = [rng.choice(PROSE if rng.random() < 0.6 else NOUNS) for _ in range(rng.randint(lo, hi))]
    return " ".join(words).capitalize() + "."


def maybe_auth_word(rng: random.Random, p: float = 0.08) -> str:
    """Real code mentions auth/token/key words now and then; the prefilters must cope."""
    return rng.choice(AUTH_WORDS) if rng.random() < p else rng.choice(NOUNS)


# ---------------------------------------------------------------------------------------------
# filler source text per language: each function returns a list of lines

def _py_block(rng: random.Random) -> list[str]:
    fn, arg, attr = snake(rng), snake(rng, 1), snake(rng, 1)
    w = maybe_auth_word(rng)
    k = rng.random()
    if k < 0.45:
        return [
            f"def {fn}(self, {arg}_id: int, limit: int = {rng.randint(1, 500)}) -> dict:",
            f'    """{sentence(rng)}"""',
            f"    {attr} = self.{snake(rng, 1)}.get({arg}_id)",
            f"    if {attr} is None:",
            f'        raise KeyError(f"{w} {{{arg}_id}} not found")',
            f"    result = {{\"{w}_id\": {arg}_id, \"count\": len({attr}), \"limit\": limit}}",
            f"    logger.debug(\"{fn} %s\", result)",
            "    return result",
            "",
        ]
    if k < 0.75:
        cls = pascal(rng)
        return [
            f"class {cls}({rng.choice(['Base', 'object', 'Model', 'Exception'])}):",
            f'    """{sentence(rng)}"""',
            "",
            f"    {snake(rng, 1)}: str = \"{rng.choice(NOUNS)}\"",
            f"    {snake(rng, 1)}_{w}: int = {rng.randint(0, 9999)}",
            "",
            f"    def {snake(rng)}(self, {arg}):",
            f"        return [x for x in {arg} if x.{attr} > {rng.randint(0, 100)}]",
            "",
        ]
    return [
        f"# {sentence(rng)}",
        f"{upper_snake(rng)} = {rng.randint(1, 100000)}",
        f"{snake(rng)} = os.environ.get(\"{upper_snake(rng)}\", \"{rng.choice(NOUNS)}\")",
        "",
    ]


def _js_block(rng: random.Random, ts: bool = False) -> list[str]:
    fn, arg = camel(rng), camel(rng, 1)
    w = maybe_auth_word(rng)
    ann = ": string" if ts else ""
    ret = ": Promise<void>" if ts else ""
    k = rng.random()
    if k < 0.5:
        return [
            f"export async function {fn}({arg}{ann}, options = {{ retries: {rng.randint(0, 5)} }}){ret} {{",
            f"  // {sentence(rng)}",
            f"  const {camel(rng, 1)} = await fetch(`/api/{rng.choice(NOUNS)}/${{{arg}}}`, {{ method: \"{rng.choice(['GET', 'POST', 'PUT'])}\" }});",
            f"  if (!{arg}) {{ throw new Error(\"missing {w}\"); }}",
            f"  return {camel(rng, 1)}.map((x) => x.{camel(rng, 1)} * {rng.randint(1, 64)});",
            "}",
            "",
        ]
    if k < 0.8:
        iface = pascal(rng)
        if ts:
            return [
                f"export interface {iface} {{",
                f"  {camel(rng, 1)}: string;",
                f"  {camel(rng, 1)}{w.capitalize()}?: number;",
                f"  {camel(rng, 1)}: {pascal(rng, 1)}[];",
                "}",
                "",
            ]
        return [
            f"const {camel(rng)} = {{",
            f"  {camel(rng, 1)}: \"{rng.choice(NOUNS)}\",",
            f"  {camel(rng, 1)}: {rng.randint(0, 1000)},",
            f"  enabled: {rng.choice(['true', 'false'])},",
            "};",
            "",
        ]
    return [
        f"import {{ {pascal(rng)} }} from \"./{rng.choice(NOUNS)}/{camel(rng, 1)}\";",
        f"const {camel(rng)} = process.env.{upper_snake(rng)} ?? \"{rng.choice(NOUNS)}\";",
        "",
    ]


def _go_block(rng: random.Random) -> list[str]:
    fn, typ, arg = pascal(rng), pascal(rng, 1), camel(rng, 1)
    w = maybe_auth_word(rng)
    if rng.random() < 0.6:
        return [
            f"// {fn} {sentence(rng).lower()}",
            f"func (s *{typ}Service) {fn}(ctx context.Context, {arg} string) (*{typ}, error) {{",
            f"\tif {arg} == \"\" {{",
            f"\t\treturn nil, fmt.Errorf(\"{w}: empty {arg}\")",
            "\t}",
            f"\tv, err := s.store.Get(ctx, {arg})",
            "\tif err != nil {",
            f"\t\treturn nil, fmt.Errorf(\"{snake(rng)}: %w\", err)",
            "\t}",
            "\treturn v, nil",
            "}",
            "",
        ]
    return [
        f"type {typ}{pascal(rng, 1)} struct {{",
        f"\t{pascal(rng, 1)} string `json:\"{snake(rng, 1)}\"`",
        f"\t{pascal(rng, 1)}{w.capitalize()} int `json:\"{snake(rng, 1)}_{w}\"`",
        f"\tCreatedAt time.Time `json:\"created_at\"`",
        "}",
        "",
    ]


def _java_block(rng: random.Random) -> list[str]:
    fn, typ, arg = camel(rng), pascal(rng), camel(rng, 1)
    w = maybe_auth_word(rng)
    return [
        "    /**",
        f"     * {sentence(rng)}",
        "     */",
        f"    public {typ} {fn}(final String {arg}, int {camel(rng, 1)}) {{",
        f"        Objects.requireNonNull({arg}, \"{w}\");",
        f"        final {typ} result = this.{camel(rng, 1)}Repository.findBy{pascal(rng, 1)}({arg});",
        f"        LOG.info(\"{fn} {{}}\", result.get{pascal(rng, 1)}());",
        "        return result;",
        "    }",
        "",
    ]


def _rb_block(rng: random.Random) -> list[str]:
    return [
        f"  # {sentence(rng)}",
        f"  def {snake(rng)}({snake(rng, 1)}, {snake(rng, 1)}: {rng.randint(0, 99)})",
        f"    @{snake(rng, 1)} ||= {pascal(rng)}.where({snake(rng, 1)}: {snake(rng, 1)}).first",
        f"    raise ArgumentError, \"missing {maybe_auth_word(rng)}\" if @{snake(rng, 1)}.nil?",
        "  end",
        "",
    ]


def _yaml_block(rng: random.Random) -> list[str]:
    w = maybe_auth_word(rng)
    return [
        f"{snake(rng, 1)}:",
        f"  {snake(rng, 1)}: {rng.choice(NOUNS)}",
        f"  {snake(rng, 1)}_{w}: {rng.randint(1, 3600)}",
        f"  {snake(rng, 1)}:",
        f"    - {rng.choice(NOUNS)}-{rng.randint(1, 9)}",
        f"    - {rng.choice(NOUNS)}-{rng.randint(1, 9)}",
        f"  enabled: {rng.choice(['true', 'false'])}",
    ]


def _env_block(rng: random.Random) -> list[str]:
    return [
        f"# {sentence(rng, 3, 7)}",
        f"{upper_snake(rng)}={rng.choice(NOUNS)}",
        f"{upper_snake(rng)}={rng.randint(1, 65535)}",
        f"{upper_snake(rng, 1)}_URL=https://{rng.choice(NOUNS)}.{rng.choice(DOMAINS)}/v{rng.randint(1, 3)}",
    ]


def _ini_block(rng: random.Random) -> list[str]:
    return [
        f"[{snake(rng, 1)}]",
        f"{snake(rng, 1)} = {rng.choice(NOUNS)}",
        f"{snake(rng, 1)} = {rng.randint(1, 1000)}",
        f"{snake(rng, 1)}_enabled = {rng.choice(['true', 'false'])}",
        "",
    ]


def _properties_block(rng: random.Random) -> list[str]:
    return [
        f"# {sentence(rng, 3, 7)}",
        f"spring.{snake(rng, 1)}.{camel(rng, 1)}={rng.choice(NOUNS)}",
        f"app.{snake(rng, 1)}.{camel(rng, 1)}={rng.randint(1, 1000)}",
    ]


def _sql_block(rng: random.Random) -> list[str]:
    t = snake(rng, 1) + "s"
    return [
        f"-- {sentence(rng)}",
        f"CREATE TABLE IF NOT EXISTS {t} (",
        "    id BIGSERIAL PRIMARY KEY,",
        f"    {snake(rng, 1)}_id BIGINT NOT NULL REFERENCES {snake(rng, 1)}s(id),",
        f"    {snake(rng, 1)} VARCHAR({rng.choice([32, 64, 255])}) NOT NULL DEFAULT '{rng.choice(NOUNS)}',",
        "    created_at TIMESTAMPTZ NOT NULL DEFAULT now()",
        ");",
        f"CREATE INDEX {t}_{snake(rng, 1)}_idx ON {t} ({snake(rng, 1)}_id);",
        f"INSERT INTO {t} ({snake(rng, 1)}, {snake(rng, 1)}) VALUES ('{rng.choice(NOUNS)}', {rng.randint(0, 999)});",
        "",
    ]


def _tf_block(rng: random.Random) -> list[str]:
    return [
        f"resource \"aws_{rng.choice(['s3_bucket', 'sqs_queue', 'iam_role', 'lambda_function'])}\" \"{snake(rng, 1)}\" {{",
        f"  name = \"{snake(rng)}-{rng.choice(['prod', 'staging', 'dev'])}\"",
        "  tags = {",
        f"    team = \"{rng.choice(NOUNS)}\"",
        "  }",
        "}",
        "",
    ]


def _sh_block(rng: random.Random) -> list[str]:
    return [
        f"# {sentence(rng, 3, 8)}",
        f"{upper_snake(rng)}=\"${{{upper_snake(rng)}:-{rng.choice(NOUNS)}}}\"",
        f"if [ -d \"./{rng.choice(NOUNS)}\" ]; then",
        f"  {rng.choice(['make', 'npm run', 'go test', 'pytest'])} {rng.choice(NOUNS)} --{rng.choice(NOUNS)}=\"${{{upper_snake(rng, 1)}}}\"",
        "fi",
        "",
    ]


def _docker_block(rng: random.Random) -> list[str]:
    return [
        f"RUN apt-get update && apt-get install -y --no-install-recommends {rng.choice(['curl', 'git', 'make', 'jq'])} \\",
        "    && rm -rf /var/lib/apt/lists/*",
        f"COPY {rng.choice(NOUNS)}/ /app/{rng.choice(NOUNS)}/",
        f"ENV {upper_snake(rng)}={rng.choice(NOUNS)}",
        "",
    ]


def _md_block(rng: random.Random) -> list[str]:
    k = rng.random()
    if k < 0.5:
        return [f"## {sentence(rng, 2, 5)[:-1]}", "", sentence(rng) + " " + sentence(rng), ""]
    if k < 0.75:
        return [f"- {sentence(rng, 3, 9)}", f"- {sentence(rng, 3, 9)}", f"- `{snake(rng)}`: {sentence(rng, 3, 6)}", ""]
    return ["```bash", f"make {rng.choice(NOUNS)} {upper_snake(rng, 1)}={rng.choice(NOUNS)}", "```", ""]


FILLERS = {
    "py": _py_block,
    "js": _js_block,
    "ts": lambda r: _js_block(r, ts=True),
    "go": _go_block,
    "java": _java_block,
    "rb": _rb_block,
    "yaml": _yaml_block,
    "env": _env_block,
    "ini": _ini_block,
    "properties": _properties_block,
    "sql": _sql_block,
    "tf": _tf_block,
    "sh": _sh_block,
    "dockerfile": _docker_block,
    "md": _md_block,
}

HEADERS = {
    "py": lambda r: ["import logging", "import os", "", "logger = logging.getLogger(__name__)", ""],
    "js": lambda r: ["\"use strict\";", ""],
    "ts": lambda r: [f"import type {{ {pascal(r)} }} from \"./types\";", ""],
    "go": lambda r: [f"package {rng_word(r)}", "", "import (", "\t\"context\"", "\t\"fmt\"", "\t\"time\"", ")", ""],
    "java": lambda r: [f"package com.example.{rng_word(r)};", "", "import java.util.Objects;", "",
                       f"public class {pascal(r)} {{", ""],
    "rb": lambda r: [f"class {pascal(r)}Service", ""],
    "yaml": lambda r: ["---"],
    "env": lambda r: [],
    "ini": lambda r: [],
    "properties": lambda r: [],
    "sql": lambda r: ["BEGIN;", ""],
    "tf": lambda r: ["terraform {", "  required_version = \">= 1.5\"", "}", ""],
    "sh": lambda r: ["#!/usr/bin/env bash", "set -euo pipefail", ""],
    "dockerfile": lambda r: ["FROM python:3.12-slim", "WORKDIR /app", ""],
    "md": lambda r: [f"# {pascal(r)}", ""],
}
FOOTERS = {"java": ["}"], "rb": ["end"], "sql": ["COMMIT;"]}


def rng_word(rng: random.Random) -> str:
    return rng.choice(NOUNS)


def filler(rng: random.Random, lang: str, min_lines: int) -> list[str]:
    """At least ``min_lines`` lines of plausible ``lang`` source (no header/footer)."""
    make = FILLERS[lang]
    out: list[str] = []
    while len(out) < min_lines:
        out.extend(make(rng))
    return out


def json_doc(rng: random.Random, n_keys: int, depth: int = 0) -> dict:
    d: dict = {}
    for _ in range(n_keys):
        k = camel(rng, 1) if rng.random() < 0.5 else snake(rng, 1)
        r = rng.random()
        if depth < 2 and r < 0.2:
            d[k] = json_doc(rng, rng.randint(2, 5), depth + 1)
        elif r < 0.35:
            d[k] = [rng.choice(NOUNS) for _ in range(rng.randint(1, 4))]
        elif r < 0.6:
            d[k] = rng.randint(0, 100000)
        elif r < 0.7:
            d[k] = rng.choice([True, False])
        else:
            d[k] = f"{rng.choice(NOUNS)}-{rng.choice(NOUNS)}"
    return d


def minified_js_line(rng: random.Random, approx_len: int) -> str:
    """One long line that looks like bundler output."""
    parts: list[str] = ["!function(e,t){\"use strict\";"]
    n = len(parts[0])
    short = [a + b for a in LOWER for b in LOWER + DIGITS]
    while n < approx_len:
        a, b, c = rng.choice(short), rng.choice(short), rng.choice(short)
        r = rng.random()
        if r < 0.3:
            s = f"var {a}=function({b},{c}){{return {b}.{camel(rng, 1)}({c}||{rng.randint(0, 99)})}};"
        elif r < 0.55:
            s = f"{a}.prototype.{camel(rng, 1)}=function(){{if(!this.{b})throw new Error(\"{rng.choice(NOUNS)} {rng.choice(VERBS)}\");return this.{c}}};"
        elif r < 0.75:
            s = f"e.{camel(rng, 1)}={{{b}:\"{rng.choice(NOUNS)}\",{c}:{rng.randint(0, 9999)},{a}:!{rng.randint(0, 1)}}};"
        elif r < 0.9:
            s = f"for(var {a}=0;{a}<{b}.length;{a}++){c}[{a}]={b}[{a}]^{rng.randint(1, 255)};"
        else:
            s = f"t.exports={{{camel(rng, 1)}:{a},{camel(rng, 1)}:{b},version:\"{rng.randint(1, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 99)}\"}};"
        parts.append(s)
        n += len(s)
    parts.append("}(this,module);")
    return "".join(parts)


def npm_lock_entries(rng: random.Random, n: int) -> list[str]:
    """Lines of a package-lock.json 'packages' section (integrity hashes are not secrets)."""
    lines: list[str] = []
    for _ in range(n):
        name = f"{rng.choice(NOUNS)}-{rng.choice(VERBS)}"
        ver = f"{rng.randint(0, 12)}.{rng.randint(0, 30)}.{rng.randint(0, 40)}"
        lines += [
            f"    \"node_modules/{name}\": {{",
            f"      \"version\": \"{ver}\",",
            f"      \"resolved\": \"https://registry.npmjs.org/{name}/-/{name}-{ver}.tgz\",",
            f"      \"integrity\": \"{sri(rng, 'sha512')}\",",
            "      \"dev\": true",
            "    },",
        ]
    return lines


# ---------------------------------------------------------------------------------------------
# synthetic secrets (positives)

def gitlab_pat(rng): return "glpat-" + rs(rng, ALNUM_DASH, 20)
def gitlab_runner_token(rng): return "glrt-" + rs(rng, ALNUM_DASH, 20)
def gitlab_deploy_token(rng): return "gldt-" + rs(rng, ALNUM_DASH, 20)
def gitlab_trigger_token(rng): return "glptt-" + rs(rng, HEX, 40)
def anthropic_key(rng): return "sk-ant-api03-" + rs(rng, ALNUM_DASH, 93) + "AA"
def openai_key(rng): return "sk-proj-" + rs(rng, ALNUM_DASH, 74) + "T3BlbkFJ" + rs(rng, ALNUM_DASH, 74)
def aws_key_id(rng): return "AKIA" + rs(rng, BASE32_UPPER, 16)
def aws_secret_key(rng): return rs(rng, ALNUM + "+/", 40)
def github_pat(rng): return "ghp_" + rs(rng, ALNUM, 36)
def github_fine_grained(rng): return "github_pat_" + rs(rng, ALNUM, 22) + "_" + rs(rng, ALNUM, 59)
def github_app_token(rng): return rng.choice(["ghs_", "gho_", "ghu_"]) + rs(rng, ALNUM, 36)
def slack_bot_token(rng): return f"xoxb-{rs(rng, DIGITS, 11)}-{rs(rng, DIGITS, 13)}-{rs(rng, ALNUM, 24)}"
def slack_user_token(rng): return f"xoxp-{rs(rng, DIGITS, 11)}-{rs(rng, DIGITS, 11)}-{rs(rng, DIGITS, 13)}-{rs(rng, HEX, 32)}"
def slack_webhook(rng): return f"https://hooks.slack.com/services/T{rs(rng, UPPER + DIGITS, 8)}/B{rs(rng, UPPER + DIGITS, 10)}/{rs(rng, ALNUM, 24)}"
def discord_webhook(rng): return f"https://discord.com/api/webhooks/{rs(rng, DIGITS, 19)}/{rs(rng, ALNUM_DASH, 68)}"
def teams_webhook(rng):
    return (f"https://{rng.choice(['contoso', 'acmecorp', 'fabrikam'])}.webhook.office.com/webhookb2/"
            f"{uuid4(rng)}@{uuid4(rng)}/IncomingWebhook/{rs(rng, HEX, 32)}/{uuid4(rng)}")
def stripe_live(rng): return rng.choice(["sk_live_", "sk_live_", "rk_live_"]) + rs(rng, ALNUM, rng.choice([24, 99]))
def sendgrid_key(rng): return "SG." + rs(rng, ALNUM_DASH, 22) + "." + rs(rng, ALNUM_DASH, 43)
def npm_token(rng): return "npm_" + rs(rng, ALNUM, 36)
def pypi_token(rng): return "pypi-AgEIcHlwaS5vcmc" + rs(rng, ALNUM_DASH, 160)
def dockerhub_pat(rng): return "dckr_pat_" + rs(rng, ALNUM_DASH, 27)
def vault_token(rng): return "hvs.CAESI" + rs(rng, ALNUM_DASH, 90)
def datadog_api_key(rng): return rs(rng, HEX, 32)
def datadog_app_key(rng): return rs(rng, HEX, 40)
def sentry_dsn(rng): return f"https://{rs(rng, HEX, 32)}@o{rs(rng, DIGITS, 6)}.ingest.{rng.choice(['', 'us.', 'de.'])}sentry.io/{rs(rng, DIGITS, 7)}"
def azure_storage_key(rng): return b64(rbytes(rng, 64))
def azure_devops_pat(rng): return rs(rng, BASE32_LOWER, 52)
def google_api_key(rng): return "AIza" + rs(rng, ALNUM_DASH, 35)
def huggingface_token(rng): return "hf_" + rs(rng, string.ascii_letters, 34)
def telegram_bot_token(rng): return f"{rs(rng, '123456789', 1)}{rs(rng, DIGITS, 9)}:AA{rs(rng, ALNUM_DASH, 33)}"
def twilio_api_key(rng): return "SK" + rs(rng, HEX, 32)
def django_secret(rng): return rng.choice(["django-insecure-", ""]) + rs(rng, DJANGO_CHARS, 50)
def rails_secret(rng): return rs(rng, HEX, 128)
def nextauth_secret(rng): return b64(rbytes(rng, 32))
def jwt_secret(rng): return rng.choice([lambda: rs(rng, HEX, 64), lambda: b64(rbytes(rng, 48)), lambda: strong_password(rng, 32, 40)])()


def azure_sas_url(rng):
    sig = b64(rbytes(rng, 32)).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    acct = rng.choice(["prodassets", "mlartifacts", "backupsweu", "logsarchive"])
    return (f"https://{acct}.blob.core.windows.net/{rng.choice(NOUNS)}s?sv=2022-11-02&ss=b&srt=sco&sp=rl"
            f"&se=2027-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T00:00:00Z&st=2025-01-01T00:00:00Z&spr=https&sig={sig}")


def azure_storage_conn(rng):
    acct = rng.choice(["prodassets", "mlartifacts", "backupsweu", "logsarchive"])
    return f"DefaultEndpointsProtocol=https;AccountName={acct};AccountKey={azure_storage_key(rng)};EndpointSuffix=core.windows.net"


def jwt_token(rng):
    hdr = b64url_nopad(json.dumps({"alg": rng.choice(["HS256", "RS256"]), "typ": "JWT"}, separators=(",", ":")).encode())
    payload = {
        "sub": uuid4(rng),
        "iss": f"https://auth.{rng.choice(DOMAINS)}",
        "aud": rng.choice(NOUNS),
        "iat": 1700000000 + rng.randint(0, 10**7),
        "exp": 1800000000 + rng.randint(0, 10**7),
        "scope": " ".join(rng.sample(["read", "write", "admin", "deploy", "billing"], 2)),
    }
    body = b64url_nopad(json.dumps(payload, separators=(",", ":")).encode())
    sig = b64url_nopad(rbytes(rng, 32 if hdr.startswith("eyJhbGciOiJIUzI1") else 256))
    return f"{hdr}.{body}.{sig}"


def db_url(rng):
    scheme, port, db = rng.choice([("postgres", 5432, "app"), ("postgresql", 5432, "orders"),
                                   ("mysql", 3306, "shop"), ("mongodb+srv", None, "events"),
                                   ("redis", 6379, "0"), ("amqp", 5672, "vhost")])
    user = rng.choice(["app", "svc_orders", "admin", "reporting", "etl"])
    host = rng.choice(HOSTS)
    hp = host if port is None else f"{host}:{port}"
    if scheme == "redis":
        return f"redis://:{url_password(rng)}@{hp}/{db}"
    return f"{scheme}://{user}:{url_password(rng)}@{hp}/{db}"


def jdbc_url(rng):
    pw = strong_password(rng).replace(";", "_").replace("&", "_")
    if rng.random() < 0.5:
        return f"jdbc:postgresql://{rng.choice(HOSTS)}:5432/app?user=app&password={pw}&sslmode=require"
    return f"jdbc:sqlserver://{rng.choice(HOSTS)}:1433;databaseName=Orders;user=sa;password={pw};encrypt=true"


def adonet_conn(rng):
    pw = strong_password(rng).replace(";", "_")
    return (f"Server=tcp:{rng.choice(['orders', 'crm', 'billing'])}-sql.database.windows.net,1433;"
            f"Initial Catalog={pascal(rng, 1)};User ID=sqladmin;Password={pw};Encrypt=True;")


def basic_auth_value(rng):
    user = rng.choice(["deploy", "ci-bot", "admin", "jenkins", "svc-metrics"])
    return b64(f"{user}:{strong_password(rng)}".encode())


def url_with_credentials(rng):
    user = rng.choice(["deploy", "ci-bot", "oauth2", "builder", "svc-mirror"])
    host = rng.choice(["git.corp.example", "nexus.acme.io", "artifacts.internal.example.net", "pypi.corp.example"])
    return f"https://{user}:{url_password(rng)}@{host}/{rng.choice(['repo/project.git', 'simple/', 'repository/npm-private/'])}"


_PEM_PREFIX = {
    "RSA PRIVATE KEY": ("MIIEpAIBAAKCAQEA", 1190),
    "PRIVATE KEY": ("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", 1218),
    "EC PRIVATE KEY": ("MHcCAQEEI", 121),
    "OPENSSH PRIVATE KEY": ("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW", 300),
    "PGP PRIVATE KEY BLOCK": ("lQOYBG", 1000),
}


def pem_body(rng: random.Random, kind: str) -> list[str]:
    prefix, nbytes = _PEM_PREFIX[kind]
    text = prefix + b64(rbytes(rng, nbytes))[len(prefix):]
    width = 70 if kind == "OPENSSH PRIVATE KEY" else 64
    return [text[i:i + width] for i in range(0, len(text), width)]


def private_key_block(rng: random.Random, kind: str) -> list[str]:
    """Lines of an armoured private key (RSA, PKCS#8, EC, OpenSSH or PGP)."""
    lines = [armor(kind)]
    if kind == "PGP PRIVATE KEY BLOCK":
        lines.append("")
    lines += pem_body(rng, kind)
    if kind == "PGP PRIVATE KEY BLOCK":
        lines.append("=" + rs(rng, B64, 4))
    lines.append(armor(kind, end=True))
    return lines


def gcp_service_account(rng: random.Random) -> dict:
    project = f"{rng.choice(NOUNS)}-{rng.choice(['prod', 'analytics', 'ml'])}-{rs(rng, DIGITS, 6)}"
    email = f"{rng.choice(['ci-deployer', 'bq-reader', 'terraform'])}@{project}.iam.gserviceaccount.com"
    return {
        "type": "service_account",
        "project_id": project,
        "private_key_id": rs(rng, HEX, 40),
        "private_key": "\n".join(private_key_block(rng, "PRIVATE KEY")) + "\n",
        "client_email": email,
        "client_id": rs(rng, DIGITS, 21),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": "https://oauth2.googleapis.com/token",
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": f"https://www.googleapis.com/robot/v1/metadata/x509/{email.replace('@', '%40')}",
    }


# ---------------------------------------------------------------------------------------------
# look-alikes that are not secrets (hard negatives)

def aws_example_key_id() -> str:
    return "AKIA" + "IOSFODNN7" + "EXAMPLE"


def aws_example_secret() -> str:
    return "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY"


def jwt_io_sample() -> str:
    # the well-known sample token shown on jwt.io ("John Doe", HS256, secret "your-256-bit-secret")
    return ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + "."
            + "eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ" + "."
            + "SflKxwRJSMeKKF2QT4fwpMeJf36POk6y" + "JV_adQssw5c")


def stripe_test(rng): return rng.choice(["sk_test_", "rk_test_"]) + rs(rng, ALNUM, rng.choice([24, 99]))
def stripe_publishable(rng): return rng.choice(["pk_live_", "pk_live_", "pk_test_"]) + rs(rng, ALNUM, rng.choice([24, 99]))
def git_sha(rng): return rs(rng, HEX, 40)
def sri(rng, algo="sha512"): return f"{algo}-" + b64(rbytes(rng, {"sha256": 32, "sha384": 48, "sha512": 64}[algo]))
def sha256_hex(rng): return rs(rng, HEX, 64)


def ssh_public_key(rng):
    if rng.random() < 0.5:
        return "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + b64(rbytes(rng, 32))[1:43] + f" {rng.choice(['alice', 'deploy', 'ci'])}@{rng.choice(['laptop', 'build-01', 'bastion'])}"
    return "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ" + b64(rbytes(rng, 256))[:340] + f" {rng.choice(['bob', 'ops', 'jenkins'])}@{rng.choice(['workstation', 'runner-3'])}"


def public_pem_block(rng, kind="PUBLIC KEY") -> list[str]:
    body = b64(rbytes(rng, 294 if kind == "PUBLIC KEY" else 900))
    if kind == "PUBLIC KEY":
        body = "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + body[44:]
    else:
        body = "MIIDdzCCAl+gAwIBAgIE" + body[20:]
    return [armor(kind)] + [body[i:i + 64] for i in range(0, len(body), 64)] + [armor(kind, end=True)]


def sops_value(rng):
    data = b64(rbytes(rng, rng.randint(12, 48)))
    return f"ENC[AES256_GCM,data:{data},iv:{b64(rbytes(rng, 32))},tag:{b64(rbytes(rng, 16))},type:str]"


def sealed_value(rng):
    return "AgB" + b64(rbytes(rng, 500))[3:]


def ansible_vault_block(rng) -> list[str]:
    hexdata = rs(rng, HEX, 80 * rng.randint(4, 8))
    return ["$ANSIBLE_VAULT;1.1;AES256"] + [hexdata[i:i + 80] for i in range(0, len(hexdata), 80)]


def png_data_uri(rng):
    return "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA" + b64(rbytes(rng, rng.randint(120, 600)))
