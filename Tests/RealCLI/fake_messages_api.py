#!/usr/bin/env python3
"""A scripted stand-in for the Anthropic Messages API, for tests that drive the real Claude Code CLI.

Usage: fake_messages_api.py SCRIPT.json LOG.jsonl PORTFILE

SCRIPT is {"turns": [TURN, ...]}. Each POST /v1/messages that is not one of the CLI's own side requests
(see `is_side_request`) takes the next TURN:
  {"tool_uses": [{"name": "Bash", "input": {...}, "id": "toolu_x"?}, ...], "text": "optional preamble"}
  {"text": "final answer"}                      stop_reason end_turn
  {"error": {"status": 400, "type": "invalid_request_error", "message": "..."}}
  {"match": "substring", ...}                   taken only by a request whose first message contains it
                                                (for subagents, whose requests interleave with the main thread's)
  {"sticky": true, ...}                         served again for every later request (a lasting outage)
When no turn is left the reply is a final text "done". Every request is appended to LOG as one JSON line
{"path", "body", "turn"} so a test can check what tool_result the model was sent. The port the server
listens on (127.0.0.1, chosen by the system) is written to PORTFILE once it accepts connections; @API_PORT@
in a tool input is replaced with it.
"""
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "claude-sonnet-4-5-20250929"


class Script:
    def __init__(self, turns):
        self.turns = list(turns)
        self.lock = threading.Lock()
        self.served = 0
        self.tool_ids = 0
        self.port = 0

    def take(self, opening):
        """The first turn whose `match` occurs in the request's first message (a subagent's prompt), else
        the first turn without `match`: main-thread turns are served in order."""
        with self.lock:
            self.served += 1
            chosen = next((i for i, t in enumerate(self.turns) if t.get("match") and t["match"] in opening), None)
            if chosen is None:
                chosen = next((i for i, t in enumerate(self.turns) if not t.get("match")), None)
            if chosen is None:
                return {"text": "done"}, self.served
            turn = self.turns[chosen]
            if not turn.get("sticky"):
                self.turns.pop(chosen)
            return turn, self.served

    def next_tool_id(self):
        with self.lock:
            self.tool_ids += 1
            return "toolu_%02d" % self.tool_ids


def is_side_request(body):
    """The CLI's own small requests (quota probe, titles, summaries) use a tiny max_tokens or no tools and
    must not consume the scripted turns of the agent."""
    if body.get("max_tokens", 0) <= 1:
        return True
    system = json.dumps(body.get("system", ""))
    return "tools" not in body and "Claude Code" not in system


def first_message_text(body):
    messages = body.get("messages") or [{}]
    return json.dumps(messages[0].get("content", ""))


def sse(event, data):
    return ("event: %s\ndata: %s\n\n" % (event, json.dumps(data))).encode()


def blocks_of(turn, script):
    blocks = []
    if turn.get("text"):
        blocks.append({"type": "text", "text": turn["text"]})
    for use in turn.get("tool_uses", []):
        # @API_PORT@ in an input is this server's port: a stand-in for a collector on 127.0.0.1 whose
        # every request is logged (the CLI's network namespace has no other listener).
        tool_input = json.loads(json.dumps(use.get("input", {})).replace("@API_PORT@", str(script.port)))
        blocks.append({"type": "tool_use", "id": use.get("id") or script.next_tool_id(),
                       "name": use["name"], "input": tool_input})
    if not blocks:
        blocks.append({"type": "text", "text": "done"})
    return blocks


def stream(blocks, stop_reason, message_id):
    yield sse("message_start", {"type": "message_start", "message": {
        "id": message_id, "type": "message", "role": "assistant", "model": MODEL, "content": [],
        "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 12, "output_tokens": 1, "cache_creation_input_tokens": 0,
                  "cache_read_input_tokens": 0}}})
    yield sse("ping", {"type": "ping"})
    for index, block in enumerate(blocks):
        if block["type"] == "text":
            yield sse("content_block_start", {"type": "content_block_start", "index": index,
                                              "content_block": {"type": "text", "text": ""}})
            yield sse("content_block_delta", {"type": "content_block_delta", "index": index,
                                              "delta": {"type": "text_delta", "text": block["text"]}})
        else:
            yield sse("content_block_start", {"type": "content_block_start", "index": index, "content_block": {
                "type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}})
            encoded = json.dumps(block["input"])
            # Split the input like the real API does, in several partial pieces.
            for start in range(0, len(encoded), 40):
                yield sse("content_block_delta", {"type": "content_block_delta", "index": index, "delta": {
                    "type": "input_json_delta", "partial_json": encoded[start:start + 40]}})
        yield sse("content_block_stop", {"type": "content_block_stop", "index": index})
    yield sse("message_delta", {"type": "message_delta",
                                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                                "usage": {"output_tokens": 20}})
    yield sse("message_stop", {"type": "message_stop"})


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply_json(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.record({}, None)
        self.reply_json(404, {"type": "error", "error": {"type": "not_found_error", "message": "not found"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {}
        if not self.path.startswith("/v1/messages") or self.path.startswith("/v1/messages/count_tokens"):
            self.record(body, None)
            if "count_tokens" in self.path:
                return self.reply_json(200, {"input_tokens": 100})
            return self.reply_json(404, {"type": "error", "error": {"type": "not_found_error", "message": "not found"}})
        if is_side_request(body):
            turn, number = {"text": "ok"}, None
        else:
            turn, number = self.server.script.take(first_message_text(body))
        self.record(body, number)
        error = turn.get("error")
        if error:
            return self.reply_json(error.get("status", 500), {"type": "error", "error": {
                "type": error.get("type", "api_error"), "message": error.get("message", "scripted error")}})
        blocks = blocks_of(turn, self.server.script)
        stop_reason = "tool_use" if any(b["type"] == "tool_use" for b in blocks) else "end_turn"
        message_id = "msg_%04d" % (number or 0)
        if not body.get("stream"):
            return self.reply_json(200, {"id": message_id, "type": "message", "role": "assistant", "model": MODEL,
                                         "content": blocks, "stop_reason": stop_reason, "stop_sequence": None,
                                         "usage": {"input_tokens": 12, "output_tokens": 20}})
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")
        self.end_headers()
        for chunk in stream(blocks, stop_reason, message_id):
            self.wfile.write(chunk)
            self.wfile.flush()
        self.close_connection = True

    def record(self, body, turn):
        with self.server.log_lock:
            with open(self.server.log_path, "a") as log:
                log.write(json.dumps({"path": self.path, "turn": turn, "body": body}) + "\n")


def main():
    script_path, log_path, port_path = sys.argv[1:4]
    with open(script_path) as handle:
        script = Script(json.load(handle).get("turns", []))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.script = script
    script.port = server.server_address[1]
    server.log_path = log_path
    server.log_lock = threading.Lock()
    open(log_path, "a").close()
    with open(port_path + ".tmp", "w") as handle:
        handle.write(str(server.server_address[1]))
    import os
    os.replace(port_path + ".tmp", port_path)
    server.serve_forever()


if __name__ == "__main__":
    main()
