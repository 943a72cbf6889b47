#!/usr/bin/env python3
"""A fake GitLab REST v4 for measuring `policy-gate audit`: one group, three projects, N merged
merge requests, each with a merge-request pipeline whose policy-gate:post job passed and set the
policy-gate/post status, every 10th merge request without the job. Offset pagination with
X-Next-Page and Link, as GitLab answers merge-request lists.

    python3 bench/audit/fake_gitlab.py --port 8765 --count 20000 [--token TOKEN]
"""
import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

PROJECTS = {11: "acme/app", 12: "acme/api", 13: "acme/sub/web"}


def build(count):
    mrs = []
    iids = {project: 0 for project in PROJECTS}
    for n in range(count):
        project = list(PROJECTS)[(n // 7) % 3]
        iids[project] += 1
        iid = iids[project]
        mrs.append({
            "id": 900000 + n, "iid": iid, "project_id": project, "title": f"change {n}", "state": "merged",
            "sha": f"{0xC0FFEE + n:040x}", "created_at": f"2026-02-01T{(n // 3600) % 24:02d}:{(n // 60) % 60:02d}:{n % 60:02d}.{n // 86400:03d}Z",
            "merged_at": "2026-03-01T00:00:00.000Z", "updated_at": "2026-03-01T00:00:00.000Z", "labels": ["policy-gate::passed"],
            "author": {"id": 7, "username": "agent-bot"}, "references": {"full": f"{PROJECTS[project]}!{iid}"},
            "web_url": f"https://gitlab.example.com/{PROJECTS[project]}/-/merge_requests/{iid}",
        })
    mrs.sort(key=lambda m: m["created_at"])
    return mrs


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: with Nagle on, the body waits for the client's delayed ACK.
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def reply(self, body, headers=None, status=200):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        server = self.server
        if server.token and self.headers.get("PRIVATE-TOKEN") != server.token:
            return self.reply({"message": "401 Unauthorized"}, status=401)
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        parts = url.path.split("/")[3:]
        if parts == ["personal_access_tokens", "self"]:
            return self.reply({"id": 1, "scopes": ["read_api"]})
        if parts[:1] == ["groups"] and len(parts) == 2:
            return self.reply({"id": 100, "full_path": "acme"})
        if parts[:1] == ["groups"] and parts[2:] == ["merge_requests"]:
            items = [m for m in server.mrs if m["created_at"] >= query.get("created_after", "")]
            per_page, page = int(query.get("per_page", 20)), int(query.get("page", 1))
            chunk = items[(page - 1) * per_page: page * per_page]
            headers = {}
            if page * per_page < len(items):
                headers["X-Next-Page"] = str(page + 1)
            return self.reply(chunk, headers)
        if len(parts) >= 4 and parts[0] == "projects":
            project, rest = int(parts[1]), parts[2:]
            if rest[0] == "merge_requests" and rest[2] == "pipelines":
                mr = server.by_key[(project, int(rest[1]))]
                pid = mr["id"]
                return self.reply([{"id": pid, "sha": mr["sha"], "ref": f"refs/merge-requests/{rest[1]}/head", "status": "success",
                                    "source": "merge_request_event", "web_url": f"https://gitlab.example.com/-/pipelines/{pid}"}])
            if rest[0] == "pipelines" and rest[2] == "jobs":
                pid = int(rest[1])
                jobs = [{"id": pid * 10 + 1, "name": "claude", "status": "success", "web_url": "https://gitlab.example.com/-/jobs/1"}]
                if pid % 10:
                    jobs.append({"id": pid * 10 + 2, "name": "policy-gate:post", "status": "success",
                                 "finished_at": "2026-02-28T00:00:00Z", "web_url": f"https://gitlab.example.com/-/jobs/{pid * 10 + 2}"})
                return self.reply(jobs)
            if rest[0] == "repository" and rest[3] == "statuses":
                pid = int(query.get("pipeline_id", 0))
                return self.reply([{"id": pid, "name": "policy-gate/post", "status": "success", "pipeline_id": pid}] if pid % 10 else [])
        return self.reply({"message": "404 Not Found"}, status=404)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--token", default="")
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    server.token = args.token
    server.mrs = build(args.count)
    server.by_key = {(m["project_id"], m["iid"]): m for m in server.mrs}
    print(f"serving {len(server.mrs)} merge requests on 127.0.0.1:{args.port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    threading.current_thread().name = "fake-gitlab"
    main()
