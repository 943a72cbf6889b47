#!/usr/bin/env python3
"""Regenerates the real-CLI transcript corpus in Tests/PolicyEngineTests/Fixtures/RealCLI/.

Each scenario runs the pinned claude (scripts/fetch-claude.sh) through run-claude.sh in a fresh git
repository, against scripted turns. What is machine-specific is scrubbed so the corpus is stable: the
checkout becomes /builds/acme/app, the throw-away HOME and TMPDIR /home/agent and /tmp/agent, ids,
timestamps and durations fixed values. Usage: record-fixtures.py [SCENARIO...]
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(ROOT, "Tests", "PolicyEngineTests", "Fixtures", "RealCLI")
REPO = "@REPO@"  # replaced by the scenario's checkout before the run
MCP = json.dumps({"mcpServers": {"gitlab": {"command": "python3", "args": [os.path.join(HERE, "fake_mcp_server.py")]}}})
HOOKS = json.dumps({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "echo hook-ran >&2"}]}]}})


def bash(command, id, background=False):
    tool_input = {"command": command, "description": "run a command"}
    if background:
        tool_input["run_in_background"] = True
    return {"name": "Bash", "id": id, "input": tool_input}


def tool(name, id, **tool_input):
    return {"name": name, "id": id, "input": tool_input}


SCENARIOS = {
    "benign-read-edit-test": dict(
        args=["--permission-mode", "acceptEdits", "--allowedTools", "Read", "Edit", "Bash(./run-tests.sh)"],
        turns=[{"tool_uses": [tool("Read", "toolu_read", file_path=REPO + "/src/app.py")]},
               {"tool_uses": [tool("Edit", "toolu_edit", file_path=REPO + "/src/app.py", old_string="print(1)", new_string="print(2)")]},
               {"tool_uses": [bash("./run-tests.sh", "toolu_test")]},
               {"text": "Changed the output and the tests pass."}]),
    "subagent": dict(
        args=["--allowedTools", "Agent", "Bash(ls *)", "Bash(ls)"],
        turns=[{"tool_uses": [tool("Agent", "toolu_agent", description="list files", prompt="SUBAGENT list the files",
                                   subagent_type="general-purpose")]},
               {"match": "SUBAGENT list", "tool_uses": [bash("ls", "toolu_sub_ls")]},
               {"match": "SUBAGENT list", "text": "Two files."},
               {"text": "Waiting for the agent."},
               {"text": "The agent found two files."}]),
    "background-bash": dict(
        args=["--allowedTools", "Bash(sleep *)"],
        turns=[{"tool_uses": [bash("sleep 1; echo background-finished", "toolu_bg", background=True)]},
               {"text": "Started it in the background."},
               {"text": "The background command finished."}]),
    "mcp-after-toolsearch": dict(
        args=["--mcp-config", MCP, "--strict-mcp-config", "--allowedTools", "mcp__gitlab"],
        turns=[{"tool_uses": [tool("ToolSearch", "toolu_search", query="select:mcp__gitlab__get_merge_request", max_results=1)]},
               {"tool_uses": [tool("mcp__gitlab__get_merge_request", "toolu_mcp", iid=42)]},
               {"text": "Merge request 42 fixes the cart total."}]),
    "hooks": dict(
        args=["--include-hook-events", "--allowedTools", "Bash(echo *)"],
        files={".claude/settings.json": HOOKS},
        turns=[{"tool_uses": [bash("echo with-a-hook", "toolu_hooked")]}, {"text": "Done."}]),
    "refused-by-permissions": dict(
        args=[],
        turns=[{"tool_uses": [tool("Write", "toolu_write", file_path=REPO + "/notes.txt", content="x\n")]},
               {"tool_uses": [bash("curl -s https://example.com/x; echo fetched", "toolu_curl")]},
               {"text": "I was not allowed to do that."}]),
    "refused-by-disallowed-tools": dict(
        args=["--allowedTools", "Bash", "--disallowedTools", "Bash(rm *)", "Write"],
        turns=[{"tool_uses": [bash("rm -rf src", "toolu_rm")]},
               {"tool_uses": [tool("Write", "toolu_write", file_path=REPO + "/x.txt", content="x\n")]},
               {"text": "Both were refused."}]),
    "max-turns": dict(
        args=["--max-turns", "1", "--allowedTools", "Bash(echo *)"],
        turns=[{"tool_uses": [bash("echo one", "toolu_one")]}, {"tool_uses": [bash("echo two", "toolu_two")]},
               {"text": "never reached"}]),
    "api-error-400": dict(
        args=["--allowedTools", "Bash(echo *)"],
        turns=[{"tool_uses": [bash("echo before-the-error", "toolu_echo")]},
               {"sticky": True, "error": {"status": 400, "type": "invalid_request_error", "message": "scripted bad request"}}]),
    "api-error-500": dict(
        args=[], env=["CLAUDE_CODE_MAX_RETRIES=0"],
        turns=[{"sticky": True, "error": {"status": 500, "type": "api_error", "message": "scripted outage"}}]),
    "bypass-permissions": dict(
        args=["--dangerously-skip-permissions"], env=["IS_SANDBOX=1"],
        turns=[{"tool_uses": [bash("touch made-in-bypass", "toolu_touch")]}, {"text": "Done."}]),
    "unavailable-tool": dict(
        args=["--allowedTools", "Bash(echo *)"],
        turns=[{"tool_uses": [tool("Grep", "toolu_grep", pattern="x")]},
               {"tool_uses": [tool("TodoWrite", "toolu_todo", todos=[])]},
               {"text": "Done."}]),
    "skill-grants-a-command": dict(
        args=[], prompt="/probe",
        files={".claude/skills/probe/SKILL.md": "---\nname: probe\ndescription: probe\nallowed-tools: Bash(python3 *)\n---\nRun it.\n"},
        turns=[{"tool_uses": [bash("python3 -c 'print(42)'", "toolu_python")]}, {"text": "Done."}]),
    "plugin-dir-hook": dict(
        args=["--include-hook-events", "--plugin-dir", "plug", "--allowedTools", "Bash(echo *)"],
        files={"plug/.claude-plugin/plugin.json": json.dumps({"name": "helper"}),
               "plug/hooks/hooks.json": json.dumps({"hooks": {"PreToolUse": [{"matcher": "Bash", "hooks": [
                   {"type": "command", "command": "echo plugin-hook-ran >&2"}]}]}})},
        turns=[{"tool_uses": [bash("echo hello", "toolu_echo")]}, {"text": "Done."}]),
    "agents-hook": dict(
        args=["--include-hook-events", "--agents", json.dumps({"helper": {"description": "d", "prompt": "p", "hooks": {
            "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "echo agent-hook-ran >&2"}]}]}}}),
              "--agent", "helper", "--allowedTools", "Bash(echo *)"],
        turns=[{"tool_uses": [bash("echo hello", "toolu_echo")]}, {"text": "Done."}]),
    "add-dir-write-outside": dict(
        args=["--permission-mode", "acceptEdits", "--add-dir", "/tmp"],
        turns=[{"tool_uses": [tool("Write", "toolu_write", file_path="/tmp/policy-gate-fixture-outside.txt", content="x\n")]},
               {"text": "Wrote it."}]),
    "failed-command-quoting-a-denial": dict(
        args=["--allowedTools", "Bash(sh *)"],
        turns=[{"tool_uses": [bash("sh -c 'echo \"Permission to use Bash has been denied\"; false'", "toolu_fail")]},
               {"text": "The command failed."}]),
}

BASE_FILES = {"README.md": "# app\n", "src/app.py": "print(1)\n", "run-tests.sh": "#!/bin/sh\necho 'tests passed'\n"}


def substitute(value, repo):
    return json.loads(json.dumps(value).replace(REPO, repo))


def scrub(text, repo, state):
    text = text.replace(repo, "/builds/acme/app").replace(state + "/home", "/home/agent").replace(state + "/tmp", "/tmp/agent")
    text = text.replace(HERE, "/opt/fixtures").replace(state, "/tmp/state")
    text = text.replace(repo.replace("/", "-"), "-builds-acme-app")
    ids = {}

    def stable(match):
        return ids.setdefault(match.group(0), "00000000-0000-4000-8000-%012d" % (len(ids) + 1))
    text = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", stable, text)
    text = re.sub(r'"timestamp":"[^"]*"', '"timestamp":"2026-12-05T12:00:00.000Z"', text)
    text = re.sub(r'"(duration_ms|duration_api_ms|end_time|start_time|retry_delay_ms|ttft_ms)":\d+', r'"\1":0', text)
    return text


def record(name, scenario, claude_ok):
    work = tempfile.mkdtemp(prefix="policy-gate-fixture-")
    try:
        repo = os.path.join(work, "app")
        os.makedirs(repo)
        for path, text in dict(BASE_FILES, **scenario.get("files", {})).items():
            full = os.path.join(repo, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, "w") as handle:
                handle.write(text)
        os.chmod(os.path.join(repo, "run-tests.sh"), 0o755)
        git = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-C", repo]
        subprocess.run(["git", "init", "-q", "-b", "main", repo], check=True)
        subprocess.run(git + ["add", "-A"], check=True)
        subprocess.run(git + ["commit", "-q", "-m", "base"], check=True)
        script = os.path.join(work, "turns.json")
        with open(script, "w") as handle:
            json.dump({"turns": substitute(scenario["turns"], repo)}, handle)
        state = os.path.join(work, "state")
        command = [os.path.join(HERE, "run-claude.sh"), "--script", script, "--state", state, "--work", repo]
        for entry in scenario.get("env", []):
            command += ["--env", entry]
        command += ["--", "claude", "-p", scenario.get("prompt", "do the task"), "--output-format", "stream-json", "--verbose"]
        command += scenario["args"]
        run = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
        transcript = scrub(run.stdout, repo, state)
        with open(os.path.join(OUT, name + ".jsonl"), "w") as handle:
            handle.write(transcript)
        with open(os.path.join(OUT, name + ".exit"), "w") as handle:
            handle.write("%d\n" % run.returncode)
        print("%-34s exit %d, %d events" % (name, run.returncode, transcript.count("\n")))
    finally:
        shutil.rmtree(work, ignore_errors=True)
        if os.path.exists("/tmp/policy-gate-fixture-outside.txt"):
            os.remove("/tmp/policy-gate-fixture-outside.txt")


def main():
    os.makedirs(OUT, exist_ok=True)
    names = sys.argv[1:] or sorted(SCENARIOS)
    for name in names:
        record(name, SCENARIOS[name], True)


if __name__ == "__main__":
    main()
