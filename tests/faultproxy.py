"""A real HTTP proxy in front of the test Label Studio that fails on purpose.

Retry and repair paths need a server that misbehaves: answers 503 once, drops a download
half-way, or receives a different request than the client sent. The proxy forwards
everything else unchanged to the real server, and logs what it saw.

With a :class:`Chaos`, it also fails a seeded random share of all requests, in four ways:
``refused`` (502 before forwarding), ``502 after`` (forwarded, then 502), ``cut`` (forwarded,
the connection closed half-way through the answer) and ``slow`` (forwarded, the answer held
past the client's read timeout).
"""

from __future__ import annotations

import http.client
import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit


@dataclass
class Fault:
    method: str
    path: str  # regular expression matched against the path (query string included)
    times: int = 1
    status: int | None = None  # answer this status instead of forwarding
    drop_after: int | None = None  # forward, but close the connection after this many body bytes
    announce_length: bool = True  # with drop_after: send the full Content-Length first
    rewrite: Callable[[Any], Any] | None = None  # change the JSON request body before forwarding
    answer: Callable[[Any], Any] | None = None  # change the JSON response body before sending it back


KINDS = ("refused", "502 after", "cut", "slow")


@dataclass
class Chaos:
    """Fail ``share`` of the requests at random (seeded), never one request more than
    ``max_in_a_row`` times in a row (so that a command with enough tries gets through)."""

    seed: int
    share: float = 0.15
    kinds: tuple[str, ...] = KINDS
    slow_seconds: float = 3.0
    max_in_a_row: int = 2
    injected: Counter = field(default_factory=Counter)  # kind -> how many
    log: list[tuple[str, str, str]] = field(default_factory=list)  # (kind, method, path) of each fault
    requests: int = 0
    forced: str | None = None  # the kind of fault the next request gets, whatever the draw
    _in_a_row: Counter = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)

    def pick(self, method: str, path: str) -> str | None:
        """The fault for this request, or ``None`` to forward it unharmed."""
        key = (method, path.split("?")[0])
        with self._lock:
            self.requests += 1
            draw, kind = self._random.random(), self._random.choice(self.kinds)
            if self.forced:
                draw, kind, self.forced = 0.0, self.forced, None
            if draw >= self.share or self._in_a_row[key] >= self.max_in_a_row:
                self._in_a_row[key] = 0
                return None
            self._in_a_row[key] += 1
            self.injected[kind] += 1
            self.log.append((kind, method, path))
            return kind

    def reset(self, first: str | None = None) -> None:
        """Count afresh; with ``first``, the next request fails that way."""
        with self._lock:
            self.injected.clear()
            self.log.clear()
            self.requests = 0
            self.forced = first


@dataclass
class FaultProxy:
    target: str
    faults: list[Fault] = field(default_factory=list)
    log: list[tuple[str, str, str | None]] = field(default_factory=list)  # (method, path, Range header)
    chaos: Chaos | None = None
    #: called with the number of each request once it was forwarded, before it is answered;
    #: returning True drops the answer (the client was killed meanwhile)
    after_forward: Callable[[int], bool] | None = None
    forwarded: int = 0
    #: requests received and not yet answered (or dropped)
    active: int = 0

    def __post_init__(self) -> None:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _handle(self) -> None:
                with proxy._count_lock:
                    proxy.active += 1
                try:
                    self._handle_counted()
                finally:
                    with proxy._count_lock:
                        proxy.active -= 1

            def _handle_counted(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                proxy.log.append((self.command, self.path, self.headers.get("Range")))
                fault = proxy._take(self.command, self.path)
                kind = proxy.chaos.pick(self.command, self.path) if proxy.chaos and not fault else None
                if kind is not None:
                    self._chaos(kind, body)
                    return
                if fault and fault.status:
                    payload = b'{"detail": "injected failure"}'
                    self.send_response(fault.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if fault and fault.rewrite and body:
                    body = json.dumps(fault.rewrite(json.loads(body))).encode()
                status, headers, data = proxy._forward(self.command, self.path, self.headers, body)
                if proxy.after_forward is not None:
                    with proxy._count_lock:
                        proxy.forwarded += 1
                        number = proxy.forwarded
                    if proxy.after_forward(number):
                        self.close_connection = True
                        return
                if fault and fault.answer:
                    data = json.dumps(fault.answer(json.loads(data))).encode()
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                        self.send_header(name, value)
                if not (fault and fault.drop_after is not None and not fault.announce_length):
                    self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                self.end_headers()
                if fault and fault.drop_after is not None:
                    self.wfile.write(data[: fault.drop_after])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(data)

            def _chaos(self, kind: str, body: bytes) -> None:
                status, headers, data = (
                    (502, [], b"") if kind == "refused" else proxy._forward(self.command, self.path, self.headers, body)
                )
                assert proxy.chaos is not None
                if kind == "slow":
                    time.sleep(proxy.chaos.slow_seconds)  # the client has given up by now
                if kind in ("refused", "502 after"):
                    status, data = 502, b'{"detail": "injected failure"}'
                self.close_connection = True
                if kind == "cut" and len(data) < 2:
                    return  # nothing to cut half-way: hang up before the answer
                try:
                    self.send_response(status)
                    for name, value in headers:
                        if name.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                            self.send_header(name, value)
                    self.send_header("Content-Length", str(len(data)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2] if kind == "cut" else data)
                    self.wfile.flush()
                except OSError:
                    pass  # the client hung up first (slow): that is the fault

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _handle

        self._count_lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def wait_idle(self, timeout: float = 120.0) -> None:
        """Wait until every request received has been answered (or dropped)."""
        deadline = time.monotonic() + timeout
        while self.active and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not self.active, f"{self.active} requests still in the proxy after {timeout} s"

    def _take(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.times > 0 and fault.method == method and re.search(fault.path, path):
                fault.times -= 1
                return fault
        return None

    def _forward(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, list, bytes]:
        target = urlsplit(self.target)
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=600)
        sent = {k: v for k, v in headers.items() if k.lower() not in ("host", "content-length", "connection")}
        sent["Content-Length"] = str(len(body))
        conn.request(method, path, body=body or None, headers=sent)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, response.getheaders(), data

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._server.shutdown()
        self._server.server_close()
