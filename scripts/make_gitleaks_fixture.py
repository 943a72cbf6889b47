#!/usr/bin/env python3
"""Facts about a gitleaks-format TOML file, from Python's tomllib, for TOMLGitleaksTests.

    scripts/make_gitleaks_fixture.py Tests/PolicyEngineTests/Fixtures/gitleaks-format/rules.toml \
        > Tests/PolicyEngineTests/Fixtures/gitleaks-format/expected.json

Prints the number of rules, the SHA-256 of each rule's regex, and the SHA-256 of the whole document in
the canonical rendering TOMLTestSupport.canonical also writes: strings `s<utf8 length>:<text>`,
integers `i<n>;`, floats `f<IEEE-754 bits as 16 hex digits>;`, booleans `b1;`/`b0;`, arrays `[...]`,
tables `{<key><value>...}` in source order (tomllib keeps it).
"""
import hashlib
import json
import struct
import sys
import tomllib


def canonical(value):
    if isinstance(value, bool):
        return "b1;" if value else "b0;"
    if isinstance(value, int):
        return f"i{value};"
    if isinstance(value, float):
        return "f" + struct.pack(">d", value).hex() + ";"
    if isinstance(value, str):
        return f"s{len(value.encode())}:{value}"
    if isinstance(value, list):
        return "[" + "".join(canonical(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + "".join(canonical(key) + canonical(item) for key, item in value.items()) + "}"
    raise SystemExit(f"make_gitleaks_fixture.py: unsupported value {value!r} (dates are not rendered)")


def sha256(text):
    return hashlib.sha256(text.encode()).hexdigest()


def main():
    if len(sys.argv) != 2:
        raise SystemExit("usage: make_gitleaks_fixture.py RULES.toml")
    with open(sys.argv[1], "rb") as handle:
        document = tomllib.load(handle)
    rules = document.get("rules", [])
    facts = {
        "ruleCount": len(rules),
        "documentSHA256": sha256(canonical(document)),
        "regexSHA256": {rule["id"]: sha256(rule["regex"]) for rule in rules if "regex" in rule},
    }
    json.dump(facts, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
