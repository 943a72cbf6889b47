#!/usr/bin/env python3
"""Detection quality: a labelled corpus of merge-request diffs, scored for each scanner.

    quality.py [--seed 7] [--out bench/out/quality] [--tools policy-gate,gitleaks,kingfisher]
               [--no-policy-gate] [--generate-only]

Builds a git repository (bench/out/quality/repo) with a base commit and two MR commits that
add many file types. Every planted item is labelled {path, line, end_line, kind, label}:
  secret   a synthetic credential in the provider's real format, on an added line
  benign   a look-alike that is not a secret (documented sample keys, placeholders, variable
           references, public keys, encrypted values, hashes, ...), on an added line
  context  a secret that was already in the base version of a modified file (unchanged line)
  removed  a secret on a line the MR deletes
Only `secret` items count as positives. A finding is a true positive when its line range meets
a secret item's lines (a multi-line key block matches on any of its lines; each item counts
once); every other finding is a false positive and is listed with what it hit.
Writes labels.json, quality.json and quality.md next to the repository.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.dont_write_bytecode = True  # keep bench/ free of __pycache__
sys.path.insert(0, str(BENCH))
import synth as S  # noqa: E402
import tools as T  # noqa: E402
from gen_corpus import commit as git_commit, git  # noqa: E402

EPOCH = 1735689600


# ---------------------------------------------------------------------------------------------
# model

@dataclass
class Mark:
    first: int            # index into the snippet's lines
    last: int
    kind: str = ""
    label: str = ""
    value: str = ""       # the planted value (kept for matching removed lines)


@dataclass
class Snip:
    lines: list[str]
    marks: list[Mark] = field(default_factory=list)


def one(lines: list[str], i: int, value: str = "", j: int | None = None) -> Snip:
    return Snip(lines, [Mark(i, i if j is None else j, value=value)])


@dataclass
class SourceFile:
    path: str
    ftype: str
    head: list[Snip]
    base: list[Snip] | None = None   # None: the file is new in the MR
    commit: int = 1                  # which MR commit adds or changes it


def flatten(snips: list[Snip]) -> tuple[list[str], list[tuple[int, int, Mark]]]:
    lines: list[str] = []
    marks = []
    for s in snips:
        off = len(lines)
        lines.extend(s.lines)
        for m in s.marks:
            marks.append((off + m.first + 1, off + m.last + 1, m))
    return lines, marks


# ---------------------------------------------------------------------------------------------
# names and assignment syntax per file type

def words(name: str) -> list[str]:
    return name.lower().split("_")


def style(name: str, how: str) -> str:
    w = words(name)
    if how == "upper":
        return name.upper()
    if how == "snake":
        return "_".join(w)
    if how == "camel":
        return w[0] + "".join(x.capitalize() for x in w[1:])
    if how == "dots":
        return ".".join(w)
    if how == "kebab":
        return "-".join(w)
    return name


ASSIGN_TYPES = ("py", "js", "ts", "go", "java", "rb", "yaml", "json", "env", "ini", "properties",
                "sh", "dockerfile", "tf", "md", "xml")
SECTIONS = ("database", "integrations", "auth", "billing", "notifications", "storage", "ci", "monitoring")


def assign(rng: random.Random, ftype: str, name: str, value: str, quoted: bool = True) -> Snip:
    """`name = value` in the idiom of the file type; the value sits on the marked line."""
    q = (lambda v: f'"{v}"') if quoted else (lambda v: v)
    if ftype == "py":
        k = rng.random()
        if k < 0.6:
            return one([f"{style(name, 'upper')} = {q(value)}", ""], 0, value)
        if k < 0.8:
            return one([f"settings = {{", f'    "{style(name, "snake")}": {q(value)},', "}", ""], 1, value)
        return one([f'os.environ.setdefault("{style(name, "upper")}", {q(value)})', ""], 0, value)
    if ftype in ("js", "ts"):
        if rng.random() < 0.5:
            kw = "export const" if ftype == "ts" else "const"
            return one([f"{kw} {style(name, 'camel')} = {q(value)};", ""], 0, value)
        return one(["module.exports.config = {" if ftype == "js" else "export const config = {",
                    f"  {style(name, 'camel')}: {q(value)},", "};", ""], 1, value)
    if ftype == "go":
        if rng.random() < 0.5:
            return one([f"const {style(name, 'camel')} = {q(value)}", ""], 0, value)
        return one([f"var defaults = map[string]string{{", f'\t"{style(name, "snake")}": {q(value)},', "}", ""], 1, value)
    if ftype == "java":
        return one([f"    private static final String {style(name, 'upper')} = {q(value)};", ""], 0, value)
    if ftype == "rb":
        if rng.random() < 0.5:
            return one([f"  {style(name, 'upper')} = {q(value)}", ""], 0, value)
        return one([f"  config.{style(name, 'snake')} = {q(value)}", ""], 0, value)
    if ftype == "yaml":
        qq = q(value) if rng.random() < 0.5 else value
        return one([f"{rng.choice(SECTIONS)}:", f"  {style(name, 'snake')}: {qq}"], 1, value)
    if ftype == "json":
        return one([f'"{style(name, rng.choice(["camel", "snake"]))}": {json.dumps(value)}'], 0, value)
    if ftype == "env":
        return one([f"{style(name, 'upper')}={q(value) if rng.random() < 0.3 else value}"], 0, value)
    if ftype == "ini":
        return one([f"{style(name, 'snake')} = {value}"], 0, value)
    if ftype == "properties":
        return one([f"app.{rng.choice(SECTIONS)}.{style(name, 'dots')}={value}"], 0, value)
    if ftype == "sh":
        return one([f"export {style(name, 'upper')}={q(value)}", ""], 0, value)
    if ftype == "dockerfile":
        return one([f"{rng.choice(['ENV', 'ARG'])} {style(name, 'upper')}={value}", ""], 0, value)
    if ftype == "tf":
        block = rng.choice([f'provider "{rng.choice(["vault", "gitlab", "datadog", "aws"])}" {{',
                            f'resource "kubernetes_secret" "{rng.choice(S.NOUNS)}" {{',
                            f'module "{rng.choice(S.NOUNS)}" {{'])
        return one([block, f"  {style(name, 'snake')} = {q(value)}", "}", ""], 1, value)
    if ftype == "md":
        if rng.random() < 0.6:
            return one(["```bash", f"export {style(name, 'upper')}={value}", "```", ""], 1, value)
        return one([f"Set `{style(name, 'upper')}` to `{value}` before running the job.", ""], 0, value)
    if ftype == "xml":
        tag = style(name, "camel")
        return one([f"    <{tag}>{value}</{tag}>"], 0, value)
    raise ValueError(ftype)


# ---------------------------------------------------------------------------------------------
# positives: (kind, count, file types, names, value generator)

def pem_in(rng: random.Random, ftype: str, block: list[str], name: str) -> Snip:
    n = len(block)
    if ftype == "py":
        return Snip([f'{style(name, "upper")} = """' + block[0], *block[1:-1], block[-1] + '"""', ""], [Mark(0, n - 1)])
    if ftype == "go":
        return Snip([f"const {style(name, 'camel')} = `" + block[0], *block[1:-1], block[-1] + "`", ""], [Mark(0, n - 1)])
    if ftype == "yaml":
        return Snip([f"{style(name, 'snake')}: |", *("  " + b for b in block)], [Mark(1, n)])
    if ftype == "tf":
        return Snip([f'resource "tls_private_key_import" "{rng.choice(S.NOUNS)}" {{',
                     f"  {style(name, 'snake')} = <<-EOT", *("    " + b for b in block), "  EOT", "}", ""],
                    [Mark(2, n + 1)])
    if ftype == "env":
        return one([f'{style(name, "upper")}="' + "\\n".join(block) + '\\n"'], 0)
    if ftype == "json":
        return one([f'"{style(name, "camel")}": {json.dumps(chr(10).join(block) + chr(10))}'], 0)
    if ftype == "md":
        return Snip(["```", *block, "```", ""], [Mark(1, n)])
    raise ValueError(ftype)


POSITIVES: list[tuple[str, int, tuple[str, ...], tuple[str, ...], object]] = [
    ("gitlab-pat", 10, ("env", "sh", "yaml", "py", "md", "ini", "json", "ts"),
     ("GITLAB_TOKEN", "GITLAB_PRIVATE_TOKEN", "CI_PUSH_TOKEN", "RELEASE_TOKEN"), S.gitlab_pat),
    ("gitlab-runner-token", 2, ("yaml", "env", "sh"), ("RUNNER_TOKEN", "CI_SERVER_TOKEN"), S.gitlab_runner_token),
    ("gitlab-deploy-token", 2, ("env", "yaml", "sh"), ("DEPLOY_TOKEN", "REGISTRY_DEPLOY_TOKEN"), S.gitlab_deploy_token),
    ("gitlab-trigger-token", 2, ("sh", "yaml", "env"), ("TRIGGER_TOKEN", "PIPELINE_TRIGGER_TOKEN"), S.gitlab_trigger_token),
    ("anthropic-api-key", 10, ("env", "py", "ts", "js", "yaml", "json", "go", "md", "sh"),
     ("ANTHROPIC_API_KEY", "CLAUDE_API_KEY", "LLM_API_KEY"), S.anthropic_key),
    ("openai-api-key", 10, ("env", "py", "ts", "js", "yaml", "json", "rb", "md"),
     ("OPENAI_API_KEY", "OPENAI_KEY", "LLM_API_KEY"), S.openai_key),
    ("github-pat", 9, ("env", "sh", "yaml", "py", "js", "dockerfile", "md"),
     ("GITHUB_TOKEN", "GH_TOKEN", "GITHUB_PAT", "HOMEBREW_GITHUB_API_TOKEN"), S.github_pat),
    ("github-fine-grained-pat", 3, ("env", "yaml", "sh"), ("GITHUB_TOKEN", "GH_PAT"), S.github_fine_grained),
    ("github-app-token", 3, ("env", "py", "json"), ("GITHUB_APP_TOKEN", "GITHUB_INSTALLATION_TOKEN"), S.github_app_token),
    ("slack-bot-token", 7, ("env", "py", "yaml", "js", "json", "go"), ("SLACK_BOT_TOKEN", "SLACK_TOKEN"), S.slack_bot_token),
    ("slack-user-token", 2, ("env", "py"), ("SLACK_USER_TOKEN", "SLACK_OAUTH_TOKEN"), S.slack_user_token),
    ("slack-webhook", 5, ("env", "yaml", "py", "json", "sh"), ("SLACK_WEBHOOK_URL", "ALERT_WEBHOOK"), S.slack_webhook),
    ("discord-webhook", 4, ("env", "yaml", "js", "py"), ("DISCORD_WEBHOOK_URL", "DISCORD_WEBHOOK"), S.discord_webhook),
    ("teams-webhook", 4, ("env", "yaml", "json", "py"), ("TEAMS_WEBHOOK_URL", "MSTEAMS_WEBHOOK"), S.teams_webhook),
    ("stripe-live-key", 7, ("env", "py", "rb", "js", "yaml", "json"), ("STRIPE_SECRET_KEY", "STRIPE_API_KEY"), S.stripe_live),
    ("sendgrid-api-key", 5, ("env", "py", "js", "yaml", "java"), ("SENDGRID_API_KEY", "MAIL_API_KEY"), S.sendgrid_key),
    ("npm-token", 4, ("env", "sh", "yaml", "dockerfile"), ("NPM_TOKEN", "NODE_AUTH_TOKEN"), S.npm_token),
    ("pypi-token", 2, ("env", "sh"), ("PYPI_TOKEN", "TWINE_PASSWORD"), S.pypi_token),
    ("dockerhub-pat", 6, ("env", "sh", "yaml", "json"), ("DOCKERHUB_TOKEN", "DOCKER_PASSWORD", "REGISTRY_PASSWORD"), S.dockerhub_pat),
    ("vault-token", 5, ("env", "sh", "yaml", "tf", "py"), ("VAULT_TOKEN", "VAULT_ROOT_TOKEN"), S.vault_token),
    ("datadog-api-key", 7, ("env", "yaml", "tf", "py", "json"), ("DD_API_KEY", "DATADOG_API_KEY", "DATADOG_APP_KEY", "DD_APP_KEY"), None),
    ("sentry-dsn", 5, ("env", "py", "js", "ts", "yaml"), ("SENTRY_DSN", "SENTRY_DSN_BACKEND"), S.sentry_dsn),
    ("azure-storage-key", 7, ("env", "json", "yaml", "py", "properties", "xml"),
     ("AZURE_STORAGE_CONNECTION_STRING", "STORAGE_CONNECTION", "BLOB_CONNECTION_STRING"), S.azure_storage_conn),
    ("azure-sas-token", 4, ("env", "yaml", "py", "md"), ("AZURE_BLOB_SAS_URL", "ARTIFACTS_SAS_URL"), S.azure_sas_url),
    ("azure-devops-pat", 5, ("env", "yaml", "sh", "ini"), ("AZURE_DEVOPS_PAT", "AZURE_DEVOPS_EXT_PAT", "ADO_TOKEN"), S.azure_devops_pat),
    ("jwt", 8, ("env", "py", "json", "sh", "js", "yaml"), ("API_TOKEN", "ACCESS_TOKEN", "SERVICE_JWT", "BEARER_TOKEN"), S.jwt_token),
    ("db-url", 12, ("env", "yaml", "py", "json", "ts", "go", "properties", "dockerfile", "ini"),
     ("DATABASE_URL", "REDIS_URL", "MONGO_URI", "AMQP_URL", "CELERY_BROKER_URL"), S.db_url),
    ("jdbc-url", 5, ("properties", "yaml", "java", "xml", "env"), ("SPRING_DATASOURCE_URL", "JDBC_URL"), S.jdbc_url),
    ("adonet-connection-string", 5, ("json", "xml", "env", "yaml"), ("CONNECTION_STRING", "DEFAULT_CONNECTION"), S.adonet_conn),
    ("generic-password", 18, ("env", "yaml", "ini", "properties", "py", "tf", "xml", "json", "sh", "java", "rb"),
     ("DB_PASSWORD", "POSTGRES_PASSWORD", "MYSQL_ROOT_PASSWORD", "SMTP_PASSWORD", "ADMIN_PASSWORD",
      "LDAP_BIND_PASSWORD", "REDIS_PASSWORD", "KEYSTORE_PASSWORD"), None),
    ("django-secret-key", 4, ("py", "env"), ("SECRET_KEY", "DJANGO_SECRET_KEY"), S.django_secret),
    ("rails-secret-key-base", 4, ("yaml", "env", "rb"), ("SECRET_KEY_BASE",), S.rails_secret),
    ("nextauth-secret", 4, ("env", "yaml", "ts"), ("NEXTAUTH_SECRET", "AUTH_SECRET"), S.nextauth_secret),
    ("jwt-secret", 5, ("env", "yaml", "js", "go", "json"), ("JWT_SECRET", "JWT_SIGNING_KEY", "TOKEN_SECRET"), S.jwt_secret),
    ("google-api-key", 4, ("env", "js", "json", "yaml"), ("GOOGLE_API_KEY", "MAPS_API_KEY", "FIREBASE_API_KEY"), S.google_api_key),
    ("huggingface-token", 4, ("env", "py", "sh", "yaml"), ("HF_TOKEN", "HUGGINGFACE_HUB_TOKEN"), S.huggingface_token),
    ("telegram-bot-token", 3, ("env", "py", "yaml"), ("TELEGRAM_BOT_TOKEN", "TELEGRAM_TOKEN"), S.telegram_bot_token),
    ("twilio-api-key", 3, ("env", "py", "yaml"), ("TWILIO_API_KEY", "TWILIO_API_KEY_SID"), S.twilio_api_key),
]

PEM_KINDS = [  # kind, count, armour
    ("private-key-rsa", 6, "RSA PRIVATE KEY"),
    ("private-key-pkcs8", 4, "PRIVATE KEY"),
    ("private-key-ec", 3, "EC PRIVATE KEY"),
    ("private-key-openssh", 6, "OPENSSH PRIVATE KEY"),
    ("private-key-pgp", 3, "PGP PRIVATE KEY BLOCK"),
]


def positive_value(rng: random.Random, kind: str, name: str, gen) -> str:
    if kind == "datadog-api-key":
        return S.datadog_app_key(rng) if "APP" in name else S.datadog_api_key(rng)
    if kind == "generic-password":
        return S.generated_password(rng)
    return gen(rng)


def special_positive(rng: random.Random, kind: str, ftype: str) -> Snip:
    """Snippets whose syntax is not a plain assignment."""
    if kind == "aws-pair":
        kid, sec = S.aws_key_id(rng), S.aws_secret_key(rng)
        a = assign(rng, ftype, "AWS_ACCESS_KEY_ID", kid)
        b = assign(rng, ftype, "AWS_SECRET_ACCESS_KEY", sec)
        ma, mb = a.marks[0], b.marks[0]
        ma.kind, mb.kind = "aws-access-key-id", "aws-secret-access-key"
        mb.first += len(a.lines)
        mb.last += len(a.lines)
        return Snip(a.lines + b.lines, [ma, mb])
    if kind == "basic-auth-header":
        v = S.basic_auth_value(rng)
        url = f"https://{rng.choice(['api', 'jenkins', 'nexus'])}.{rng.choice(S.DOMAINS)}/{rng.choice(S.NOUNS)}"
        if ftype == "sh":
            return one([f'curl -fsS -H "Authorization: Basic {v}" {url}', ""], 0)
        if ftype == "py":
            return one([f'HEADERS = {{"Authorization": "Basic {v}", "Accept": "application/json"}}', ""], 0)
        if ftype in ("js", "ts"):
            return one(["const headers = {", f'  Authorization: "Basic {v}",', "};", ""], 1)
        if ftype == "yaml":
            return one(["http_check:", "  headers:", f"    Authorization: Basic {v}"], 2)
        return one([f"    <httpHeader name=\"Authorization\" value=\"Basic {v}\"/>"], 0)  # xml
    if kind == "url-credentials":
        u = S.url_with_credentials(rng)
        if ftype == "sh":
            return one([f"git clone {u} vendor/{rng.choice(S.NOUNS)}", ""], 0)
        if ftype == "dockerfile":
            return one([f"RUN pip install --no-cache-dir --index-url {u} {rng.choice(S.NOUNS)}-client", ""], 0)
        if ftype == "py":
            return one([f'MIRROR_URL = "{u}"', ""], 0)
        if ftype == "yaml":
            return one(["repositories:", f"  - url: {u}"], 1)
        return one([f"{rng.choice(['PIP_INDEX_URL', 'GIT_MIRROR', 'NPM_REGISTRY'])}={u}"], 0)  # env
    if kind == "sql-password":
        pw = S.strong_password(rng).replace("'", "")
        role = rng.choice(["app_rw", "reporting", "etl_loader", "svc_orders"])
        return one([rng.choice([
            f"CREATE USER {role} WITH PASSWORD '{pw}';",
            f"ALTER ROLE {role} WITH LOGIN PASSWORD '{pw}';",
            f"CREATE LOGIN {role} WITH PASSWORD = '{pw}';",
            f"ALTER USER '{role}'@'%' IDENTIFIED BY '{pw}';",
            f"CREATE ROLE {role} LOGIN ENCRYPTED PASSWORD '{pw}' VALID UNTIL 'infinity';",
        ]), ""], 0, pw)
    raise ValueError(kind)


SPECIAL_POSITIVES = [  # kind, count, file types
    ("aws-pair", 8, ("env", "ini", "py", "tf", "yaml", "json", "sh", "properties")),
    ("basic-auth-header", 7, ("sh", "py", "js", "yaml", "xml")),
    ("url-credentials", 8, ("sh", "dockerfile", "py", "yaml", "env")),
    ("sql-password", 7, ("sql",)),
]


# ---------------------------------------------------------------------------------------------
# negatives

PLACEHOLDERS = ["xxxxxxxxxxxxxxxxxxxx", "<YOUR_TOKEN>", "changeme", "your-api-key-here", "REPLACE_ME",
                "<insert-api-key>", "TODO", "dummy", "glpat-xxxxxxxxxxxxxxxxxxxx",
                "ghp_" + "X" * 36, "sk-ant-api03-...", "sk-proj-...", "<redacted>", "${SECRET}",
                "your_password_here", "AKIAXXXXXXXXXXXXXXXX", "sk_live_" + "x" * 24, "xoxb-your-token",
                "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
                "postgres://user:password@localhost:5432/app", "<password>", "null", "none", "example"]
PH_NAMES = ("API_KEY", "GITLAB_TOKEN", "DB_PASSWORD", "SECRET_KEY", "ACCESS_TOKEN", "OPENAI_API_KEY",
            "SLACK_WEBHOOK_URL", "AUTH_TOKEN", "CLIENT_SECRET", "DATABASE_URL")


def env_reference(rng: random.Random, ftype: str) -> Snip:
    var = rng.choice(("DB_PASSWORD", "GITLAB_TOKEN", "API_KEY", "ANTHROPIC_API_KEY", "AWS_SECRET_ACCESS_KEY",
                      "STRIPE_SECRET_KEY", "JWT_SECRET", "NPM_TOKEN", "SLACK_BOT_TOKEN"))
    low = var.lower()
    forms = {
        "py": [f'{var} = os.environ["{var}"]', f'{low} = os.getenv("{var}", "")',
               f'{low} = settings.get_secret("{low}")'],
        "js": [f"const {style(var, 'camel')} = process.env.{var};", f"const {style(var, 'camel')} = process.env[\"{var}\"] ?? \"\";"],
        "ts": [f"export const {style(var, 'camel')}: string = process.env.{var}!;", f"const {style(var, 'camel')} = import.meta.env.VITE_{var};"],
        "go": [f'{style(var, "camel")} := os.Getenv("{var}")', f'{style(var, "camel")}, ok := os.LookupEnv("{var}")'],
        "java": [f'    private final String {style(var, "camel")} = System.getenv("{var}");',
                 f'    @Value("${{{low.replace("_", ".")}}}") private String {style(var, "camel")};'],
        "rb": [f"  {low} = ENV.fetch(\"{var}\")", f"  {low} = Rails.application.credentials.{low}"],
        "yaml": [f"{low}: ${{{var}}}", f"{low}: \"{{{{ .Values.secrets.{style(var, 'camel')} }}}}\"",
                 f"{low}: $CI_{var}", f"{low}: \"{{{{ lookup('env', '{var}') }}}}\""],
        "json": [f'"{style(var, "camel")}": "${{{var}}}"', f'"{style(var, "camel")}": "{{{{ {var} }}}}"'],
        "env": [f"{var}=${{VAULT_{var}}}", f"{var}=${var}_FROM_CI", f"{var}="],
        "ini": [f"{low} = %({low})s", f"{low} = %{var}%", f"{low} = ${{{var}}}"],
        "properties": [f"app.secrets.{low.replace('_', '.')}=${{{var}}}", f"spring.datasource.password=${{{var}:}}"],
        "sh": [f'curl -fsS -H "Authorization: Bearer ${var}" https://gitlab.example.com/api/v4/user',
               f'export {var}="${{{var}:?{var} must be set}}"', f"docker login -u ci -p \"${var}\" registry.example.com"],
        "dockerfile": [f"ARG {var}", f"ENV {var}=${{{var}}}"],
        "tf": [f"  password = var.{low}", f"  token    = data.vault_generic_secret.{low}.data[\"value\"]",
               "  password = random_password.db.result"],
        "md": [f"Export `{var}` from the CI/CD variables page: `export {var}=${var}`.",
               f"Set `{var}` with `%{var}%` on Windows runners."],
        "xml": [f"    <password>${{env.{var}}}</password>"],
    }
    line = rng.choice(forms[ftype])
    if ftype in ("py", "js", "ts", "go", "sh", "dockerfile", "md"):
        return one([line, ""], 0)
    if ftype == "tf":
        return one([f'resource "aws_db_instance" "{rng.choice(S.NOUNS)}" {{', line, "}", ""], 1)
    return one([line], 0)


def masked(rng: random.Random, ftype: str) -> Snip:
    v = rng.choice(["****", "********", "************************", "sk-ant-****", "ghp_****************",
                    "glpat-********************", "[MASKED]", "•••••••••••"])
    return assign(rng, ftype, rng.choice(PH_NAMES), v)


def config_name(rng: random.Random, ftype: str) -> Snip:
    """Keywords such as password/token/secret next to values that are not credentials."""
    pairs = [("PASSWORD_MIN_LENGTH", "12"), ("TOKEN_TYPE", "Bearer"), ("AUTH_METHOD", "oauth2"),
             ("SECRET_NAME", "db-credentials"), ("API_KEY_HEADER", "X-API-Key"), ("PASSWORD_FIELD", "password"),
             ("TOKEN_TTL_SECONDS", "3600"), ("SECRET_MOUNT_PATH", "/var/run/secrets/app"),
             ("AUTH_URL", "https://auth.example.com/oauth/authorize"), ("KEY_ALGORITHM", "RS256"),
             ("ACCESS_LOG_FORMAT", "combined"), ("CREDENTIALS_PROVIDER", "instance-profile"),
             ("API_VERSION", "2024-06-01"), ("PASSWORD_RESET_PATH", "/account/password/reset")]
    name, value = rng.choice(pairs)
    return assign(rng, ftype, name, value)


def weak_default(rng: random.Random, ftype: str) -> Snip:
    name = rng.choice(("POSTGRES_PASSWORD", "DB_PASSWORD", "ADMIN_PASSWORD", "TEST_PASSWORD"))
    return assign(rng, ftype, name, rng.choice(["postgres", "password", "test", "admin", "secret", "example", "dev"]))


def benign_value(rng: random.Random, kind: str, ftype: str) -> Snip:
    if kind == "aws-example-keys":
        a = assign(rng, ftype, "AWS_ACCESS_KEY_ID", S.aws_example_key_id())
        b = assign(rng, ftype, "AWS_SECRET_ACCESS_KEY", S.aws_example_secret())
        mb = b.marks[0]
        mb.first += len(a.lines)
        mb.last += len(a.lines)
        return Snip(a.lines + b.lines, [a.marks[0], mb])
    if kind == "jwt-io-sample":
        return assign(rng, ftype, rng.choice(("EXAMPLE_TOKEN", "SAMPLE_JWT", "TEST_BEARER")), S.jwt_io_sample())
    if kind == "stripe-test-key":
        return assign(rng, ftype, "STRIPE_SECRET_KEY", S.stripe_test(rng))
    if kind == "stripe-publishable-key":
        return assign(rng, ftype, rng.choice(("STRIPE_PUBLISHABLE_KEY", "NEXT_PUBLIC_STRIPE_KEY")), S.stripe_publishable(rng))
    if kind == "placeholder":
        return assign(rng, ftype, rng.choice(PH_NAMES), rng.choice(PLACEHOLDERS))
    if kind == "env-reference":
        return env_reference(rng, ftype)
    if kind == "masked-value":
        return masked(rng, ftype)
    if kind == "ssh-public-key":
        return assign(rng, ftype, rng.choice(("DEPLOY_PUBLIC_KEY", "SSH_AUTHORIZED_KEY")), S.ssh_public_key(rng))
    if kind == "uuid":
        return assign(rng, ftype, rng.choice(("TENANT_ID", "CLIENT_ID", "REQUEST_ID", "SUBSCRIPTION_ID",
                                              "WORKSPACE_ID", "CORRELATION_ID")), S.uuid4(rng))
    if kind == "git-sha":
        return assign(rng, ftype, rng.choice(("GIT_COMMIT", "BASE_SHA", "PINNED_REVISION", "CI_COMMIT_SHA")), S.git_sha(rng))
    if kind == "hex-checksum":
        name, val = rng.choice([("MD5_CHECKSUM", S.rs(rng, S.HEX, 32)), ("ARCHIVE_SHA256", S.sha256_hex(rng)),
                                ("TRACE_ID", S.rs(rng, S.HEX, 32)), ("BUILD_FINGERPRINT", S.rs(rng, S.HEX, 40)),
                                ("ETAG", S.rs(rng, S.HEX, 32))])
        return assign(rng, ftype, name, val)
    if kind == "aws-arn":
        return assign(rng, ftype, rng.choice(("ROLE_ARN", "KMS_KEY_ARN", "TOPIC_ARN")),
                      f"arn:aws:{rng.choice(['iam', 'kms', 'sns'])}::{S.rs(rng, S.DIGITS, 12)}:"
                      f"{rng.choice(['role/ci-deployer', 'key/' + S.uuid4(rng), 'alerts'])}")
    if kind == "config-name":
        return config_name(rng, ftype)
    if kind == "weak-default-password":
        return weak_default(rng, ftype)
    if kind == "sops-encrypted":
        return assign(rng, ftype, rng.choice(("DB_PASSWORD", "API_TOKEN", "CLIENT_SECRET")), S.sops_value(rng))
    if kind == "base64-image":
        uri = S.png_data_uri(rng)
        if ftype == "md":
            return one([f"![status badge]({uri})", ""], 0)
        return assign(rng, ftype, rng.choice(("LOGO_DATA_URI", "PLACEHOLDER_IMAGE")), uri)
    if kind == "integrity-hash":
        algo = rng.choice(["sha384", "sha512", "sha256"])
        if ftype == "md":
            return one([f'<script src="https://cdn.example.com/widget.min.js" integrity="{S.sri(rng, algo)}" crossorigin="anonymous"></script>', ""], 0)
        if ftype == "dockerfile":
            return one([f"FROM python:3.12-slim@sha256:{S.sha256_hex(rng)}", ""], 0)
        return assign(rng, ftype, "SCRIPT_INTEGRITY", S.sri(rng, algo))
    raise ValueError(kind)


NEGATIVES = [  # kind, count, file types
    ("aws-example-keys", 5, ("env", "py", "md", "yaml", "ini")),          # 2 items each
    ("jwt-io-sample", 6, ("py", "js", "md", "json", "env")),
    ("stripe-test-key", 8, ("env", "py", "rb", "js", "yaml")),
    ("stripe-publishable-key", 6, ("env", "js", "ts", "json")),
    ("placeholder", 36, ASSIGN_TYPES),
    ("env-reference", 36, ASSIGN_TYPES),
    ("masked-value", 12, ("env", "yaml", "md", "json", "py")),
    ("ssh-public-key", 8, ("yaml", "tf", "env", "md")),
    ("uuid", 18, ("env", "yaml", "json", "py", "ts", "tf", "properties")),
    ("git-sha", 12, ("env", "yaml", "json", "py", "sh")),
    ("hex-checksum", 12, ("env", "yaml", "json", "py", "go", "sh")),
    ("aws-arn", 6, ("yaml", "tf", "env", "json")),
    ("config-name", 16, ("env", "yaml", "py", "ts", "properties", "ini", "java")),
    ("weak-default-password", 12, ("yaml", "env", "py", "properties")),
    ("sops-encrypted", 4, ("yaml", "json", "env")),
    ("base64-image", 6, ("md", "js", "json", "py")),
    ("integrity-hash", 8, ("md", "dockerfile", "js", "json")),
]


# ---------------------------------------------------------------------------------------------
# whole documents (each returns the file's snippets; marks carry kind and label)

def doc_k8s_secret(rng: random.Random) -> list[Snip]:
    name = f"{rng.choice(S.NOUNS)}-credentials"
    data = []
    for key, raw in rng.sample([("password", S.strong_password(rng)), ("api-token", S.gitlab_pat(rng)),
                                ("DB_PASSWORD", S.strong_password(rng)), ("client-secret", S.rs(rng, S.ALNUM, 40)),
                                ("redis-password", S.strong_password(rng))], rng.randint(1, 3)):
        data.append(f"  {key}: {base64.b64encode(raw.encode()).decode()}")
    head = ["apiVersion: v1", "kind: Secret", "metadata:", f"  name: {name}", f"  namespace: {rng.choice(S.NOUNS)}",
            "type: Opaque", "data:"]
    return [Snip(head + data, [Mark(len(head), len(head) + len(data) - 1, "k8s-secret-data", "secret")])]


def doc_sealed_secret(rng: random.Random) -> list[Snip]:
    lines = ["apiVersion: bitnami.com/v1alpha1", "kind: SealedSecret", "metadata:",
             f"  name: {rng.choice(S.NOUNS)}-credentials", "spec:", "  encryptedData:"]
    marks = []
    for key in rng.sample(["password", "api-token", "client-secret", "DB_PASSWORD"], 2):
        marks.append(Mark(len(lines), len(lines), "sealed-secret", "benign"))
        lines.append(f"    {key}: {S.sealed_value(rng)}")
    lines += ["  template:", "    type: Opaque"]
    return [Snip(lines, marks)]


def doc_secret_ref(rng: random.Random) -> list[Snip]:
    """A Deployment whose env comes from secretKeyRef / ExternalSecret-style references."""
    svc = rng.choice(S.NOUNS)
    lines = ["apiVersion: apps/v1", "kind: Deployment", "metadata:", f"  name: {svc}", "spec:", "  template:",
             "    spec:", "      containers:", f"        - name: {svc}",
             f"          image: registry.example.com/{svc}@sha256:{S.sha256_hex(rng)}", "          env:"]
    marks = [Mark(9, 9, "integrity-hash", "benign")]
    for var in rng.sample(["DB_PASSWORD", "API_TOKEN", "JWT_SECRET", "STRIPE_SECRET_KEY"], 2):
        lines += [f"            - name: {var}", "              valueFrom:", "                secretKeyRef:",
                  f"                  name: {svc}-secrets", f"                  key: {var.lower().replace('_', '-')}"]
        marks.append(Mark(len(lines) - 2, len(lines) - 1, "secret-reference", "benign"))
    return [Snip(lines, marks)]


def doc_kubeconfig(rng: random.Random) -> list[Snip]:
    ca = base64.b64encode("\n".join(S.public_pem_block(rng, "CERTIFICATE")).encode()).decode()
    cert = base64.b64encode("\n".join(S.public_pem_block(rng, "CERTIFICATE")).encode()).decode()
    key = base64.b64encode(("\n".join(S.private_key_block(rng, rng.choice(["RSA PRIVATE KEY", "EC PRIVATE KEY"]))) + "\n").encode()).decode()
    cl = rng.choice(["prod-eu", "staging", "ops"])
    lines = ["apiVersion: v1", "kind: Config", "clusters:", "- cluster:", f"    certificate-authority-data: {ca}",
             f"    server: https://{cl}.k8s.example.com:6443", f"  name: {cl}", "contexts:", "- context:",
             f"    cluster: {cl}", "    user: ci-deployer", f"  name: {cl}", f"current-context: {cl}", "users:",
             "- name: ci-deployer", "  user:", f"    client-certificate-data: {cert}", f"    client-key-data: {key}"]
    return [Snip(lines, [Mark(4, 4, "certificate-data", "benign"), Mark(16, 16, "certificate-data", "benign"),
                         Mark(17, 17, "kubeconfig-client-key", "secret")])]


def doc_docker_config(rng: random.Random) -> list[Snip]:
    user = rng.choice(["ci-bot", "deploy", "gitlab-ci-token"])
    tok = rng.choice([S.gitlab_pat, S.dockerhub_pat, S.github_pat])(rng)
    reg = rng.choice(["registry.gitlab.com", "https://index.docker.io/v1/", "ghcr.io", "registry.example.com"])
    auth = base64.b64encode(f"{user}:{tok}".encode()).decode()
    lines = ["{", '  "auths": {', f'    "{reg}": {{', f'      "auth": "{auth}"', "    }", "  },",
             '  "credsStore": "desktop",', '  "currentContext": "default"', "}"]
    return [Snip(lines, [Mark(3, 3, "docker-config-auth", "secret")])]


def doc_gcp_sa(rng: random.Random) -> list[Snip]:
    text = json.dumps(S.gcp_service_account(rng), indent=2).split("\n")
    return [Snip(text, [Mark(0, len(text) - 1, "gcp-service-account", "secret")])]


def doc_notebook(rng: random.Random) -> list[Snip]:
    kind_val = rng.choice([
        ('openai.api_key = "{}"', S.openai_key), ('os.environ["ANTHROPIC_API_KEY"] = "{}"', S.anthropic_key),
        ('login(token="{}")', S.huggingface_token), ('OPENAI_API_KEY = "{}"', S.openai_key),
        ('OPENAI_API_KEY = "{}"', S.openai_key)])
    code_line = kind_val[0].format(kind_val[1](rng))
    src = ["import os\n", "import pandas as pd\n", code_line + "\n", f"df = pd.read_csv(\"{rng.choice(S.NOUNS)}.csv\")\n",
           "df.head()"]
    lines = ["{", ' "cells": [', "  {", '   "cell_type": "markdown",', '   "metadata": {},', '   "source": [',
             f"    {json.dumps('# ' + S.sentence(rng, 2, 5))}", "   ]", "  },", "  {", '   "cell_type": "code",',
             '   "execution_count": 1,', '   "metadata": {},', '   "outputs": [', "    {", '     "data": {',
             f'      "image/png": {json.dumps(S.png_data_uri(rng).split(",", 1)[1])},',
             '      "text/plain": [', '       "<Figure size 640x480 with 1 Axes>"', "      ]", "     },",
             '     "metadata": {},', '     "output_type": "display_data"', "    }", "   ],", '   "source": [']
    marks = [Mark(16, 16, "base64-image", "benign")]
    for i, s in enumerate(src):
        if i == 2:
            marks.append(Mark(len(lines), len(lines), "notebook-key", "secret"))
        lines.append("    " + json.dumps(s) + ("," if i < len(src) - 1 else ""))
    lines += ["   ]", "  }", " ],", ' "metadata": {', '  "kernelspec": {', '   "display_name": "Python 3",',
              '   "language": "python",', '   "name": "python3"', "  }", " },", ' "nbformat": 4,',
              ' "nbformat_minor": 5', "}"]
    return [Snip(lines, marks)]


def doc_npmrc(rng: random.Random) -> list[Snip]:
    lines, marks = ["registry=https://registry.npmjs.org/"], []
    r = rng.random()
    if r < 0.5:
        marks.append(Mark(1, 1, "npm-token", "secret"))
        lines.append(f"//registry.npmjs.org/:_authToken={S.npm_token(rng)}")
    else:
        marks.append(Mark(1, 1, "gitlab-pat", "secret"))
        lines.append(f"//gitlab.example.com/api/v4/projects/{rng.randint(10, 9999)}/packages/npm/:_authToken={S.gitlab_pat(rng)}")
    lines.append("@example:registry=https://gitlab.example.com/api/v4/packages/npm/")
    marks.append(Mark(3, 3, "env-reference", "benign"))
    lines.append("//npm.pkg.github.com/:_authToken=${GITHUB_NPM_TOKEN}")
    lines.append("always-auth=true")
    return [Snip(lines, marks)]


def doc_pypirc(rng: random.Random) -> list[Snip]:
    lines = ["[distutils]", "index-servers =", "    pypi", "    internal", "", "[pypi]", "username = __token__",
             f"password = {S.pypi_token(rng)}", "", "[internal]", "repository = https://pypi.corp.example/simple/",
             "username = ci", "password = ${INTERNAL_PYPI_PASSWORD}"]
    return [Snip(lines, [Mark(7, 7, "pypi-token", "secret"), Mark(12, 12, "env-reference", "benign")])]


def doc_ansible_vault(rng: random.Random) -> list[Snip]:
    block = S.ansible_vault_block(rng)
    lines = ["---", f"db_user: {rng.choice(['app', 'svc'])}", "db_password: !vault |", *("  " + b for b in block),
             f"db_host: {rng.choice(S.HOSTS)}"]
    return [Snip(lines, [Mark(3, 3 + len(block) - 1, "ansible-vault", "benign")])]


def doc_sops(rng: random.Random) -> list[Snip]:
    lines, marks = [], []
    for key in rng.sample(["db_password", "api_token", "stripe_key", "smtp_password", "jwt_secret"], 3):
        marks.append(Mark(len(lines), len(lines), "sops-encrypted", "benign"))
        lines.append(f"{key}: {S.sops_value(rng)}")
    lines += ["sops:", "    kms: []", "    age:", f"        - recipient: age1{S.rs(rng, S.BASE32_LOWER, 58)}",
              "          enc: |", f"            {S.armor('AGE ENCRYPTED FILE')}",
              f"            {S.b64(S.rbytes(rng, 48))}", f"            {S.armor('AGE ENCRYPTED FILE', True)}",
              f"    lastmodified: \"2025-0{rng.randint(1, 9)}-01T10:00:00Z\"", f"    mac: {S.sops_value(rng)}",
              "    version: 3.9.0"]
    marks.append(Mark(len(lines) - 2, len(lines) - 2, "sops-encrypted", "benign"))
    return [Snip(lines, marks)]


def doc_pem_file(rng: random.Random, kind: str, armour: str) -> list[Snip]:
    block = S.private_key_block(rng, armour)
    return [Snip(block, [Mark(0, len(block) - 1, kind, "secret")])]


def doc_public_pem(rng: random.Random) -> list[Snip]:
    kind = rng.choice(["PUBLIC KEY", "CERTIFICATE"])
    block = S.public_pem_block(rng, kind)
    return [Snip(block, [Mark(0, len(block) - 1, "public-key-pem" if kind == "PUBLIC KEY" else "certificate-pem", "benign")])]


def doc_authorized_keys(rng: random.Random) -> list[Snip]:
    lines = [S.ssh_public_key(rng) for _ in range(3)]
    return [Snip(lines, [Mark(i, i, "ssh-public-key", "benign") for i in range(3)])]


def doc_package_lock(rng: random.Random) -> list[Snip]:
    entries = S.npm_lock_entries(rng, rng.randint(4, 8))
    head = ["{", '  "name": "web",', '  "version": "1.4.0",', '  "lockfileVersion": 3,', '  "requires": true,',
            '  "packages": {', '    "": {', '      "name": "web",', '      "version": "1.4.0"', "    },"]
    entries[-1] = "    }"
    lines = head + entries + ["  }", "}"]
    marks = [Mark(i, i, "integrity-hash", "benign") for i, x in enumerate(lines) if '"integrity"' in x]
    return [Snip(lines, marks)]


def doc_yarn_lock(rng: random.Random) -> list[Snip]:
    lines = ["# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.", "# yarn lockfile v1", ""]
    marks = []
    for _ in range(rng.randint(3, 6)):
        name = f"{rng.choice(S.NOUNS)}-{rng.choice(S.VERBS)}"
        ver = f"{rng.randint(0, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 30)}"
        lines += [f'"{name}@^{ver}":', f'  version "{ver}"',
                  f'  resolved "https://registry.yarnpkg.com/{name}/-/{name}-{ver}.tgz#{S.git_sha(rng)}"']
        marks.append(Mark(len(lines) - 1, len(lines) - 1, "git-sha", "benign"))
        lines.append(f"  integrity {S.sri(rng, 'sha512')}")
        marks.append(Mark(len(lines) - 1, len(lines) - 1, "integrity-hash", "benign"))
        lines.append("")
    return [Snip(lines, marks)]


def doc_requirements(rng: random.Random) -> list[Snip]:
    lines, marks = [], []
    for _ in range(rng.randint(3, 5)):
        pkg = f"{rng.choice(S.NOUNS)}-{rng.choice(S.VERBS)}"
        lines.append(f"{pkg}=={rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)} \\")
        marks.append(Mark(len(lines), len(lines), "integrity-hash", "benign"))
        lines.append(f"    --hash=sha256:{S.sha256_hex(rng)}")
    return [Snip(lines, marks)]


def doc_precommit(rng: random.Random) -> list[Snip]:
    lines, marks = ["repos:"], []
    for repo in rng.sample(["pre-commit/pre-commit-hooks", "psf/black", "gitleaks/gitleaks", "astral-sh/ruff-pre-commit"], 3):
        lines.append(f"  - repo: https://github.com/{repo}")
        marks.append(Mark(len(lines), len(lines), "git-sha", "benign"))
        lines += [f"    rev: {S.git_sha(rng)}  # frozen", "    hooks:", f"      - id: {repo.split('/')[1].split('-')[0]}"]
    return [Snip(lines, marks)]


def doc_gitlab_ci(rng: random.Random) -> list[Snip]:
    lines = ["stages: [build, test, deploy]", "", "variables:", '  DOCKER_DRIVER: overlay2', "",
             "build:", "  stage: build", f"  image: docker:27@sha256:{S.sha256_hex(rng)}", "  script:",
             '    - docker login -u "$CI_REGISTRY_USER" -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"',
             '    - docker build --build-arg NPM_TOKEN="${NPM_TOKEN}" -t "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA" .',
             "", "deploy:", "  stage: deploy", "  script:",
             '    - curl --fail -H "PRIVATE-TOKEN: ${GITLAB_API_TOKEN}" "$CI_API_V4_URL/projects/$CI_PROJECT_ID/releases"',
             "  rules:", '    - if: $CI_COMMIT_BRANCH == "main"']
    return [Snip(lines, [Mark(7, 7, "integrity-hash", "benign"), Mark(9, 9, "env-reference", "benign"),
                         Mark(10, 10, "env-reference", "benign"), Mark(15, 15, "env-reference", "benign")])]


# ---------------------------------------------------------------------------------------------
# assembling files

FTYPE_PATHS = {
    "py": ["services/{svc}/settings.py", "src/{svc}/config.py", "tests/test_{noun}.py", "scripts/{verb}_{noun}.py"],
    "js": ["web/src/config/{noun}.js", "server/{noun}/{verb}.js"],
    "ts": ["web/src/lib/{noun}.ts", "apps/api/src/{svc}/{noun}.config.ts"],
    "go": ["internal/{svc}/config.go", "cmd/{svc}/main.go"],
    "java": ["backend/src/main/java/com/example/{svc}/{Noun}Config.java"],
    "rb": ["config/initializers/{noun}.rb", "lib/{svc}/{noun}_client.rb"],
    "yaml": ["config/{svc}.yaml", "charts/{svc}/values.yaml", "deploy/{svc}/docker-compose.yml", "ansible/group_vars/{svc}.yml"],
    "json": ["config/{svc}.json", "services/{svc}/appsettings.json", "test/fixtures/{noun}.json"],
    "env": [".env", ".env.production", "services/{svc}/.env", "deploy/{svc}.env", ".env.local"],
    "ini": ["config/{svc}.ini", "deploy/{svc}/settings.ini", ".aws/credentials"],
    "properties": ["backend/src/main/resources/application-{env}.properties", "services/{svc}/gradle.properties"],
    "sql": ["db/migrations/V{n}__{noun}_roles.sql"],
    "tf": ["infra/{svc}/main.tf", "infra/modules/{noun}/main.tf"],
    "sh": ["scripts/{verb}-{noun}.sh", "ci/{svc}-deploy.sh"],
    "dockerfile": ["Dockerfile", "services/{svc}/Dockerfile"],
    "md": ["docs/{noun}.md", "services/{svc}/README.md", "docs/runbooks/{verb}-{noun}.md"],
    "xml": ["backend/{svc}/settings.xml", "web/{svc}/web.config"],
}
XML_HEAD = ['<?xml version="1.0" encoding="utf-8"?>', "<configuration>"]
XML_TAIL = ["</configuration>"]


class Paths:
    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def make(self, pattern: str) -> str:
        r = self.rng
        p = pattern.format(svc=r.choice(("billing", "orders", "identity", "search", "notify", "gateway")),
                           noun=r.choice(S.NOUNS), Noun=r.choice(S.NOUNS).capitalize(), verb=r.choice(S.VERBS),
                           env=r.choice(("prod", "staging")), n=r.randint(100, 999))
        folder, _, name = p.rpartition("/")
        n = 2
        while p in self.used:  # keep the file name (tools key on it); vary the folder
            p = f"{folder}/v{n}/{name}" if folder else f"apps/app{n}/{name}"
            n += 1
        self.used.add(p)
        return p


def filler_snip(rng: random.Random, ftype: str) -> Snip:
    if ftype == "json":
        return Snip([])  # json files get their filler from json_wrap
    if ftype == "xml":
        return Snip([f"    <{S.camel(rng, 1)}>{rng.choice(S.NOUNS)}</{S.camel(rng, 1)}>" for _ in range(rng.randint(1, 3))])
    return Snip(S.filler(rng, ftype, rng.randint(3, 14)))


def json_wrap(rng: random.Random, snips: list[Snip]) -> list[Snip]:
    """Turn json `"k": v` snippets into a valid JSON object with filler keys around them."""
    entries: list[Snip] = []
    for s in snips:
        for _ in range(rng.randint(0, 2)):
            k = S.camel(rng, 1)
            v = rng.choice([json.dumps(rng.choice(S.NOUNS)), str(rng.randint(0, 9999)), "true"])
            entries.append(Snip([f'"{k}": {v}']))
        entries.append(s)
    out = [Snip(["{"])]
    for i, e in enumerate(entries):
        # every entry line is one `"key": value` pair; all but the very last need a comma
        last = i == len(entries) - 1
        lines = ["  " + x + ("" if last and j == len(e.lines) - 1 else ",") for j, x in enumerate(e.lines)]
        out.append(Snip(lines, e.marks))
    out.append(Snip(["}"]))
    return out


def wrap(rng: random.Random, ftype: str, snips: list[Snip]) -> list[Snip]:
    """A whole file of ``ftype`` holding ``snips`` with filler between them."""
    if ftype == "json":
        return json_wrap(rng, snips)
    out: list[Snip] = []
    if ftype == "xml":
        out.append(Snip(list(XML_HEAD)))
    elif ftype == "ini":
        out.append(Snip([f"[{rng.choice(S.NOUNS)}]"]))
    elif ftype in S.HEADERS:
        out.append(Snip(list(S.HEADERS[ftype](rng))))
    for s in snips:
        out.append(filler_snip(rng, ftype))
        out.append(s)
    out.append(filler_snip(rng, ftype))
    if ftype == "xml":
        out.append(Snip(list(XML_TAIL)))
    elif ftype in S.FOOTERS:
        out.append(Snip(list(S.FOOTERS[ftype])))
    return out


def build_corpus(seed: int) -> list[SourceFile]:
    rng = random.Random(seed)
    paths = Paths(rng)
    by_type: dict[str, list[Snip]] = {}
    files: list[SourceFile] = []

    def add(ftype: str, s: Snip, kind: str, label: str) -> None:
        for m in s.marks:
            m.kind = m.kind or kind
            m.label = m.label or label
        by_type.setdefault(ftype, []).append(s)

    for kind, count, ftypes, names, gen in POSITIVES:
        for i in range(count):
            ftype = ftypes[i % len(ftypes)]
            name = rng.choice(names)
            add(ftype, assign(rng, ftype, name, positive_value(rng, kind, name, gen)), kind, "secret")
    for kind, count, ftypes in SPECIAL_POSITIVES:
        for i in range(count):
            ftype = ftypes[i % len(ftypes)]
            add(ftype, special_positive(rng, kind, ftype), kind, "secret")
    pem_types = ("py", "go", "yaml", "tf", "env", "json", "md")
    for kind, count, armour in PEM_KINDS:
        for i in range(count):
            if i % 2 == 0:  # a key file of its own
                ext = {"RSA PRIVATE KEY": "pem", "PRIVATE KEY": "key", "EC PRIVATE KEY": "pem",
                       "OPENSSH PRIVATE KEY": "", "PGP PRIVATE KEY BLOCK": "asc"}[armour]
                name = rng.choice(["deploy/keys/{noun}", "certs/{noun}-server", "keys/release-signing", ".ssh/id_{noun}"])
                p = paths.make(name + ("." + ext if ext else ""))
                files.append(SourceFile(p, "pem", doc_pem_file(rng, kind, armour)))
            else:
                ftype = pem_types[(i // 2) % len(pem_types)]
                s = pem_in(rng, ftype, S.private_key_block(rng, armour), rng.choice(["SIGNING_KEY", "TLS_PRIVATE_KEY", "SSH_DEPLOY_KEY"]))
                add(ftype, s, kind, "secret")
    for kind, count, ftypes in NEGATIVES:
        for i in range(count):
            ftype = ftypes[i % len(ftypes)]
            add(ftype, benign_value(rng, kind, ftype), kind, "benign")

    docs = [
        (doc_k8s_secret, 7, "deploy/k8s/{noun}-secret.yaml"),
        (doc_sealed_secret, 4, "deploy/k8s/{noun}-sealedsecret.yaml"),
        (doc_secret_ref, 4, "deploy/k8s/{noun}-deployment.yaml"),
        (doc_kubeconfig, 4, "deploy/kube/{noun}.kubeconfig"),
        (doc_docker_config, 4, "ci/docker/{noun}/config.json"),
        (doc_gcp_sa, 4, "secrets/{noun}-service-account.json"),
        (doc_notebook, 7, "notebooks/{verb}_{noun}.ipynb"),
        (doc_npmrc, 3, "web/{noun}/.npmrc"),
        (doc_pypirc, 2, "tools/{noun}/.pypirc"),
        (doc_ansible_vault, 6, "ansible/host_vars/{noun}/vault.yml"),
        (doc_sops, 2, "deploy/{noun}/secrets.enc.yaml"),
        (doc_public_pem, 8, "certs/{noun}.pub.pem"),
        (doc_authorized_keys, 1, "deploy/ssh/authorized_keys"),
        (doc_package_lock, 2, "web/{noun}/package-lock.json"),
        (doc_yarn_lock, 2, "web/{noun}/yarn.lock"),
        (doc_requirements, 2, "services/{noun}/requirements.txt"),
        (doc_precommit, 1, ".pre-commit-config.yaml"),
        (doc_gitlab_ci, 1, ".gitlab-ci.yml"),
    ]
    for fn, count, pattern in docs:
        for _ in range(count):
            files.append(SourceFile(paths.make(pattern), "doc", fn(rng)))

    # modified files: a base version (with pre-existing and soon-removed secrets), then insertions
    modified_types = ["py", "yaml", "env", "js", "go", "tf", "properties", "md", "sh", "ini", "java", "dockerfile"]
    context_left = 6
    removed_left = 4
    for ftype in modified_types:
        pool = by_type.get(ftype, [])
        take = [pool.pop(rng.randrange(len(pool))) for _ in range(min(len(pool), rng.randint(2, 4)))]
        base_snips: list[Snip] = [filler_snip(rng, ftype) for _ in range(3)]
        if context_left > 0:
            s = context_or_removed(rng, ftype, "context")
            base_snips.insert(1, s)
            context_left -= 1
        removed_snip = None
        if removed_left > 0 and ftype not in ("dockerfile", "md"):
            removed_snip = context_or_removed(rng, ftype, "removed")
            base_snips.insert(len(base_snips) - 1, removed_snip)
            removed_left -= 1
        base = wrap_fixed(rng, ftype, base_snips)
        head = [s for s in base if s is not removed_snip]
        for s in take:
            at = rng.randrange(1, len(head))
            head[at:at] = [s, filler_snip(rng, ftype)]
        files.append(SourceFile(paths.make(rng.choice(FTYPE_PATHS[ftype])), ftype, head, base))

    # new files: 2-5 snippets each
    for ftype in sorted(by_type):
        pool = by_type[ftype]
        rng.shuffle(pool)
        while pool:
            k = min(len(pool), rng.randint(2, 5))
            chunk, pool[:] = pool[:k], pool[k:]
            files.append(SourceFile(paths.make(rng.choice(FTYPE_PATHS[ftype])), ftype, wrap(rng, ftype, chunk)))

    rng.shuffle(files)
    for i, f in enumerate(files):
        f.commit = 1 if i % 2 == 0 else 2
    return files


def wrap_fixed(rng: random.Random, ftype: str, body: list[Snip]) -> list[Snip]:
    """Like wrap(), for a prepared body (base versions of modified files)."""
    out: list[Snip] = []
    if ftype == "ini":
        out.append(Snip([f"[{rng.choice(S.NOUNS)}]"]))
    elif ftype in S.HEADERS:
        out.append(Snip(list(S.HEADERS[ftype](rng))))
    out.extend(body)
    if ftype in S.FOOTERS:
        out.append(Snip(list(S.FOOTERS[ftype])))
    return out


def context_or_removed(rng: random.Random, ftype: str, label: str) -> Snip:
    kind, gen, name = rng.choice([("gitlab-pat", S.gitlab_pat, "GITLAB_TOKEN"), ("github-pat", S.github_pat, "GITHUB_TOKEN"),
                                  ("anthropic-api-key", S.anthropic_key, "ANTHROPIC_API_KEY"),
                                  ("slack-bot-token", S.slack_bot_token, "SLACK_BOT_TOKEN"),
                                  ("stripe-live-key", S.stripe_live, "STRIPE_SECRET_KEY")])
    s = assign(rng, ftype, name, gen(rng))
    for m in s.marks:
        m.kind, m.label = kind, label
    return s


# ---------------------------------------------------------------------------------------------
# writing the repository and the labels

def write_repo(out: Path, files: list[SourceFile], seed: int) -> dict:
    repo = out / "repo"
    if repo.exists():
        subprocess.run(["rm", "-rf", str(repo)], check=True)
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")

    def put(path: str, snips: list[Snip]) -> list[tuple[int, int, Mark]]:
        lines, marks = flatten(snips)
        p = repo / path
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return marks

    items = []
    (repo / "README.md").write_text("# quality corpus\n\nSynthetic data for bench/quality.py.\n")
    for f in files:
        if f.base is not None:
            for first, last, m in put(f.path, f.base):
                if m.label == "removed":
                    items.append({"path": f.path, "line": first, "end_line": last, "kind": m.kind,
                                  "label": "removed", "value": m.value, "where": "base"})
    base = git_commit(repo, "base", EPOCH)
    commits = []
    for c in (1, 2):
        for f in files:
            if f.commit != c:
                continue
            for first, last, m in put(f.path, f.head):
                if m.label == "removed":
                    continue
                items.append({"path": f.path, "line": first, "end_line": last, "kind": m.kind, "label": m.label,
                              "value": m.value})
        commits.append(git_commit(repo, f"mr: part {c}", EPOCH + 3600 * c))
    for i, it in enumerate(sorted(items, key=lambda x: (x["path"], x["line"]))):
        it["id"] = i
    items.sort(key=lambda x: x["id"])
    return {"seed": seed, "repo": str(repo), "base": base, "head": commits[-1], "commits": commits, "items": items}


def added_lines(repo: Path, base: str, head: str) -> dict[str, set[int]]:
    diff = subprocess.run(["git", "-C", str(repo), "diff", "-U0", "--no-color", "--no-renames", base, head],
                          check=True, capture_output=True, text=True, errors="replace").stdout
    out: dict[str, set[int]] = {}
    path = None
    for line in diff.split("\n"):
        if line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else None
        elif line.startswith("@@"):
            m = re.match(r"@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", line)
            start, n = int(m.group(1)), int(m.group(2) if m.group(2) is not None else 1)
            if path:
                out.setdefault(path, set()).update(range(start, start + n))
    return out


def check_labels(labels: dict, added: dict[str, set[int]]) -> list[str]:
    """Every secret/benign item must sit on added lines, every context item on unchanged ones."""
    problems = []
    for it in labels["items"]:
        rows = set(range(it["line"], it["end_line"] + 1))
        got = added.get(it["path"], set())
        if it["label"] in ("secret", "benign") and not rows <= got:
            problems.append(f"{it['path']}:{it['line']} {it['kind']} is not on added lines")
        if it["label"] == "context" and rows & got:
            problems.append(f"{it['path']}:{it['line']} context item is on an added line")
    repo = Path(labels["repo"])
    for it in labels["items"]:
        p = repo / it["path"]
        if p.suffix in (".json", ".ipynb") and it["label"] != "removed":
            try:
                json.loads(p.read_text())
            except ValueError as e:
                problems.append(f"{it['path']}: invalid JSON ({e})")
    return sorted(set(problems))


# ---------------------------------------------------------------------------------------------
# running the tools and scoring

def run_tool(name: str, cmd: list[str], report: Path, ok: set[int], logs: Path) -> tuple[list[dict] | None, str]:
    if report.exists():
        report.unlink()
    logs.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
    (logs / f"{name}.stderr").write_text(res.stderr)
    (logs / f"{name}.stdout").write_text(res.stdout)
    if res.returncode not in ok:
        return None, f"exit {res.returncode}: {' | '.join(res.stderr.strip().splitlines()[-3:])[:400]}"
    try:
        parser = "policy-gate" if name.startswith("policy-gate") else name.split("/")[0]
        return T.read_findings(parser, report), ""
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        return None, f"cannot read report {report}: {e}"


def score(findings: list[dict], labels: dict, added: dict[str, set[int]]) -> dict:
    items = labels["items"]
    by_path: dict[str, list[dict]] = {}
    for it in items:
        if it["label"] != "removed":
            by_path.setdefault(it["path"], []).append(it)
    removed = [it for it in items if it["label"] == "removed"]
    positives = [it for it in items if it["label"] == "secret"]
    found: set[int] = set()
    fps, dup = [], 0
    outside = 0
    for f in findings:
        path, line = f.get("path"), f.get("line")
        if not isinstance(line, int) or not isinstance(path, str):
            fps.append({**f, "hit": "unparsable"})
            continue
        end = f.get("end_line") if isinstance(f.get("end_line"), int) else line
        on_added = line in added.get(path, set())
        outside += 0 if on_added else 1
        hits = [it for it in by_path.get(path, []) if it["line"] <= end and line <= it["end_line"]]
        sec = [it for it in hits if it["label"] == "secret"]
        if sec:
            new = [it["id"] for it in sec if it["id"] not in found]
            if new:
                found.update(new)
            else:
                dup += 1
            continue
        if hits:
            what = f"{hits[0]['label']}:{hits[0]['kind']}"
        else:
            secret = f.get("secret") or ""
            rm = [it for it in removed if it["path"] == path and
                  ((secret and it["value"] and (secret in it["value"] or it["value"] in secret))
                   or (not secret and it["line"] == line and not on_added))]
            what = f"removed:{rm[0]['kind']}" if rm else ("unlabelled" if on_added else "unlabelled-unchanged-line")
        fps.append({"rule": f.get("rule"), "path": path, "line": line, "hit": what})
    tp = len(found)
    per_kind: dict[str, dict] = {}
    for it in positives:
        k = per_kind.setdefault(it["kind"], {"n": 0, "found": 0})
        k["n"] += 1
        k["found"] += it["id"] in found
    benign_hit: dict[str, int] = {}
    for fp in fps:
        benign_hit[fp["hit"]] = benign_hit.get(fp["hit"], 0) + 1
    return {
        "positives": len(positives), "found": tp, "recall": round(tp / len(positives), 4) if positives else None,
        "findings": len(findings), "tp": tp, "fp": len(fps), "duplicates_on_positives": dup,
        "precision": round(tp / (tp + len(fps)), 4) if tp + len(fps) else None,
        "findings_outside_added_lines": outside,
        "per_kind": dict(sorted(per_kind.items())),
        "fp_by_hit": dict(sorted(benign_hit.items(), key=lambda x: (-x[1], x[0]))),
        "missed": [{"path": it["path"], "line": it["line"], "kind": it["kind"]} for it in positives if it["id"] not in found],
        "false_positives": sorted(fps, key=lambda x: (x["path"], x["line"])),
    }


def render_md(result: dict) -> str:
    tools = list(result["tools"])
    ok = [t for t in tools if "error" not in result["tools"][t]]
    lines = ["# Detection quality", "",
             f"Corpus: seed {result['seed']}, {result['counts']['secret']} secrets, {result['counts']['benign']} benign "
             f"look-alikes, {result['counts'].get('context', 0)} pre-existing secrets on unchanged lines, "
             f"{result['counts'].get('removed', 0)} secrets on removed lines. Versions: "
             + ", ".join(f"{k} {v}" for k, v in result["versions"].items()) + ".", "",
             "| tool | recall | precision | found / positives | findings | FP | FP outside added lines |",
             "|---|---|---|---|---|---|---|"]
    for t in tools:
        r = result["tools"][t]
        if "error" in r:
            lines.append(f"| {t} | error: {r['error'][:120]} | | | | | |")
            continue
        lines.append(f"| {t} | {r['recall']:.3f} | {r['precision']:.3f} | {r['found']} / {r['positives']} | "
                     f"{r['findings']} | {r['fp']} | {r['findings_outside_added_lines']} |")
    if result.get("notes"):
        lines += [""] + [f"- {n}" for n in result["notes"]]
    if ok:
        kinds = sorted({k for t in ok for k in result["tools"][t]["per_kind"]})
        lines += ["", "## Recall per kind (found / planted)", "", "| kind | " + " | ".join(ok) + " |",
                  "|---|" + "---|" * len(ok)]
        for k in kinds:
            cells = []
            for t in ok:
                c = result["tools"][t]["per_kind"].get(k, {"n": 0, "found": 0})
                cells.append(f"{c['found']}/{c['n']}" + (" **miss**" if c["found"] == 0 else ""))
            lines.append(f"| {k} | " + " | ".join(cells) + " |")
        hits = sorted({h for t in ok for h in result["tools"][t]["fp_by_hit"]})
        lines += ["", "## False positives by what they hit", "",
                  "`benign:KIND` = a labelled look-alike; `context:` = an old secret on an unchanged line; "
                  "`removed:` = a secret on a deleted line; `unlabelled` = an added line with no planted item.", "",
                  "| hit | " + " | ".join(ok) + " |", "|---|" + "---|" * len(ok)]
        for h in hits:
            lines.append(f"| {h} | " + " | ".join(str(result["tools"][t]["fp_by_hit"].get(h, 0)) for t in ok) + " |")
        for t in ok:
            r = result["tools"][t]
            lines += ["", f"## {t}: false positives ({r['fp']})", ""]
            for fp in r["false_positives"][:80]:
                lines.append(f"- `{fp['path']}:{fp['line']}` {fp.get('rule')} -> {fp['hit']}")
            if r["fp"] > 80:
                lines.append(f"- … {r['fp'] - 80} more in quality.json")
            lines += ["", f"### {t}: missed secrets ({len(r['missed'])})", ""]
            for m in r["missed"][:80]:
                lines.append(f"- `{m['path']}:{m['line']}` {m['kind']}")
            if len(r["missed"]) > 80:
                lines.append(f"- … {len(r['missed']) - 80} more in quality.json")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=Path(os.environ.get("BENCH_OUT", BENCH / "out")) / "quality")
    ap.add_argument("--tools", default="policy-gate,gitleaks,kingfisher",
                    help="comma list of policy-gate, policy-gate/gitleaks-rules, gitleaks, kingfisher")
    ap.add_argument("--no-policy-gate", action="store_true", help="score the peers only")
    ap.add_argument("--generate-only", action="store_true")
    ap.add_argument("--corpus", choices=("both", "tuning", "heldout"), default="both",
                    help="the tuning corpus (--seed, written to --out), the held-out one "
                         "(quality_heldout.py, its own seed, written to --out + '-heldout'), or both")
    a = ap.parse_args()
    status = 0
    if a.corpus in ("both", "tuning"):
        status = evaluate(a, a.out.resolve(), build_corpus(a.seed), a.seed) or status
    if a.corpus in ("both", "heldout"):
        import quality_heldout as H
        out = a.out.resolve()
        status = evaluate(a, out.parent / (out.name + "-heldout"), H.build_corpus(H.SEED), H.SEED) or status
    return status


def evaluate(a: argparse.Namespace, out: Path, files: list[SourceFile], seed: int) -> int:
    out.mkdir(parents=True, exist_ok=True)
    labels = write_repo(out, files, seed)
    repo, base, head = Path(labels["repo"]), labels["base"], labels["head"]
    added = added_lines(repo, base, head)
    problems = check_labels(labels, added)
    counts: dict[str, int] = {}
    for it in labels["items"]:
        counts[it["label"]] = counts.get(it["label"], 0) + 1
    labels["counts"] = counts
    (out / "labels.json").write_text(json.dumps(labels, indent=1) + "\n")
    print(f"[quality] corpus {repo}: {counts} in {len(files) + 1} files; labels: {out / 'labels.json'}", file=sys.stderr)
    if problems:
        for p in problems[:20]:
            print(f"[quality] label problem: {p}", file=sys.stderr)
        return 2
    if a.generate_only:
        return 0

    wanted = [t.strip() for t in a.tools.split(",") if t.strip()]
    if a.no_policy_gate:
        wanted = [t for t in wanted if not t.startswith("policy-gate")]
    bins = T.peers()
    versions = T.peer_versions(bins)
    pg = None
    if any(t.startswith("policy-gate") for t in wanted):
        pg = T.policy_gate()
        if pg is None:
            print("[quality] policy-gate is not available; scoring the peers only", file=sys.stderr)
        else:
            try:
                pgv = subprocess.run([str(pg), "--version"], capture_output=True, text=True, timeout=30).stdout
                versions["policy-gate"] = pgv.strip().removeprefix("policy-gate ") or "?"
            except (OSError, subprocess.TimeoutExpired):
                versions["policy-gate"] = "?"
    if "kingfisher" in wanted:
        T.warm_kingfisher(bins["kingfisher"])

    reports, logs = out / "reports", out / "logs"
    reports.mkdir(exist_ok=True)
    result = {"seed": seed, "base": base, "head": head, "counts": counts, "versions": versions, "tools": {},
              "notes": []}
    for t in wanted:
        report = reports / f"{t.replace('/', '_')}.json"
        if t == "policy-gate":
            if pg is None:
                result["tools"][t] = {"error": "policy-gate binary not available"}
                continue
            cmd, ok = T.policy_gate_cmd(pg, repo, base, head, report), T.OK_CODES["policy-gate"]
        elif t == "policy-gate/gitleaks-rules":
            if pg is None:
                result["tools"][t] = {"error": "policy-gate binary not available"}
                continue
            cmd = T.policy_gate_cmd(pg, repo, base, head, report, gitleaks_config=T.default_gitleaks_toml())
            ok = T.OK_CODES["policy-gate"]
        elif t == "gitleaks":
            cmd, ok = T.gitleaks_cmd(bins["gitleaks"], repo, base, head, report), T.OK_CODES["gitleaks"]
        elif t == "kingfisher":
            cmd, ok = T.kingfisher_cmd(bins["kingfisher"], repo, base, head, report), T.OK_CODES["kingfisher"]
        else:
            print(f"[quality] unknown tool {t}", file=sys.stderr)
            return 64
        findings, err = run_tool(t.replace("/", "_"), cmd, report, ok, logs)
        if findings is None:
            result["tools"][t] = {"error": err, "cmd": cmd}
            print(f"[quality] {t}: {err}", file=sys.stderr)
            continue
        result["tools"][t] = score(findings, labels, added) | {"cmd": cmd}
        if t == "kingfisher":
            # Kingfisher scans whole blobs; also show it restricted to the MR's added lines
            scoped = [f for f in findings if f.get("line") in added.get(f.get("path"), set())]
            result["tools"]["kingfisher (added lines only)"] = score(scoped, labels, added) | {"derived": True}
            result["notes"].append("`kingfisher (added lines only)` is derived from the same Kingfisher report by "
                                   "dropping findings on lines the MR did not add (Kingfisher scans whole files).")
    (out / "quality.json").write_text(json.dumps(result, indent=1) + "\n")
    (out / "quality.md").write_text(render_md(result))
    for t, r in result["tools"].items():
        if "error" in r:
            print(f"{t:<32} error: {r['error']}")
        else:
            print(f"{t:<32} recall {r['recall']:.3f}  precision {r['precision']:.3f}  "
                  f"found {r['found']}/{r['positives']}  findings {r['findings']}  FP {r['fp']}  "
                  f"outside-added {r['findings_outside_added_lines']}")
    print(f"[quality] {out / 'quality.md'}, {out / 'quality.json'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
