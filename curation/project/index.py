"""The corpus index: what push last read from a corpus, so that an unchanged corpus is not read again.

Like git's index, it keeps, per corpus path, the ``(name, size, mtime_ns, ctime_ns, inode)`` of
each corpus file (the JSONL file, or every ``.txt`` and ``.json`` of a folder) beside the
``(doc_id, text_sha256)`` of every article read from them. :func:`open_corpus` stats the files
(no byte is read): when every stat matches, the articles are known without their text; when
anything differs (a file written, touched, replaced, added or removed), the corpus is read
again and checked as usual. A re-push of an unchanged corpus thus reads neither the corpus nor
the text hashes it would compute; whenever it needs the text (new or changed articles,
pre-annotations), push reads the corpus in full.

A stat is kept only when the file was last changed more than :data:`RACY_SECONDS` before it
was read (git's "racily clean" rule): a file written again within the same clock tick could
keep its size and times, so such a file is read again by the next push, which keeps it then.
The ctime cannot be set back by hand (``touch -d`` changes it), so a file rewritten with its
old size and mtime is still seen. The rule assumes file times finer than a second (ext4, XFS,
Btrfs, APFS, NTFS); on FAT (2 s) delete the index folder after editing a corpus within two
seconds of a push. The files hold doc_ids and hashes only, in the push cache folder (``corpus/``
beside ``push/``); deleting them is always safe.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from curation import __version__
from curation.core.corpus import load_corpus
from curation.core.records import Document

FORMAT = 1
#: A file changed this recently before it was read is read again next time (its stat is not kept).
RACY_SECONDS = 1.0

#: ``(name, size, mtime_ns, ctime_ns, inode)`` of each corpus file, sorted by name.
Stats = tuple[tuple[str, int, int, int, int], ...]


@dataclass(frozen=True)
class Corpus:
    """A corpus as push sees it: its articles' text hashes in corpus order, and the articles
    themselves when they were read (``documents`` is ``None`` when the index knew them)."""

    path: Path
    hashes: Mapping[str, str] | None  # doc_id -> text_sha256, in corpus order; None until hashed
    documents: list[Document] | None
    stats: Stats = ()
    read_at_ns: int = 0  # when the files were stat'ed before reading them (0: not read)

    def read(self) -> Corpus:
        """The corpus with its documents (read now if the index stood in for them)."""
        return self if self.documents is not None else open_corpus(self.path, None)


def open_corpus(path: Path | str, cache_dir: Path | None) -> Corpus:
    """The corpus at ``path``: from the index in ``cache_dir`` when its files are unchanged, else
    read (and checked) by :func:`~curation.core.corpus.load_corpus`, which raises :class:`CorpusError`."""
    path = Path(path)
    stats = _stats(path)
    if cache_dir is not None and stats:
        known = _load(cache_dir, path, stats)
        if known is not None:
            return Corpus(path, known, None, stats)
    started = time.time_ns()
    documents = load_corpus(path)
    if _stats(path) != stats:  # written while it was read: keep no stat
        stats = ()
    return Corpus(path, None, documents, stats, started)


def remember(cache_dir: Path, corpus: Corpus, hashes: Mapping[str, str]) -> None:
    """Keep the stats and ``hashes`` of a corpus that was just read (not if a file was racily new)."""
    if corpus.documents is None or not corpus.stats:
        return
    newest = max(max(s[2], s[3]) for s in corpus.stats)
    if newest > corpus.read_at_ns - RACY_SECONDS * 1e9:
        _path(cache_dir, corpus.path).unlink(missing_ok=True)
        return
    body = {"format": FORMAT, "version": __version__, "path": str(corpus.path.resolve()),
            "stats": corpus.stats, "documents": list(hashes.items())}  # fmt: skip
    path = _path(cache_dir, corpus.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(body, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    tmp.replace(path)


def _path(cache_dir: Path, corpus: Path) -> Path:
    key = hashlib.sha256(str(corpus.resolve()).encode()).hexdigest()[:24]
    return cache_dir / "corpus" / f"{key}.json"


def _stats(path: Path) -> Stats:
    """The stats of the corpus files; empty when the path is missing (load_corpus says so)."""
    try:
        if path.is_dir():
            entries = [(e.name, e.stat()) for e in os.scandir(path) if e.name.endswith((".txt", ".json"))]
        else:
            entries = [(path.name, path.stat())]
    except OSError:
        return ()
    return tuple(sorted((n, s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino) for n, s in entries))


def _load(cache_dir: Path, corpus: Path, stats: Stats) -> dict[str, str] | None:
    try:
        kept = json.loads(_path(cache_dir, corpus).read_bytes())
    except (OSError, ValueError):
        return None
    if (
        not isinstance(kept, dict)
        or kept.get("format") != FORMAT
        or kept.get("version") != __version__
        or kept.get("path") != str(corpus.resolve())
        or [tuple(s) for s in kept.get("stats", [])] != list(stats)
    ):
        return None
    documents = {str(d): str(s) for d, s in kept.get("documents", [])}
    return documents or None
