"""Talking to the Label Studio API: authorization, one request, its errors, and the retry policy.

The retry policy lives here and nowhere else (tests/labelstudio/test_policy.py checks that no
other module sends a request by itself):

- :func:`read` (GET) and :func:`update` (PATCH/PUT: the same request twice leaves the same state)
  are tried again after connection errors, resets, timeouts and HTTP 500/502/503/504, with
  :class:`Retry`'s backoff;
- :func:`write` (POST, not idempotent) tries again only after a failure that happened before the
  request reached the server; after an uncertain outcome (timeout, dropped connection, HTTP 5xx)
  it calls the caller's ``look`` first, which says whether the server did the work after all;
- :func:`remove` (DELETE) is tried again like a read: a second try that finds nothing (HTTP 404)
  means the first one did the work;
- :func:`download` streams a file, resuming after a break with an HTTP range request.

``CURATION_RETRY_TRIES``, ``CURATION_RETRY_BACKOFF`` (seconds before the second try, doubled
after each) and ``CURATION_READ_TIMEOUT`` (a cap on every read timeout, in seconds) tune it.

One exchange and its typed errors are :mod:`curation.labelstudio.transport`'s.
"""

from __future__ import annotations

import base64
import json
import os
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from curation.core.errors import LabelStudioError
from curation.labelstudio.server import Connection
from curation.labelstudio.transport import (
    CONNECT_TIMEOUT,
    READ_TIMEOUT,
    TRANSIENT_STATUS,
    Answer,
    LabelStudioDisconnected,
    LabelStudioServerError,
    LabelStudioTimeout,
    Response,
    UncertainOutcome,
    detail,
    read_timeout,
    send,
    session_request,
    transient_errors,
    unreachable,
)

__all__ = [
    "CONNECT_TIMEOUT", "READ_TIMEOUT", "TRANSIENT_STATUS", "LabelStudioDisconnected",
    "LabelStudioServerError", "LabelStudioTimeout", "Retry", "UncertainOutcome", "authorization", "detail",
    "download", "gave_up", "read", "read_timeout", "remove", "request", "retrying", "session_request",
    "transient_errors", "unreachable", "update", "write",
]  # fmt: skip

#: Tries for a step that fails transiently (connection refused or reset, timeout, HTTP 5xx),
#: and the first pause between tries (doubled after each).
RETRY_TRIES = 5
RETRY_BACKOFF = 1.0

T = TypeVar("T")


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
    if time.time() > expires - 60:  # a refresh only mints a new access token: safe to repeat
        refresh = "refresh the personal access token"
        response = retrying(conn, refresh, Retry(), lambda: send(
            conn, "POST", "/api/token/refresh/", what=refresh, headers={}, json_body={"refresh": conn.token},
            ok=(200, 401, 403, *TRANSIENT_STATUS),
        ))  # fmt: skip
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
) -> Response:
    """One HTTP request to the Label Studio API, tried once; ``what`` names the action for error
    messages. The adapter goes through :func:`read`, :func:`update` and :func:`write` instead
    (tests use this one to act as a person would in the browser)."""
    return send(
        conn,
        method,
        path,
        what=what,
        params=params,
        json_body=json_body,
        body=body,
        timeout=timeout,
        ok=ok,
        headers={"Authorization": authorization(conn)},
    )


# --- the retry policy ----------------------------------------------------------------------


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name) or default)


@dataclass(frozen=True)
class Retry:
    """How often and how patiently to retry transient failures (defaults from the environment)."""

    tries: int = field(default_factory=lambda: _env_int("CURATION_RETRY_TRIES", RETRY_TRIES))
    backoff: float = field(default_factory=lambda: _env_float("CURATION_RETRY_BACKOFF", RETRY_BACKOFF))

    def pause(self, number: int) -> None:
        """Sleep before try ``number + 1`` (the backoff, doubled after each try)."""
        time.sleep(self.backoff * 2 ** (number - 1))


def gave_up(conn: Connection, what: str, retry: Retry, last: str) -> LabelStudioError:
    """The error once every try of ``what`` failed; ``last`` says how the last one did."""
    return LabelStudioError(
        f"Label Studio at {conn.url} failed {retry.tries} times in a row while trying to {what} (last: {last}). "
        "Check that it runs (`curation server status`) and its log, then run the command again."
    )


def _how(exc: LabelStudioError) -> str | None:
    """How a transient failure went (for :func:`gave_up`), or ``None`` for a final one."""
    if isinstance(exc, LabelStudioTimeout):
        return "no answer in time"
    if isinstance(exc, LabelStudioServerError):
        status = re.search(r"HTTP \d+", str(exc))
        return status.group(0) if status else "server error"
    if isinstance(exc, LabelStudioDisconnected):
        return "connection broken"
    if isinstance(exc.__cause__, transient_errors()):
        return "no connection"
    return None


def retrying(conn: Connection, what: str, retry: Retry, attempt: Callable[[], T]) -> T:
    """Run ``attempt()`` again after transient failures, with backoff; for steps that are safe
    to repeat (reads, idempotent writes, and writes whose ``attempt`` looks before it acts)."""
    last = ""
    for number in range(1, retry.tries + 1):
        try:
            response = attempt()
        except LabelStudioError as exc:
            how = _how(exc)
            if how is None:
                raise
            last = how
        except transient_errors() as exc:
            last = f"connection broken ({type(exc).__name__})"
        else:
            status_code = getattr(response, "status_code", None)
            if status_code not in TRANSIENT_STATUS:
                return response
            last = f"HTTP {status_code}"
        if number < retry.tries:
            retry.pause(number)
    raise gave_up(conn, what, retry, last)


def _auth(conn: Connection) -> dict[str, str]:
    return {"Authorization": authorization(conn)}


def read(
    conn: Connection,
    path: str,
    *,
    what: str,
    params: Mapping[str, Any] | None = None,
    timeout: float = READ_TIMEOUT,
    retry: Retry | None = None,
) -> Response:
    """``GET path``, tried again after transient failures."""
    return retrying(conn, what, retry or Retry(), lambda: send(
        conn, "GET", path, what=what, params=params, timeout=timeout, ok=(200,), headers=_auth(conn)
    ))  # fmt: skip


def update(
    conn: Connection,
    method: str,
    path: str,
    *,
    what: str,
    json_body: Any,
    timeout: float = READ_TIMEOUT,
    retry: Retry | None = None,
) -> Response:
    """An idempotent write (``PATCH``/``PUT`` of fields to values), tried again after transient failures."""
    if method not in ("PATCH", "PUT"):
        raise ValueError(f"update() sends PATCH or PUT, not {method}: use write() with a look")
    return retrying(conn, what, retry or Retry(), lambda: send(
        conn, method, path, what=what, json_body=json_body, timeout=timeout, ok=(200,), headers=_auth(conn)
    ))  # fmt: skip


def remove(conn: Connection, path: str, *, what: str, retry: Retry | None = None) -> bool:
    """``DELETE path``, tried again after transient failures; ``False`` when it was not there (HTTP 404,
    also when an earlier try deleted it)."""
    response = retrying(conn, what, retry or Retry(), lambda: send(
        conn, "DELETE", path, what=what, ok=(200, 204, 404), headers=_auth(conn)
    ))  # fmt: skip
    return response.status_code != 404


def write(
    conn: Connection,
    path: str,
    *,
    what: str,
    look: Callable[[UncertainOutcome], T | None],
    parse: Callable[[Response], T],
    json_body: Any = None,
    body: bytes | Callable[[], bytes] | None = None,
    params: Mapping[str, Any] | None = None,
    timeout: float = READ_TIMEOUT,
    ok: Iterable[int] = (200, 201),
    retry: Retry | None = None,
) -> T:
    """``POST path`` (not idempotent), returning ``parse(response)``.

    A failure before the request reached the server is simply tried again. After an uncertain
    outcome, ``look(error)`` reads what the server holds: it returns the result when the work
    was done after all, or ``None`` to send again (``body`` may be a function, to send only
    what is still missing).
    """
    retry = retry or Retry()
    last = ""
    for number in range(1, retry.tries + 1):
        uncertain: UncertainOutcome | None = None
        try:
            data = body() if callable(body) else body
            return parse(send(conn, "POST", path, what=what, params=params, json_body=json_body, body=data,
                              timeout=timeout, ok=ok, headers=_auth(conn)))  # fmt: skip
        except UncertainOutcome as exc:
            uncertain = exc
            last = _how(exc) or type(exc).__name__
        except LabelStudioError as exc:
            how = _how(exc)
            if how is None:
                raise
            last = how
        if number < retry.tries:
            retry.pause(number)
        if uncertain is not None:
            found = look(uncertain)
            if found is not None:
                return found
    raise gave_up(conn, what, retry, last)


def download(
    conn: Connection,
    path: str,
    on_chunk: Callable[[int, bytes], None],
    *,
    what: str,
    params: Mapping[str, Any] | None = None,
    retry: Retry | None = None,
    chunk_size: int = 1 << 20,
) -> int:
    """Stream ``GET path`` to ``on_chunk(offset, data)``; return the size in bytes.

    After a dropped connection the download resumes with an HTTP range request; if the server
    sends the whole file instead, ``on_chunk`` sees offset 0 again and must start over.
    """
    received = 0

    def attempt() -> Response:
        nonlocal received
        headers = {"Authorization": authorization(conn), "Accept-Encoding": "identity"}
        if received:
            headers["Range"] = f"bytes={received}-"
        ok = (200, 206, 416, *TRANSIENT_STATUS)
        with send(conn, "GET", path, what=what, params=params, headers=headers, stream=True, ok=ok) as response:
            if response.status_code == 416 and received:
                return response
            if response.status_code == 200:
                received = 0
            elif response.status_code == 206 and not response.headers.get("Content-Range", "").startswith(
                f"bytes {received}-"
            ):
                raise LabelStudioError(f"Label Studio answered a resumed download with the wrong range; {what} again.")
            elif response.status_code != 206 or not received:
                if response.status_code not in TRANSIENT_STATUS:
                    raise LabelStudioError(
                        f"Label Studio refused to {what} (HTTP {response.status_code}): {detail(response)}"
                    )
                return response
            # read1 hands over whatever has arrived, so a broken connection loses no received byte
            assert not isinstance(response, Answer)  # a stream is read through requests
            while data := response.raw.read1(chunk_size):
                on_chunk(received, data)
                received += len(data)
            return response

    retrying(conn, what, retry or Retry(), attempt)
    return received
