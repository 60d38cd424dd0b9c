"""The corpus loader keeps text byte-for-byte and rejects every kind of bad input with an
exact message that names the file (and line) and says the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from curation.cli import cli
from curation.core.corpus import load_corpus
from curation.core.errors import CorpusError
from tests.conftest import ROOT

SHARED_ARTICLES = Path("/work/shared/articles")
GOOD_META = {"doc_id": "a1", "language": "en"}


def article(folder: Path, name: str, text: bytes | str, meta: dict | str | None = None) -> Path:
    """Write NAME.txt (and NAME.json unless ``meta`` is None) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    text_path = folder / f"{name}.txt"
    text_path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    if meta is not None:
        (folder / f"{name}.json").write_text(meta if isinstance(meta, str) else json.dumps(meta), encoding="utf-8")
    return text_path


def jsonl(path: Path, *lines: bytes | str | dict) -> Path:
    raw = b""
    for line in lines:
        if isinstance(line, dict):
            line = json.dumps(line, ensure_ascii=False)
        raw += (line if isinstance(line, bytes) else line.encode("utf-8")) + b"\n"
    path.write_bytes(raw)
    return path


def error_of(path: Path) -> str:
    with pytest.raises(CorpusError) as exc:
        load_corpus(path)
    return str(exc.value)


# --- the seed corpus -----------------------------------------------------------------------


def test_seed_corpus_texts_are_the_shared_articles_byte_for_byte():
    texts = sorted(p.name for p in (ROOT / "corpus").glob("*.txt"))
    assert texts == sorted(p.name for p in SHARED_ARTICLES.glob("*.txt")) and len(texts) == 5
    for name in texts:
        assert (ROOT / "corpus" / name).read_bytes() == (SHARED_ARTICLES / name).read_bytes()
    docs = load_corpus(ROOT / "corpus")
    assert [d.doc_id for d in docs] == [name[:-4] for name in texts]
    assert [d.language for d in docs] == ["sw", "ar", "ar", "en", "en"]
    for doc in docs:
        assert doc.text.encode("utf-8") == (ROOT / "corpus" / f"{doc.doc_id}.txt").read_bytes()


def test_text_is_never_altered(tmp_path):
    raw = "  Line one\r\nسطر عربي\r\n\n\ttrailing space \r\n".encode()
    article(tmp_path / "c", "x", raw, {"doc_id": "x", "language": "ar", "topic": "test"})
    [doc] = load_corpus(tmp_path / "c")
    assert doc.text.encode("utf-8") == raw
    assert doc.meta == {"topic": "test"}
    lines = jsonl(tmp_path / "c.jsonl", {"doc_id": "y", "language": "en", "text": raw.decode(), "desk": "world"})
    [doc] = load_corpus(lines)
    assert doc.text.encode("utf-8") == raw and doc.meta == {"desk": "world"}


def test_jsonl_keeps_optional_fields_and_unknown_keys(tmp_path):
    path = jsonl(
        tmp_path / "c.jsonl",
        "",
        {"doc_id": "a", "language": "sw", "text": "Habari", "source": "DW", "url": "https://x", "published": "2023-09-13",
         "title": "T", "meta": {"k": 1}, "extra": True},
    )  # fmt: skip
    [doc] = load_corpus(path)
    assert (doc.source, doc.url, doc.published, doc.title) == ("DW", "https://x", "2023-09-13", "T")
    assert doc.meta == {"extra": True, "k": 1}


# --- every error, exactly ------------------------------------------------------------------


def test_missing_path(tmp_path):
    path = tmp_path / "nope"
    assert error_of(path) == f"{path}: no such file or folder. Pass --corpus with a corpus folder or a .jsonl file."


def test_empty_folder_and_empty_jsonl(tmp_path):
    (tmp_path / "empty").mkdir()
    message = "no articles found. A corpus folder needs NAME.txt files with NAME.json metadata."
    assert error_of(tmp_path / "empty") == f"{tmp_path / 'empty'}: {message}"
    assert error_of(jsonl(tmp_path / "e.jsonl", "", "  ")) == f"{tmp_path / 'e.jsonl'}: {message}"


def test_empty_text(tmp_path):
    text_path = article(tmp_path / "c", "a", " \r\n\t", GOOD_META)
    assert error_of(tmp_path / "c") == f"{text_path}: empty text. Remove the article or fill in its text."
    path = jsonl(tmp_path / "c.jsonl", {**GOOD_META, "text": "ok"}, {"doc_id": "b", "language": "en", "text": ""})
    assert error_of(path) == f"{path} line 2: empty text. Remove the article or fill in its text."


def test_invalid_utf8(tmp_path):
    text_path = article(tmp_path / "c", "a", b"caf\xe9 latin-1", GOOD_META)
    assert error_of(tmp_path / "c") == (
        f"{text_path}: invalid UTF-8 at byte 3. Re-encode the file as UTF-8 (e.g. iconv -t UTF-8)."
    )
    path = jsonl(tmp_path / "c.jsonl", {**GOOD_META, "text": "ok"}, b'{"doc_id": "b", "text": "\xff"}')
    assert (
        error_of(path) == f"{path} line 2: invalid UTF-8 at byte 25. Re-encode the file as UTF-8 (e.g. iconv -t UTF-8)."
    )


def test_duplicate_doc_id(tmp_path):
    first = article(tmp_path / "c", "a", "one", GOOD_META)
    second = article(tmp_path / "c", "b", "two", GOOD_META)
    assert (
        error_of(tmp_path / "c")
        == f"{second}: duplicate doc_id 'a1' (first in {first}). Give each article its own doc_id."
    )
    path = jsonl(tmp_path / "c.jsonl", {**GOOD_META, "text": "one"}, {**GOOD_META, "text": "two"})
    assert (
        error_of(path)
        == f"{path} line 2: duplicate doc_id 'a1' (first in {path} line 1). Give each article its own doc_id."
    )


def test_unknown_language(tmp_path):
    article(tmp_path / "c", "a", "text", {"doc_id": "a", "language": "eng"})
    meta = tmp_path / "c" / "a.json"
    assert error_of(tmp_path / "c") == (
        f"{meta}: unknown language code 'eng'. Use an ISO 639-1 code such as en, ar or sw."
    )
    path = jsonl(tmp_path / "c.jsonl", {"doc_id": "a", "language": "arabic", "text": "x"})
    assert (
        error_of(path) == f"{path} line 1: unknown language code 'arabic'. Use an ISO 639-1 code such as en, ar or sw."
    )


@pytest.mark.parametrize("key", ["doc_id", "language"])
def test_missing_metadata_key(tmp_path, key):
    meta = {k: v for k, v in GOOD_META.items() if k != key}
    article(tmp_path / "c", "a", "text", meta)
    assert (
        error_of(tmp_path / "c")
        == f"{tmp_path / 'c' / 'a.json'}: missing metadata '{key}'. Add it as a non-empty string."
    )
    path = jsonl(tmp_path / "c.jsonl", {**meta, key: "  ", "text": "x"})
    assert error_of(path) == f"{path} line 1: missing metadata '{key}'. Add it as a non-empty string."


def test_missing_metadata_file(tmp_path):
    text_path = article(tmp_path / "c", "a", "text")
    assert error_of(tmp_path / "c") == (
        f'{text_path}: missing metadata file a.json. Add it with at least {{"doc_id": ..., "language": ...}}.'
    )


def test_metadata_without_text(tmp_path):
    article(tmp_path / "c", "a", "text", GOOD_META)
    (tmp_path / "c" / "b.json").write_text('{"doc_id": "b", "language": "en"}')
    assert error_of(tmp_path / "c") == (
        f"{tmp_path / 'c' / 'b.json'}: metadata without its text file b.txt. Add the text, or remove the metadata file."
    )


def test_bad_metadata_json(tmp_path):
    article(tmp_path / "c", "a", "text", "{doc_id: a}")
    meta = tmp_path / "c" / "a.json"
    assert error_of(tmp_path / "c") == (
        f"{meta}: invalid JSON (Expecting property name enclosed in double quotes: line 1 column 2 (char 1)). "
        "Fix the metadata file."
    )
    meta.write_text('["a", "en"]')
    assert (
        error_of(tmp_path / "c")
        == f'{meta}: metadata must be a JSON object such as {{"doc_id": ..., "language": ...}}.'
    )


def test_bad_optional_metadata(tmp_path):
    article(tmp_path / "c", "a", "text", {**GOOD_META, "url": 42})
    assert error_of(tmp_path / "c") == f"{tmp_path / 'c' / 'a.json'}: 'url' must be a string or null."
    path = jsonl(tmp_path / "c.jsonl", {**GOOD_META, "text": "x", "meta": ["not", "an", "object"]})
    assert error_of(path) == f"{path} line 1: 'meta' must be a JSON object of extra metadata."


def test_bad_jsonl_lines(tmp_path):
    ok = {**GOOD_META, "text": "fine"}
    cases = [
        (
            '{"doc_id": "b", "language": "en", "text": "x"',
            "invalid JSON (Expecting ',' delimiter). Write one JSON object per line.",
        ),
        ('["b", "en", "x"]', "expected a JSON object with doc_id, language and text."),
        ('{"doc_id": "b", "language": "en"}', "missing text. Each line needs doc_id, language and text."),
        (
            '{"doc_id": "b", "language": "en", "text": 7}',
            "text must be a string. Put the article text in a JSON string.",
        ),
    ]
    for number, (line, message) in enumerate(cases):
        path = jsonl(tmp_path / f"c{number}.jsonl", ok, line)
        assert error_of(path) == f"{path} line 2: {message}"


def test_cli_reports_corpus_errors_in_one_line(tmp_path):
    path = jsonl(tmp_path / "c.jsonl", {"doc_id": "a", "language": "xx", "text": "x"})
    result = CliRunner().invoke(cli, ["push", "--corpus", str(path), "--data-dir", str(tmp_path / "ls")])
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: {path} line 1: unknown language code 'xx'. Use an ISO 639-1 code such as en, ar or sw.\n"
    )
