"""One HTTP exchange with Label Studio, and its failures as typed one-line errors.

Plain HTTP (not ``label_studio_sdk``: importing the SDK client costs about 1.3 s of CPU, more
than a whole re-push of 10,000 unchanged articles). A ``GET`` to an ``http://`` server that no
proxy variable routes elsewhere goes through the standard library's ``http.client`` (an
:class:`Answer`); every other request, and every download, through ``requests``, imported only
then: importing it costs about 0.1 s, as much as a re-push of an unchanged corpus. Every failure
becomes a one-line :class:`~curation.core.errors.LabelStudioError` that says the fix (bad token,
server down, a refused request with Label Studio's own reason); a request whose outcome is
unknown raises an :class:`UncertainOutcome`, so callers can look before trying again. Nothing
here tries twice: :mod:`curation.labelstudio.client` holds the retry policy.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Union
from urllib.parse import urlencode, urljoin, urlsplit

from curation.core.errors import LabelStudioError
from curation.labelstudio.server import Connection

if TYPE_CHECKING:
    import requests

#: Seconds to wait for a connection, and for an ordinary answer.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
#: Answers and errors worth another try.
TRANSIENT_STATUS = (500, 502, 503, 504)
#: What a broken exchange raises below the typed errors (a download's body read by hand).
DIRECT_ERRORS: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError, socket.gaierror,
                                                  http.client.HTTPException)  # fmt: skip


def transient_errors() -> tuple[type[BaseException], ...]:
    """The errors worth another try: :data:`DIRECT_ERRORS`, and ``requests``' once it is imported."""
    if "requests" not in sys.modules:
        return DIRECT_ERRORS
    import requests
    import urllib3

    return (*DIRECT_ERRORS, requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
            urllib3.exceptions.ProtocolError, urllib3.exceptions.ReadTimeoutError)  # fmt: skip


class Answer:
    """An HTTP answer read in full by ``http.client``, with the part of ``requests.Response``'s
    interface the adapter uses (``status_code``, ``reason``, ``headers``, ``content``, ``text``, ``json()``)."""

    def __init__(self, status_code: int, reason: str, headers: http.client.HTTPMessage, content: bytes) -> None:
        self.status_code, self.reason, self.headers, self.content = status_code, reason, headers, content

    @property
    def text(self) -> str:
        return self.content.decode(self.headers.get_content_charset() or "utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)

    def __enter__(self) -> Answer:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


#: What :func:`send` returns.
Response = Union["requests.Response", Answer]


class UncertainOutcome(LabelStudioError):
    """A request got no usable answer: the server may or may not have carried it out."""


class LabelStudioTimeout(UncertainOutcome):
    """No answer within the read timeout; the server may still be working on the request."""


class LabelStudioServerError(UncertainOutcome):
    """The server failed (HTTP 5xx), possibly after part of the work was committed."""


class LabelStudioDisconnected(UncertainOutcome):
    """The connection broke after the request was sent; the server may have carried it out."""


def unreachable(conn: Connection) -> LabelStudioError:
    """The error for a server that takes no connection."""
    return LabelStudioError(
        f"Cannot reach Label Studio at {conn.url}. Start it with `curation server start`, "
        "or set LABEL_STUDIO_URL to a running server."
    )


def _never_connected(exc: BaseException) -> bool:
    """Whether a requests error happened before any byte reached the server (refused, unresolvable)."""
    from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

    seen: list[BaseException] = [exc]
    while seen:
        current = seen.pop()
        if isinstance(current, (NewConnectionError, ConnectTimeoutError, NameResolutionError)):
            return True
        seen.extend(a for a in getattr(current, "args", ()) if isinstance(a, BaseException))
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            seen.append(reason)
    return False


_ENVELOPE = {"id", "status_code", "version", "detail", "exc_info", "validation_errors"}


def detail(response: Response) -> str:
    """Label Studio's own reason for refusing a request, on one line."""
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:300] or response.reason
    if isinstance(body, dict):
        parts = [str(body.get("detail") or "")]
        errors = body.get("validation_errors") or {k: v for k, v in body.items() if k not in _ENVELOPE}
        if errors:
            parts.append(json.dumps(errors, ensure_ascii=False))
        return " ".join(" ".join(p for p in parts if p).split())[:500]
    return " ".join(json.dumps(body, ensure_ascii=False).split())[:500]


_ACCESS_TOKENS: dict[tuple[str, str], tuple[str, float]] = {}


def read_timeout(timeout: float = READ_TIMEOUT) -> float:
    """``timeout``, capped by ``CURATION_READ_TIMEOUT`` when that is set."""
    cap = os.environ.get("CURATION_READ_TIMEOUT")
    return min(timeout, float(cap)) if cap else timeout


def send(
    conn: Connection,
    method: str,
    path: str,
    *,
    what: str,
    params: Mapping[str, Any] | None = None,
    json_body: Any = None,
    body: bytes | None = None,
    timeout: float = READ_TIMEOUT,
    ok: Iterable[int] = (200, 201, 204),
    headers: Mapping[str, str],
    stream: bool = False,
) -> Response:
    """Send one request with these headers (``Authorization`` among them); every failure becomes a
    typed :class:`LabelStudioError`: :func:`unreachable` when no byte reached the server, an
    :class:`UncertainOutcome` when the server may have acted.

    Each request opens its own connection: Label Studio's server answers a reused keep-alive
    connection about 40 ms late (Nagle's algorithm against delayed ACKs), a new one at once.
    """
    headers = {**headers, "Connection": "close"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    timeout = read_timeout(timeout)
    if method == "GET" and not stream and _direct(conn.url):
        answer = _get(conn, path, what=what, params=params, headers=headers, timeout=timeout)
        if answer is not None:
            return _checked(conn, answer, what=what, ok=ok)
    import requests

    try:
        response: Response = requests.request(
            method, f"{conn.url}{path}", params=params, json=json_body, data=body, headers=headers,
            timeout=(CONNECT_TIMEOUT, timeout), stream=stream,
        )  # fmt: skip
    except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
        if isinstance(exc, requests.ConnectTimeout) or _never_connected(exc):
            raise unreachable(conn) from exc
        if isinstance(exc, requests.Timeout):
            raise LabelStudioTimeout(
                f"Label Studio at {conn.url} did not answer within {timeout:g} s while trying to {what}."
            ) from exc
        raise LabelStudioDisconnected(
            f"Label Studio at {conn.url} closed the connection while trying to {what}."
        ) from exc
    return _checked(conn, response, what=what, ok=ok)


def _direct(url: str) -> bool:
    """Whether requests to ``url`` can skip ``requests``: plain HTTP, and no proxy variable applies."""
    if not url.startswith("http://"):
        return False
    if not any(k.lower() in ("http_proxy", "all_proxy") for k in os.environ):
        return True
    import urllib.request

    return bool(urllib.request.proxy_bypass(urlsplit(url).hostname or ""))


def _get(
    conn: Connection, path: str, *, what: str, params: Mapping[str, Any] | None, headers: Mapping[str, str],
    timeout: float,
) -> Answer | None:  # fmt: skip
    """``GET`` with ``http.client`` on a new connection, redirects followed as ``requests`` does
    (``None`` for a redirect to another scheme: ``requests`` follows that one)."""
    query = urlencode([(k, v) for k, v in (params or {}).items() if v is not None], doseq=True)
    url = f"{conn.url}{path}" + (f"?{query}" if query else "")
    for _ in range(10):
        parts = urlsplit(url)
        if parts.scheme != "http":
            return None
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        exchange = http.client.HTTPConnection(parts.hostname or "", parts.port or 80, timeout=CONNECT_TIMEOUT)
        try:
            try:
                exchange.connect()
            except OSError as exc:  # refused, unresolvable, or no answer to the connection
                raise unreachable(conn) from exc
            assert exchange.sock is not None
            exchange.sock.settimeout(timeout)
            try:
                exchange.request("GET", target, headers={**headers, "Accept-Encoding": "identity"})
                answer = exchange.getresponse()
                content = answer.read()
            except TimeoutError as exc:
                raise LabelStudioTimeout(
                    f"Label Studio at {conn.url} did not answer within {timeout:g} s while trying to {what}."
                ) from exc
            except (OSError, http.client.HTTPException) as exc:  # reset, cut short, or no status line
                raise LabelStudioDisconnected(
                    f"Label Studio at {conn.url} closed the connection while trying to {what}."
                ) from exc
        finally:
            exchange.close()
        if answer.status in (301, 302, 303, 307, 308) and answer.getheader("Location"):
            url = urljoin(url, answer.getheader("Location"))
            continue
        return Answer(answer.status, answer.reason, answer.headers, content)
    raise LabelStudioError(
        f"Label Studio at {conn.url} redirected a request more than 10 times while trying to {what}."
    )


def _checked(conn: Connection, response: Response, *, what: str, ok: Iterable[int]) -> Response:
    """``response`` if its status is in ``ok``; else the typed error its status means."""
    if response.status_code in ok:
        return response
    if response.status_code == 401:
        raise LabelStudioError(
            f"Label Studio at {conn.url} rejected the API token (HTTP 401). Set LABEL_STUDIO_API_KEY to a valid "
            "token (Account & Settings in Label Studio), or unset it to use the local server's stored token."
        )
    if response.status_code == 403:
        raise LabelStudioError(
            f"Label Studio at {conn.url} does not allow this token to {what} (HTTP 403). "
            "Use the token of a user with access to the project."
        )
    if response.status_code >= 500:
        raise LabelStudioServerError(
            f"Label Studio failed to {what} (HTTP {response.status_code}): {detail(response)}. "
            f"See the server log (for the local server: <data dir>/server.log)."
        )
    raise LabelStudioError(f"Label Studio refused to {what} (HTTP {response.status_code}): {detail(response)}")


def session_request(
    conn: Connection, session: requests.Session, method: str, path: str, *, what: str, **kwargs: Any
) -> requests.Response:
    """One request of a browser-like ``session`` (cookies, forms), errors typed as :func:`request`'s;
    only for steps that :func:`retrying` repeats safely (a sign-up that logs in when it exists)."""
    import requests

    try:
        return session.request(method, f"{conn.url}{path}", timeout=(CONNECT_TIMEOUT, read_timeout()), **kwargs)
    except (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError) as exc:
        if isinstance(exc, requests.ConnectTimeout) or _never_connected(exc):
            raise unreachable(conn) from exc
        if isinstance(exc, requests.Timeout):
            raise LabelStudioTimeout(
                f"Label Studio at {conn.url} did not answer in time while trying to {what}."
            ) from exc
        raise LabelStudioDisconnected(
            f"Label Studio at {conn.url} closed the connection while trying to {what}."
        ) from exc
