"""Talking to the Label Studio API: authorization, one request, its errors, and retries.

Plain HTTP through ``requests`` (not ``label_studio_sdk``: importing the SDK client costs
about 1.3 s of CPU, more than a whole re-push of 10,000 unchanged articles). Every failure
becomes a one-line :class:`~curation.core.errors.LabelStudioError` that says the fix (bad token,
server down, a refused request with Label Studio's own reason); a request whose outcome is
unknown raises an :class:`UncertainOutcome`, so callers can look before trying again.
"""

from __future__ import annotations

import base64
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
import urllib3
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from curation.core.errors import LabelStudioError
from curation.labelstudio.server import Connection

#: Seconds to wait for a connection, and for an ordinary answer.
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 60.0
#: Tries for a step that fails transiently (connection refused or reset, HTTP 5xx), and the
#: first pause between tries (doubled after each).
RETRY_TRIES = 5
RETRY_BACKOFF = 1.0
#: Answers and errors worth another try.
TRANSIENT_STATUS = (500, 502, 503, 504)
TRANSIENT_ERRORS = (
    requests.ConnectionError, requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError,
    urllib3.exceptions.ReadTimeoutError,
)  # fmt: skip

T = TypeVar("T")


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


def detail(response: requests.Response) -> str:
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


def authorization(conn: Connection) -> str:
    """The ``Authorization`` header for the connection's token.

    A legacy API token is sent as ``Token <key>``. A personal access token (a JWT, the default
    kind in Label Studio 1.23's Account & Settings) is a refresh token: it is exchanged at
    ``/api/token/refresh/`` for a short-lived access token, kept until a minute before expiry.
    """
    parts = conn.token.split(".")
    if len(parts) != 3 or not all(parts):
        return f"Token {conn.token}"
    access, expires = _ACCESS_TOKENS.get((conn.url, conn.token), ("", 0.0))
    if time.time() > expires - 60:
        try:
            response = requests.post(
                f"{conn.url}/api/token/refresh/", json={"refresh": conn.token}, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT)
            )
        except requests.RequestException as exc:
            raise unreachable(conn) from exc
        if response.status_code != 200:
            raise LabelStudioError(
                f"Label Studio at {conn.url} rejected the personal access token (HTTP {response.status_code}). "
                "Set LABEL_STUDIO_API_KEY to a valid token (Account & Settings in Label Studio)."
            )
        access = response.json()["access"]
        try:
            payload = json.loads(base64.urlsafe_b64decode(access.split(".")[1] + "=="))
            expires = float(payload["exp"])
        except (ValueError, KeyError, IndexError):
            expires = time.time() + 240
        _ACCESS_TOKENS[(conn.url, conn.token)] = (access, expires)
    return f"Bearer {access}"


def request(
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
) -> requests.Response:
    """One HTTP request to the Label Studio API; ``what`` names the action for error messages.

    Each request opens its own connection: Label Studio's server answers a reused keep-alive
    connection about 40 ms late (Nagle's algorithm against delayed ACKs), a new one at once.
    """
    headers = {"Authorization": authorization(conn), "Connection": "close"}
    if body is not None:
        headers["Content-Type"] = "application/json"
    try:
        response = requests.request(
            method, f"{conn.url}{path}", params=params, json=json_body, data=body, headers=headers,
            timeout=(CONNECT_TIMEOUT, timeout),
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


# --- retries ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Retry:
    """How often and how patiently to retry transient failures."""

    tries: int = RETRY_TRIES
    backoff: float = RETRY_BACKOFF

    def pause(self, number: int) -> None:
        """Sleep before try ``number + 1`` (the backoff, doubled after each try)."""
        time.sleep(self.backoff * 2 ** (number - 1))


def gave_up(conn: Connection, what: str, retry: Retry, last: str) -> LabelStudioError:
    """The error once every try of ``what`` failed; ``last`` says how the last one did."""
    return LabelStudioError(
        f"Label Studio at {conn.url} failed {retry.tries} times in a row while trying to {what} (last: {last}). "
        "Check that it runs (`curation server status`) and its log, then run the command again."
    )


def retrying(conn: Connection, what: str, retry: Retry, attempt: Callable[[], T]) -> T:
    """Run ``attempt()`` (a response, or raising) again after transient failures, with backoff."""
    last = ""
    for number in range(1, retry.tries + 1):
        try:
            response = attempt()
        except LabelStudioTimeout:
            raise
        except LabelStudioServerError as exc:
            status = re.search(r"HTTP \d+", str(exc))
            last = status.group(0) if status else "server error"
        except LabelStudioError as exc:
            if not isinstance(exc.__cause__, TRANSIENT_ERRORS):
                raise
            last = "no connection"
        except TRANSIENT_ERRORS as exc:
            last = f"connection broken ({type(exc).__name__})"
        else:
            status_code = getattr(response, "status_code", None)
            if status_code not in TRANSIENT_STATUS:
                return response
            last = f"HTTP {status_code}"
        if number < retry.tries:
            retry.pause(number)
    raise gave_up(conn, what, retry, last)


def get_retrying(conn: Connection, path: str, *, what: str, retry: Retry, **kwargs: Any) -> requests.Response:
    """``GET path`` through :func:`request`, retried after transient failures."""
    return retrying(conn, what, retry, lambda: request(
        conn, "GET", path, what=what, ok=(200, *TRANSIENT_STATUS), **kwargs
    ))  # fmt: skip
