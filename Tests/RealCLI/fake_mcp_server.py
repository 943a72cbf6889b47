#!/usr/bin/env python3
"""A tiny stdio MCP server for tests: one tool, get_merge_request, that answers with a fixed merge request.
Speaks newline-delimited JSON-RPC 2.0 as MCP's stdio transport does."""
import json
import sys

TOOLS = [{
    "name": "get_merge_request",
    "description": "Read a merge request",
    "inputSchema": {"type": "object", "properties": {"iid": {"type": "integer"}}, "required": ["iid"]},
}]


def answer(request):
    method = request.get("method")
    if method == "initialize":
        return {"protocolVersion": request.get("params", {}).get("protocolVersion", "2024-11-05"),
                "capabilities": {"tools": {}}, "serverInfo": {"name": "fake-gitlab", "version": "1.0.0"}}
    if method == "tools/list":
        return {"tools": TOOLS}
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
