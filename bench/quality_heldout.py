"""The held-out corpus for quality.py: other file templates, another seed, and the credential families
that the tuning corpus does not plant (Azure services, Slack variants, Vault and Kubernetes tokens,
Mailchimp, Alibaba Cloud, 1Password, Grafana, encoded secrets, split connection strings, curl).

Rules are not tuned on it: run it, read the table, and do not change a rule to fix one of its lines
without writing a sample of your own first. Values are random in each provider's documented shape.
"""

from __future__ import annotations

import base64
import json
import random
import string
import uuid

from quality import Mark, Snip, SourceFile

SEED = 90613
LOWER = string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"


def rand(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def b64(rng: random.Random, nbytes: int) -> str:
    return base64.b64encode(bytes(rng.randrange(256) for _ in range(nbytes))).decode()


# ---------------------------------------------------------------------------------------------
# secrets: kind -> (value maker, lines maker). The lines maker returns (lines, first, last) with the
# value on lines[first..last].

def pem_body(rng: random.Random, lines: int = 12) -> list[str]:
    body = [b64(rng, 48) for _ in range(lines)]
    body[0] = "MIIE" + body[0][4:]
    return body


def positives(rng: random.Random) -> list[tuple[str, list[str], int, int]]:
    out: list[tuple[str, list[str], int, int]] = []

    def add(kind: str, lines: list[str], first: int, last: int | None = None) -> None:
        out.append((kind, lines, first, first if last is None else last))

    for _ in range(6):
        add("azure-devops-pat-84", [f'  azureDevOpsPat: "{rand(rng, 52)}{rand(rng, 4)}AZDO{rand(rng, 24)}"'], 0)
        add("azure-app-configuration", [
            f'  "AppConfig": "Endpoint=https://{rand(rng, 8, LOWER)}.azconfig.io;Id={rand(rng, 4, LOWER)}-l0-s0:{rand(rng, 20)};Secret={b64(rng, 33)}"'], 0)
        add("azure-storage-connection-string", [
            f'STORAGE = "DefaultEndpointsProtocol=https;AccountName={rand(rng, 10, LOWER)};AccountKey={b64(rng, 64)};EndpointSuffix=core.windows.net"'], 0)
        add("azure-cosmos-key", [f'cosmos_conn = "AccountEndpoint=https://{rand(rng, 8, LOWER)}.documents.azure.com:443/;AccountKey={b64(rng, 64)};"'], 0)
        add("azure-redis", [f'redis: "{rand(rng, 8, LOWER)}.redis.cache.windows.net:6380,password={b64(rng, 32)},ssl=True,abortConnect=False"'], 0)
        add("azure-openai-key", [f'AZURE_OPENAI_API_KEY={rand(rng, 32, HEX)}'], 0)
        add("azure-acr-password", [f'acr_password = "{rand(rng, 52)}"'], 0)
        add("slack-bot-two-part", [f'slack_token: xoxb-{rand(rng, 12, string.digits)}-{rand(rng, 24)}'], 0)
        add("slack-legacy", [f'SLACK_LEGACY=xox{rng.choice("sar")}-{rand(rng, 11, string.digits)}-{rand(rng, 12, string.digits)}-{rand(rng, 12, string.digits)}-{rand(rng, 32, HEX)}'], 0)
        add("slack-webhook-http", [f'webhook_url = "{rng.choice(["http", "https"])}://hooks.slack.com/services/T{rand(rng, 10, LOWER + string.digits)}/B{rand(rng, 10, string.ascii_uppercase + string.digits)}/{rand(rng, 24)}"'], 0)
        add("mailchimp", [f'MAILCHIMP_KEY = "{rand(rng, 32, HEX)}-us{rng.randint(1, 21)}"'], 0)
        add("alibaba-ltai", [f'ALIYUN_ACCESS_KEY_ID: LTAI5t{rand(rng, 18)}'], 0)
        add("1password-ops", [f'export OP_SERVICE_ACCOUNT_TOKEN=ops_{base64.urlsafe_b64encode(json.dumps({"signInAddress": "my.1password.com", "secretKey": rand(rng, 34), "srpX": rand(rng, 64, HEX), "muk": {"k": rand(rng, 43)}}).encode()).decode().rstrip("=")}'], 0)
        add("grafana-legacy", [f'grafana_api_key = "{base64.b64encode(json.dumps({"k": rand(rng, 32), "n": rand(rng, 8, LOWER), "id": rng.randint(1, 99)}, separators=(",", ":")).encode()).decode()}"'], 0)
        add("vault-legacy", [f'VAULT_TOKEN="s.{rand(rng, 24)}"'], 0)
        add("k8s-bootstrap", [f'kubeadm join 10.1.{rng.randint(0, 9)}.4:6443 --token {rand(rng, 6, LOWER + string.digits)}.{rand(rng, 16, LOWER + string.digits)} \\',
                              "    --discovery-token-unsafe-skip-ca-verification"], 0)
        add("npm-uuid", [f"//registry.npmjs.org/:_authToken={uuid.UUID(int=rng.getrandbits(128), version=4)}"], 0)
        add("base64-k8s-data", [f"  api-token: {base64.b64encode(('glpat-' + rand(rng, 20)).encode()).decode()}"], 0)
        pem = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(pem_body(rng)) + "\n-----END RSA PRIVATE KEY-----\n"
        add("base64-pem", [f"  tls.key: {base64.b64encode(pem.encode()).decode()}"], 0)
        add("escaped-pem", ['  "private_key": "-----BEGIN PRIVATE KEY-----\\r\\n' + "\\r\\n".join(pem_body(rng, 8)) + '\\r\\n-----END PRIVATE KEY-----\\r\\n",'], 0)
        add("db-url-postgis", [f'DATABASE_URL=postgis://app:{rand(rng, 18)}@db.internal:5432/geo'], 0)
        add("db-url-rediss", [f'CACHE_URL = "rediss://default:{rand(rng, 24)}@cache.internal:6380/0"'], 0)
        add("db-url-at-password", [f'MONGO_URI=mongodb://svc:{rand(rng, 10)}@{rand(rng, 6)}@mongo.internal:27017/app'], 0)
        add("curl-user", [f"curl -u :{rand(rng, 20)} https://api.internal/v1/items"], 0)
        add("curl-header", [f'curl -H "Authorization: Api-Token {rand(rng, 32)}" https://monitor.internal/api'], 0)
        add("generic-suffixed", [f'service_api_token_{rng.randint(1, 9)} = "{rand(rng, 32)}"'], 0)
        add("generic-passwd", [f'passwd = "{rand(rng, 6)}{rng.choice("!$%")}{rand(rng, 8)}"'], 0)
        add("okta-previous-line", ['variable "okta_api_token" {', f'  default = "00{rand(rng, 40)}"', "}"], 1)
    return out


def negatives(rng: random.Random) -> list[tuple[str, list[str], int, int]]:
    out: list[tuple[str, list[str], int, int]] = []

    def add(kind: str, lines: list[str], first: int, last: int | None = None) -> None:
        out.append((kind, lines, first, first if last is None else last))

    for _ in range(8):
        add("placeholder", [f'API_TOKEN="<{rng.choice(["paste-token-here", "your token", "TOKEN"])}>"'], 0)
        add("env-reference", [f'password: "${{{rng.choice(["DB_PASS", "SECRET", "REDIS_PASSWORD"])}}}"'], 0)
        add("aws-doc-example", ["aws_access_key_id = AKIAIOSFODNN7EXAMPLE"], 0)
        add("sops-value", [f'  db_password: ENC[AES256_GCM,data:{b64(rng, 12)},iv:{b64(rng, 32)},tag:{b64(rng, 16)},type:str]'], 0)
        add("sealed-secret", [f"    password: Ag{b64(rng, 300)}"], 0)
        add("truncated-admin-key", [f'OPENAI_ADMIN_KEY="sk-admin-{rand(rng, 6)}..."'], 0)
        add("curl-placeholder", ["curl -u <user:password> https://api.internal/v1/items"], 0)
        add("uuid", [f'request_id = "{uuid.UUID(int=rng.getrandbits(128), version=4)}"'], 0)
        add("sha256", [f'checksum: sha256:{rand(rng, 64, HEX)}'], 0)
        add("git-sha", [f"revision = \"{rand(rng, 40, HEX)}\""], 0)
        add("identifier", [f"token_endpoint = {rng.choice(['oauth.tokenEndpoint', 'settings.auth.token_url'])}"], 0)
        add("public-key", [f"ssh-ed25519 {b64(rng, 51)} deploy@ci"], 0)
        add("image-base64", [f'icon = "data:image/png;base64,iVBORw0KGgo{b64(rng, 60)}"'], 0)
    return out


# ---------------------------------------------------------------------------------------------
# file templates (none of them is one of quality.py's)

TEMPLATES = [
    ("charts/{n}/values.yaml", ["# Default values for {n}.", "replicaCount: 2", "image:", "  repository: registry.internal/{n}", ""], ["resources: {{}}"]),
    ("src/{n}/appsettings.Production.json.txt", ["// production settings, copied from the vault by hand", ""], ["// end"]),
    ("deploy/{n}/compose.override.yml", ["services:", "  {n}:", "    environment:"], ["    restart: unless-stopped"]),
    ("infra/{n}/variables.tf", ["# inputs for the {n} stack", ""], ['output "name" {{ value = "{n}" }}']),
    ("scripts/{n}-smoke.sh", ["#!/bin/sh", "set -eu", ""], ["echo done"]),
    ("app/src/main/resources/{n}.conf", ["{n} {{", "  enabled = true"], ["}}"]),
    ("config/{n}.php.txt", ["<?php", "return ["], ["];"]),
    ("docs/runbooks/{n}.rst", ["{n} runbook", "==========", "", ".. code-block:: text", ""], [""]),
]

NAMES = ["billing", "ledger", "courier", "atlas", "harbor", "quartz", "relay", "sentinel", "orchard", "beacon",
         "cinder", "delta", "ember", "fjord", "garnet", "helix"]


def build_corpus(seed: int = SEED) -> list[SourceFile]:
    rng = random.Random(seed)
    items = [(k, l, f, t, "secret") for k, l, f, t in positives(rng)] + [(k, l, f, t, "benign") for k, l, f, t in negatives(rng)]
    rng.shuffle(items)
    files: list[SourceFile] = []
    used: set[str] = set()
    while items:
        chunk = items[:rng.randint(3, 7)]
        items = items[len(chunk):]
        pattern, head, tail = rng.choice(TEMPLATES)
        name = rng.choice(NAMES)
        path = pattern.format(n=name)
        k = 2
        while path in used:
            path = pattern.format(n=f"{name}{k}")
            k += 1
        used.add(path)
        snips = [Snip([line.format(n=name) for line in head])]
        for kind, lines, first, last, label in chunk:
            snips.append(Snip(lines, [Mark(first, last, kind, label)]))
            snips.append(Snip([f"# {rng.choice(NAMES)} {rng.choice(['settings', 'notes', 'values'])}"]))
        snips.append(Snip([line.format(n=name) for line in tail]))
        files.append(SourceFile(path, "heldout", snips, None, 1 + len(files) % 2))
    return files
