"""A local stand-in for the Hugging Face Hub: just the endpoints ``curation release --push-to-hub`` uses.

The Hub cannot be reached from the test machines, so tests point ``HF_ENDPOINT`` at this
server (127.0.0.1, random port). It implements, with the request and response shapes of
``huggingface_hub`` 2.4's client: ``POST /api/repos/create``, ``GET /api/datasets/<repo>/refs``,
``GET /api/datasets/<repo>/tree/<rev>``, ``POST /api/validate-yaml``,
``POST /api/datasets/<repo>/preupload/<rev>`` (every file "regular", so no LFS/Xet transfer),
``POST /api/datasets/<repo>/commit/<rev>`` (the NDJSON commit) and
``POST /api/datasets/<repo>/tag/<rev>``. Every request must carry ``Authorization: Bearer
<token>``. Repositories live in memory: files, commits and tags, for the test to inspect.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Repo:
    files: dict[str, bytes] = field(default_factory=dict)
    commits: list[str] = field(default_factory=list)
    tags: dict[str, str] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)


class HubStub:
    """Start with ``with HubStub(token) as hub:``; ``hub.url`` is the endpoint."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.repos: dict[str, Repo] = {}
        self.requests: list[tuple[str, str]] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                stub._handle(self, "GET")

            def do_POST(self) -> None:
                stub._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HubStub:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    # --- dispatch ---------------------------------------------------------------------------

    def _handle(self, req: BaseHTTPRequestHandler, method: str) -> None:
        path = urlsplit(req.path).path
        self.requests.append((method, path))
        body = req.rfile.read(int(req.headers.get("Content-Length") or 0))
        if req.headers.get("Authorization") != f"Bearer {self.token}":
            return self._send(req, 401, {"error": "Invalid credentials in Authorization header"})
        routes = [
            ("POST", r"/api/repos/create", self._create_repo),
            ("POST", r"/api/validate-yaml", lambda b: (200, {"errors": [], "warnings": []})),
            ("GET", r"/api/datasets/(?P<repo>[^/]+/[^/]+)/refs", self._refs),
            ("GET", r"/api/datasets/(?P<repo>[^/]+/[^/]+)/tree/(?P<rev>[^/]+)", self._tree),
            ("POST", r"/api/datasets/(?P<repo>[^/]+/[^/]+)/preupload/(?P<rev>[^/]+)", self._preupload),
            ("POST", r"/api/datasets/(?P<repo>[^/]+/[^/]+)/commit/(?P<rev>[^/]+)", self._commit),
            ("POST", r"/api/datasets/(?P<repo>[^/]+/[^/]+)/tag/(?P<rev>[^/]+)", self._tag),
        ]
        for verb, pattern, handler in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                status, payload = handler(body, **match.groupdict())
                return self._send(req, status, payload)
        self._send(req, 404, {"error": f"no route {method} {path}"})

    @staticmethod
    def _send(req: BaseHTTPRequestHandler, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        req.send_response(status)
        req.send_header("Content-Type", "application/json")
        req.send_header("Content-Length", str(len(data)))
        req.end_headers()
        req.wfile.write(data)

    # --- endpoints --------------------------------------------------------------------------

    def _create_repo(self, body: bytes) -> tuple[int, Any]:
        payload = json.loads(body)
        assert payload["type"] == "dataset", payload
        repo_id = f"{payload['organization']}/{payload['name']}"
        if repo_id in self.repos:
            return 409, {"error": "You already created this dataset repo", "url": f"{self.url}/datasets/{repo_id}"}
        self.repos[repo_id] = Repo()
        return 200, {"url": f"{self.url}/datasets/{repo_id}", "name": repo_id}

    def _refs(self, body: bytes, repo: str) -> tuple[int, Any]:
        r = self.repos.get(repo)
        if r is None:
            return 404, {"error": "Repository not found"}
        tags = [{"name": t, "ref": f"refs/tags/{t}", "targetCommit": oid} for t, oid in sorted(r.tags.items())]
        head = r.commits[-1] if r.commits else "0" * 40
        return 200, {"branches": [{"name": "main", "ref": "refs/heads/main", "targetCommit": head}],
                     "converts": [], "tags": tags}  # fmt: skip

    def _tree(self, body: bytes, repo: str, rev: str) -> tuple[int, Any]:
        r = self.repos.get(repo)
        if r is None:
            return 404, {"error": "Repository not found"}
        return 200, [
            {"type": "file", "path": p, "size": len(b), "oid": hashlib.sha1(b).hexdigest()}
            for p, b in sorted(r.files.items())
        ]

    def _preupload(self, body: bytes, repo: str, rev: str) -> tuple[int, Any]:
        if repo not in self.repos:
            return 404, {"error": "Repository not found"}
        files = json.loads(body)["files"]
        return 200, {"files": [{"path": f["path"], "uploadMode": "regular", "shouldIgnore": False} for f in files]}

    def _commit(self, body: bytes, repo: str, rev: str) -> tuple[int, Any]:
        r = self.repos.get(repo)
        if r is None:
            return 404, {"error": "Repository not found"}
        lines = [json.loads(line) for line in body.splitlines() if line.strip()]
        assert lines[0]["key"] == "header", lines[0]
        files = dict(r.files)
        for item in lines[1:]:
            value = item["value"]
            if item["key"] == "file":
                assert value["encoding"] == "base64", value
                files[value["path"]] = base64.b64decode(value["content"])
            elif item["key"] == "deletedFile":
                files.pop(value["path"], None)
            else:
                return 400, {"error": f"stub does not support commit item {item['key']}"}
        digest = hashlib.sha1()
        digest.update((r.commits[-1] if r.commits else "").encode())
        for p, b in sorted(files.items()):
            digest.update(p.encode() + b"\0" + hashlib.sha1(b).digest())
        oid = digest.hexdigest()
        r.files, r.commits = files, r.commits + [oid]
        r.messages.append(lines[0]["value"]["summary"])
        return 200, {"commitUrl": f"{self.url}/datasets/{repo}/commit/{oid}", "commitOid": oid}

    def _tag(self, body: bytes, repo: str, rev: str) -> tuple[int, Any]:
        r = self.repos.get(repo)
        if r is None or rev not in r.commits:
            return 404, {"error": "Revision not found"}
        tag = json.loads(body)["tag"]
        if tag in r.tags:
            return 409, {"error": f"Tag {tag} already exists"}
        r.tags[tag] = rev
        return 200, {}
