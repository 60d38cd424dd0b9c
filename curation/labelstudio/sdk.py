"""The one place that imports ``label_studio_sdk`` (only when asked: the import costs ~1.3 s CPU).

curation itself talks plain HTTP (:mod:`curation.labelstudio.client`); the SDK serves the
benchmarks, which measure our paths against the SDK's own.
"""

from __future__ import annotations

from typing import Any

from curation.labelstudio.client import READ_TIMEOUT
from curation.labelstudio.server import Connection


def sdk_client(conn: Connection, *, timeout: float = READ_TIMEOUT) -> Any:
    """A ``label_studio_sdk.LabelStudio`` client for the connection."""
    from label_studio_sdk import LabelStudio

    return LabelStudio(base_url=conn.url, api_key=conn.token, timeout=timeout)


def sdk_converter_class() -> type:
    """``label_studio_sdk.converter.Converter`` (the SDK's export format converter)."""
    from label_studio_sdk.converter import Converter

    return Converter
