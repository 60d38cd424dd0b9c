"""The corpus index: an unchanged corpus is known from its files' stats, anything else is read again."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from curation.core.errors import CorpusError
from curation.core.records import Document
from curation.project import index
from curation.project.index import open_corpus, remember

DOCS = [Document("a", "en", "Alpha text."), Document("b", "ar", "نص بيتا."), Document("c", "en", "Gamma text.")]
HASHES = {d.doc_id: d.sha256 for d in DOCS}


def write_jsonl(path: Path, docs: list[Document]) -> Path:
    path.write_text("".join(json.dumps(d.to_dict(), ensure_ascii=False) + "\n" for d in docs), encoding="utf-8")
    return path


def read_and_remember(path: Path, cache: Path) -> index.Corpus:
    corpus = open_corpus(path, cache)
    assert corpus.documents is not None
    remember(cache, corpus, {d.doc_id: d.sha256 for d in corpus.documents})
    return corpus


@pytest.fixture
def settled(monkeypatch):
    """Files count as settled at once (the racy window is tested on its own below)."""
    monkeypatch.setattr(index, "RACY_SECONDS", 0.0)


def test_an_unchanged_file_is_known_without_its_text(tmp_path, monkeypatch):
    monkeypatch.setattr(index, "RACY_SECONDS", 0.0)
    path = write_jsonl(tmp_path / "corpus.jsonl", DOCS)
    time.sleep(0.02)
    first = read_and_remember(path, tmp_path / "cache")
    assert [d.doc_id for d in first.documents or ()] == ["a", "b", "c"]
    again = open_corpus(path, tmp_path / "cache")
    assert again.documents is None
    assert list((again.hashes or {}).items()) == list(HASHES.items())  # corpus order kept
    assert again.read().documents == DOCS


def test_a_file_rewritten_with_its_old_size_and_mtime_is_read_again(tmp_path, settled):
    path = write_jsonl(tmp_path / "corpus.jsonl", DOCS)
    time.sleep(0.02)
    read_and_remember(path, tmp_path / "cache")
    before = path.stat()
    changed = [DOCS[0], Document("b", "ar", "نص بيتي."), DOCS[2]]  # same length in bytes
    write_jsonl(path, changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    corpus = open_corpus(path, tmp_path / "cache")  # the ctime moved: read again
    assert corpus.documents == changed


def test_a_file_replaced_by_another_is_read_again(tmp_path, settled):
    path = write_jsonl(tmp_path / "corpus.jsonl", DOCS)
    time.sleep(0.02)
    read_and_remember(path, tmp_path / "cache")
    other = write_jsonl(tmp_path / "other.jsonl", DOCS[:2])
    other.replace(path)
    assert open_corpus(path, tmp_path / "cache").documents == DOCS[:2]


def test_a_file_changed_just_before_it_was_read_is_not_remembered(tmp_path):
    """Git's racily clean rule: a write in the same clock tick could keep size and times."""
    path = write_jsonl(tmp_path / "corpus.jsonl", DOCS)
    read_and_remember(path, tmp_path / "cache")
    assert open_corpus(path, tmp_path / "cache").documents == DOCS  # read again, not known


def test_a_folder_is_read_again_when_an_article_is_added_or_removed(tmp_path, settled):
    folder = tmp_path / "corpus"
    folder.mkdir()
    for d in DOCS[:2]:
        (folder / f"{d.doc_id}.txt").write_text(d.text, encoding="utf-8")
        (folder / f"{d.doc_id}.json").write_text(json.dumps({"doc_id": d.doc_id, "language": d.language}))
    time.sleep(0.02)
    read_and_remember(folder, tmp_path / "cache")
    assert open_corpus(folder, tmp_path / "cache").documents is None
    (folder / "c.txt").write_text("Gamma text.", encoding="utf-8")
    (folder / "c.json").write_text(json.dumps({"doc_id": "c", "language": "en"}))
    time.sleep(0.02)
    corpus = read_and_remember(folder, tmp_path / "cache")
    assert [d.doc_id for d in corpus.documents or ()] == ["a", "b", "c"]
    assert open_corpus(folder, tmp_path / "cache").documents is None
    (folder / "a.txt").unlink()
    (folder / "a.json").unlink()
    assert [d.doc_id for d in open_corpus(folder, tmp_path / "cache").documents or ()] == ["b", "c"]


def test_a_bad_corpus_is_reported_and_never_remembered(tmp_path, settled):
    path = tmp_path / "corpus.jsonl"
    path.write_text('{"doc_id": "a", "language": "en", "text": "x"}\n{"doc_id": "a", "language": "en", "text": "y"}\n')
    time.sleep(0.02)
    for _ in range(2):
        with pytest.raises(CorpusError, match="duplicate doc_id 'a'"):
            open_corpus(path, tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_an_index_of_another_version_or_path_is_not_used(tmp_path, settled, monkeypatch):
    path = write_jsonl(tmp_path / "corpus.jsonl", DOCS)
    time.sleep(0.02)
    read_and_remember(path, tmp_path / "cache")
    monkeypatch.setattr(index, "__version__", "99.0")
    assert open_corpus(path, tmp_path / "cache").documents == DOCS
