"""Read articles from a corpus folder or a JSONL file, never altering their text.

A corpus folder holds, for each article, ``NAME.txt`` (the text, UTF-8) and ``NAME.json``
(its metadata: ``doc_id``, ``language`` and optional ``source``, ``url``, ``published``,
``title``; other keys are kept as metadata). A JSONL file holds one object per line with the
same keys plus ``text``. Text is decoded strictly and kept as is: no stripping, no newline
translation, no normalization, so offsets refer to exactly the published bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from curation.core.errors import CorpusError
from curation.core.records import DOCUMENT_FIELDS, Document

#: ISO 639-1 two-letter language codes.
ISO_639_1 = frozenset(
    """aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv
    cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht
    hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la
    lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj
    om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv
    sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu""".split()
)

_OPTIONAL_STRINGS = ("source", "url", "published", "title")


def load_corpus(path: Path | str) -> list[Document]:
    """Articles from a corpus folder or a ``.jsonl`` file, in a stable order.

    Raises :class:`CorpusError` naming the file (and line) for: a missing path, empty text,
    invalid UTF-8, a duplicate ``doc_id``, an unknown language code, missing metadata.
    """
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file or folder. Pass --corpus with a corpus folder or a .jsonl file.")
    documents = list(_read_folder(path) if path.is_dir() else _read_jsonl(path))
    if not documents:
        raise CorpusError(f"{path}: no articles found. A corpus folder needs NAME.txt files with NAME.json metadata.")
    seen: dict[str, str] = {}
    for doc, where in documents:
        if doc.doc_id in seen:
            raise CorpusError(
                f"{where}: duplicate doc_id {doc.doc_id!r} (first in {seen[doc.doc_id]}). Give each article its own doc_id."
            )
        seen[doc.doc_id] = where
    return [doc for doc, _ in documents]


def _read_folder(folder: Path) -> Iterator[tuple[Document, str]]:
    for meta_path in sorted(folder.glob("*.json")):
        if not meta_path.with_suffix(".txt").exists():
            raise CorpusError(
                f"{meta_path}: metadata without its text file {meta_path.with_suffix('.txt').name}. "
                "Add the text, or remove the metadata file."
            )
    for text_path in sorted(folder.glob("*.txt")):
        meta_path = text_path.with_suffix(".json")
        if not meta_path.exists():
            raise CorpusError(
                f"{text_path}: missing metadata file {meta_path.name}. "
                'Add it with at least {"doc_id": ..., "language": ...}.'
            )
        try:
            meta = json.loads(meta_path.read_bytes())
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise CorpusError(f"{meta_path}: invalid JSON ({exc}). Fix the metadata file.")
        if not isinstance(meta, dict):
            raise CorpusError(
                f'{meta_path}: metadata must be a JSON object such as {{"doc_id": ..., "language": ...}}.'
            )
        text = _decode(text_path.read_bytes(), str(text_path))
        yield _document(meta, text, str(text_path), metadata_where=str(meta_path)), str(text_path)


def _read_jsonl(path: Path) -> Iterator[tuple[Document, str]]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            where = f"{path} line {number}"
            line = _decode(raw, where)
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{where}: invalid JSON ({exc.msg}). Write one JSON object per line.")
            if not isinstance(obj, dict):
                raise CorpusError(f"{where}: expected a JSON object with doc_id, language and text.")
            if "text" not in obj:
                raise CorpusError(f"{where}: missing text. Each line needs doc_id, language and text.")
            if not isinstance(obj["text"], str):
                raise CorpusError(f"{where}: text must be a string. Put the article text in a JSON string.")
            yield _document(obj, obj["text"], where, metadata_where=where), where


def _decode(raw: bytes, where: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(
            f"{where}: invalid UTF-8 at byte {exc.start}. Re-encode the file as UTF-8 (e.g. iconv -t UTF-8)."
        )


def _document(meta: Mapping[str, Any], text: str, where: str, *, metadata_where: str) -> Document:
    for key in ("doc_id", "language"):
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise CorpusError(f"{metadata_where}: missing metadata {key!r}. Add it as a non-empty string.")
    if not text.strip():
        raise CorpusError(f"{where}: empty text. Remove the article or fill in its text.")
    if meta["language"] not in ISO_639_1:
        raise CorpusError(
            f"{metadata_where}: unknown language code {meta['language']!r}. Use an ISO 639-1 code such as en, ar or sw."
        )
    for key in _OPTIONAL_STRINGS:
        if meta.get(key) is not None and not isinstance(meta[key], str):
            raise CorpusError(f"{metadata_where}: {key!r} must be a string or null.")
    if meta.get("meta") is not None and not isinstance(meta["meta"], dict):
        raise CorpusError(f"{metadata_where}: 'meta' must be a JSON object of extra metadata.")
    extra = {k: v for k, v in meta.items() if k not in DOCUMENT_FIELDS and k not in ("text", "meta")}
    extra.update(meta.get("meta") or {})
    return Document(
        doc_id=meta["doc_id"],
        language=meta["language"],
        text=text,
        source=meta.get("source"),
        url=meta.get("url"),
        published=meta.get("published"),
        title=meta.get("title"),
        meta=extra,
    )
