"""One exchange, two ways: a GET to a plain-http server goes through ``http.client``, anything else
through ``requests``; against the same real (local) HTTP server both give the same answers and
the same typed errors, word for word."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from curation.core.errors import LabelStudioError
from curation.labelstudio import transport
from curation.labelstudio.server import Connection, free_port
from curation.labelstudio.transport import (
    Answer,
    LabelStudioDisconnected,
    LabelStudioServerError,
    LabelStudioTimeout,
    send,
)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/echo?from=moved")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif path == "/echo":
            body = json.dumps({"path": self.path, "auth": self.headers.get("Authorization")}).encode()
            self._answer(200, body)
        elif path == "/bad-gateway":
            self._answer(502, b"Bad Gateway")
        elif path == "/refused":
            self._answer(400, json.dumps({"detail": "Nope.", "validation_errors": {"x": ["bad"]}}).encode())
        elif path == "/cut":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b'{"half": ')
            self.wfile.flush()
            self.connection.close()
        elif path == "/slow":
            time.sleep(1.5)
            self._answer(200, b"{}")

    def _answer(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def conn() -> Iterator[Connection]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.handle_error = lambda request, address: None  # type: ignore[method-assign]  # the slow answer's client left
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield Connection(f"http://127.0.0.1:{server.server_address[1]}", "t0ken")
    server.shutdown()


@pytest.fixture(params=["http.client", "requests"])
def way(request, monkeypatch) -> str:
    if request.param == "requests":
        monkeypatch.setattr(transport, "_direct", lambda url: False)
    return request.param


def get(conn: Connection, path: str, **kwargs: Any):
    return send(conn, "GET", path, what="read it", headers={"Authorization": "Token t0ken"}, ok=(200,), **kwargs)


def test_a_get_follows_redirects_and_drops_params_that_are_none(conn, way):
    response = get(conn, "/moved")
    assert response.json() == {"path": "/echo?from=moved", "auth": "Token t0ken"}
    response = get(conn, "/echo", params={"a": "x y", "b": None, "q": json.dumps({"k": [1]}), "n": 3})
    assert response.json()["path"] == "/echo?a=x+y&q=%7B%22k%22%3A+%5B1%5D%7D&n=3"
    assert isinstance(response, Answer) == (way == "http.client")


def test_failures_are_the_same_typed_errors_either_way(conn, way, monkeypatch):
    with pytest.raises(LabelStudioServerError) as failed:
        get(conn, "/bad-gateway")
    assert str(failed.value) == (
        "Label Studio failed to read it (HTTP 502): Bad Gateway. "
        "See the server log (for the local server: <data dir>/server.log)."
    )
    with pytest.raises(LabelStudioError) as refused:
        get(conn, "/refused")
    assert str(refused.value) == 'Label Studio refused to read it (HTTP 400): Nope. {"x": ["bad"]}'
    with pytest.raises(LabelStudioDisconnected) as cut:
        get(conn, "/cut")
    assert str(cut.value) == f"Label Studio at {conn.url} closed the connection while trying to read it."
    monkeypatch.setenv("CURATION_READ_TIMEOUT", "0.5")
    with pytest.raises(LabelStudioTimeout) as slow:
        get(conn, "/slow")
    assert str(slow.value) == f"Label Studio at {conn.url} did not answer within 0.5 s while trying to read it."
    nobody = Connection(f"http://127.0.0.1:{free_port()}", "t0ken")
    with pytest.raises(LabelStudioError) as down:
        get(nobody, "/echo")
    assert not isinstance(down.value, transport.UncertainOutcome)
    assert str(down.value) == (
        f"Cannot reach Label Studio at {nobody.url}. Start it with `curation server start`, "
        "or set LABEL_STUDIO_URL to a running server."
    )


def test_requests_is_used_for_https_and_through_a_proxy(monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert transport._direct("http://127.0.0.1:8080")
    assert not transport._direct("https://ls.example.org")
    monkeypatch.setenv("HTTP_PROXY", "http://proxy.example.org:3128")
    assert not transport._direct("http://ls.example.org")
    monkeypatch.setenv("NO_PROXY", "ls.example.org")
    assert transport._direct("http://ls.example.org")
