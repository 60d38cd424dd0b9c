"""The options a release is built with, kept as ``source/build.json`` so ``--check`` rebuilds it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

from curation import __version__
from curation.release.splits import DEFAULT_SPLIT_CONFIG, DEFAULT_SPLIT_SEED
from curation.release.tokens import TOKENIZER, TOKENIZERS

#: BuildOptions fields newer than the first releases, written to build.json only when set.
_ADDED_FIELDS = ("decisions_sha256", "id_map_sha256")


@dataclass(frozen=True)
class BuildOptions:
    """The choices a release was built with (``source/build.json``).

    ``tokenizer`` is the rule of the ``tokens`` config: the current one for a new release; rule
    ``"1"`` is written as no ``tokenizer`` field at all and read back from one without it, since
    the releases cut before the field have it and must rebuild to the same bytes.
    """

    name: str
    version: str
    snapshot_sha256: str
    split_config: str = DEFAULT_SPLIT_CONFIG
    split_seed: str = DEFAULT_SPLIT_SEED
    force_reason: str | None = None
    notes: str | None = None
    license: str = "other"
    accept_single: bool = True
    tool_version: str = __version__
    pretty_name: str | None = None  # the card's display name; None: the release name
    annotations_creators: tuple[str, ...] = ()  # declared by the curators; (): derived from the snapshot
    tokenizer: str = TOKENIZER
    decisions_sha256: str | None = None  # the reviewers' decisions file (source/review-decisions.json)
    id_map_sha256: str | None = None  # the reviewed id map applied to the gold (source/id-map.json)

    def __post_init__(self) -> None:
        if self.tokenizer not in TOKENIZERS:
            raise ValueError(
                f"tokenizer rule {self.tokenizer!r} is unknown to curation {__version__} (it knows "
                f"{', '.join(TOKENIZERS)}); build with a curation that knows it"
            )

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BuildOptions:
        values = {f.name: data[f.name] for f in fields(cls) if f.name in data}
        if "annotations_creators" in values:
            values["annotations_creators"] = tuple(values["annotations_creators"])
        values.setdefault("tokenizer", "1")
        return cls(**values)

    def to_json(self) -> dict[str, Any]:
        """``build.json``'s fields (:meth:`from_json` reads them back). Fields added after the
        first releases are left out while they hold what those releases did (tokenizer rule
        ``"1"``, no decisions file, no id map), so those releases rebuild byte for byte (``--check``)."""
        data = asdict(self)
        if data["tokenizer"] == "1":
            del data["tokenizer"]
        return {k: v for k, v in data.items() if not (k in _ADDED_FIELDS and v is None)}
