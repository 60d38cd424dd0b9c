"""Several import requests in flight at once, and a quiet moment to look after an uncertain one.

A chunk whose import timed out, lost its connection or failed with HTTP 5xx may have been
imported anyway; before it is sent again, its importer looks at what the project holds. With
one request in flight that look is simple: the project's task count moves only because of
that request. With several lanes it is not, so a look runs alone: :class:`Gate` holds back
every lane's next request and waits until no request of this push is on its way
(:meth:`Gate.alone`); :func:`settle` then waits until the count has taken in every request
that may still be running on the server (or has not moved for ``patience`` seconds).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from curation import labelstudio as ls
from curation.labelstudio.server import Connection


class Gate:
    """Lanes send while no look runs; a look starts once no lane is sending."""

    def __init__(self) -> None:
        self._state = threading.Condition()
        self._sending: set[int] = set()
        self._looking = False
        self._one_look = threading.Lock()

    def enter(self) -> None:
        """This lane is about to send (again): wait while a look runs, then count it as sending."""
        lane = threading.get_ident()
        with self._state:
            self._sending.discard(lane)  # a lane trying again is not in flight while it waits
            self._state.notify_all()
            self._state.wait_for(lambda: not self._looking)
            self._sending.add(lane)

    def leave(self) -> None:
        """This lane's request has its outcome (an answer, or an uncertain failure)."""
        with self._state:
            self._sending.discard(threading.get_ident())
            self._state.notify_all()

    @contextmanager
    def alone(self) -> Iterator[None]:
        """Run the body while no request of this push is in flight and none starts."""
        with self._one_look:
            with self._state:
                self._looking = True
                self._state.wait_for(lambda: not self._sending)
            try:
                yield
            finally:
                with self._state:
                    self._looking = False
                    self._state.notify_all()


def settle(conn: Connection, project_id: int, *, expected: int, patience: float, poll: float = 1.0) -> int:
    """Wait until the project's task count stops moving; return it.

    Returns once the count stayed put for one poll at ``expected`` or more (every request that
    may still run has landed), or once it has not moved for ``patience`` seconds (the rest most
    likely failed). An import is one database transaction, so each request moves it at once.
    """
    last, moved = ls.task_stamp(conn, project_id).total, time.monotonic()
    while True:
        time.sleep(poll)
        current = ls.task_stamp(conn, project_id).total
        if current != last:
            last, moved = current, time.monotonic()
            continue
        if current >= expected or time.monotonic() - moved > patience:
            return current
