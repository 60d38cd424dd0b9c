"""How many requests to keep in flight at once (``--jobs``), chosen from the server.

Label Studio's development server on SQLite (``curation server start``, one process) gains
nothing from concurrent requests and may answer "database is locked"; a local PostgreSQL
server runs several worker processes, and the PID file says how many; an external server
(``LABEL_STUDIO_URL``) is unknown, so two connections are used.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from curation.labelstudio.server import DEFAULT_DATA_DIR

#: Never more connections than this by default (a few workers already fill 2–4 cores).
MAX_DEFAULT_JOBS = 4
#: Connections to an external Label Studio named by ``LABEL_STUDIO_URL``.
EXTERNAL_JOBS = 2


def default_jobs(data_dir: Path | str = DEFAULT_DATA_DIR) -> int:
    """``--jobs`` when none is given: 2 for an external server, ``min(workers, 4)`` for the local
    PostgreSQL server, 1 for the local SQLite server (or when its PID file says nothing)."""
    if os.environ.get("LABEL_STUDIO_URL"):
        return EXTERNAL_JOBS
    try:
        info = json.loads((Path(data_dir) / "server.pid").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return 1
    if not isinstance(info, dict) or info.get("backend") != "postgresql":
        return 1
    try:
        workers = int(info.get("workers") or 1)
    except (TypeError, ValueError):
        return 1
    return max(1, min(workers, MAX_DEFAULT_JOBS))
