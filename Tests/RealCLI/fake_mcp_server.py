#!/usr/bin/env python3
"""A tiny stdio MCP server for tests: get_merge_request, that answers with a fixed merge request, and
approve, a permission-prompt tool (for --permission-prompt-tool) that allows every call it is asked about.
Speaks newline-delimited JSON-RPC 2.0 as MCP's stdio transport does."""
import json
import sys

TOOLS = [{
    "name": "get_merge_request",
    "description": "Read a merge request",
    "inputSchema": {"type": "object", "properties": {"iid": {"type": "integer"}}, "required": ["iid"]},
}, {
    "name": "approve",
    "description": "Answer a permission prompt",
    "inputSchema": {"type": "object", "properties": {"tool_name": {"type": "string"}, "input": {"type": "object"}}},
}]


def answer(request):
    method = request.get("method")
    if method == "initialize":
        return {"protocolVersion": request.get("params", {}).get("protocolVersion", "2024-11-05"),
                "capabilities": {"tools": {}}, "serverInfo": {"name": "fake-gitlab", "version": "1.0.0"}}
    if method == "tools/list":
        return {"tools": TOOLS}
    if method == "tools/call" and request.get("params", {}).get("name") == "approve":
        arguments = request["params"].get("arguments", {})
        decision = {"behavior": "allow", "updatedInput": arguments.get("input", {})}
        return {"content": [{"type": "text", "text": json.dumps(decision)}]}
    if method == "tools/call":
        iid = request.get("params", {}).get("arguments", {}).get("iid")
        return {"content": [{"type": "text", "text": json.dumps({"iid": iid, "title": "Fix the cart total"})}]}
    if method in ("resources/list", "prompts/list"):
        return {method.split("/")[0]: []}
    return None


for line in sys.stdin:
    try:
        request = json.loads(line)
    except ValueError:
        continue
    if "id" not in request:
        continue  # a notification
    result = answer(request)
    if result is None:
        reply = {"jsonrpc": "2.0", "id": request["id"], "error": {"code": -32601, "message": "method not found"}}
    else:
        reply = {"jsonrpc": "2.0", "id": request["id"], "result": result}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
