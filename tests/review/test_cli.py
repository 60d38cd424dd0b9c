"""`curation agreement` and `curation adjudicate` on snapshot files (Label Studio exports)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from curation.cli import cli
from curation.core.convert import to_ls_results
from curation.core.normalize import load_snapshot
from curation.core.records import Annotation, Document, Mention, Relation, text_sha256
from curation.core.schema import load_schema
from curation.review.adjudicate import adjudicate
from curation.review.gold import read_gold

TEXT = "Kim Jong Un met Vladimir Putin at Vostochny Cosmodrome."
TEXT_SW = "Kim Jong Un alikutana na Vladimir Putin."


def mention(region: str, text: str, surface: str, etype: str, eid: str) -> Mention:
    start = text.index(surface)
    return Mention(region, start, start + len(surface), surface, etype, eid)


def raw_annotation(aid: int, user: int, text: str, mentions, relations=(), **extra) -> dict:
    return {"id": aid, "completed_by": user, "result": to_ls_results(text, mentions, relations),
            "was_cancelled": False, "ground_truth": False, "created_at": f"2024-05-0{aid % 9 + 1}T10:00:00Z",
            "updated_at": f"2024-05-0{aid % 9 + 1}T10:00:00Z", "lead_time": 12.5, **extra}  # fmt: skip


def task(tid: int, doc_id: str, language: str, text: str, annotations: list[dict]) -> dict:
    document = Document(doc_id=doc_id, language=language, text=text, title=doc_id)
    return {"id": tid, "data": document.to_dict() | {"text_sha256": text_sha256(text)},
            "annotations": annotations, "predictions": []}  # fmt: skip


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    """en-1: two annotators, one misses Vostochny; sw-1: two annotators who agree; en-2: one annotator."""
    kim, putin = (
        mention("kim", TEXT, "Kim Jong Un", "PER", "kim_jong_un"),
        mention("putin", TEXT, "Vladimir Putin", "PER", "vladimir_putin"),
    )
    vost = mention("vost", TEXT, "Vostochny Cosmodrome", "FAC", "vostochny_cosmodrome")
    met, visited = Relation("x", "met_with", "kim", "putin"), Relation("y", "visited", "kim", "vost")
    sw_kim = mention("kim", TEXT_SW, "Kim Jong Un", "PER", "kim_jong_un")
    sw_putin = mention("putin", TEXT_SW, "Vladimir Putin", "PER", "vladimir_putin")
    tasks = [
        task(1, "en-1", "en", TEXT, [raw_annotation(11, 1, TEXT, [kim, putin, vost], [met, visited]),
                                     raw_annotation(12, 2, TEXT, [kim, putin], [met])]),
        task(2, "sw-1", "sw", TEXT_SW, [raw_annotation(13, 1, TEXT_SW, [sw_kim, sw_putin]),
                                        raw_annotation(14, 2, TEXT_SW, [sw_kim, sw_putin]),
                                        raw_annotation(15, 3, TEXT_SW, [], was_cancelled=True)]),
        task(3, "en-2", "en", TEXT, [raw_annotation(16, 2, TEXT, [kim])]),
    ]  # fmt: skip
    path = tmp_path / "snapshot.json"
    path.write_text(json.dumps(tasks), encoding="utf-8")
    return path


AGREEMENT_TABLE = """\
Annotators: annotator-1, annotator-2.
Documents with two or more annotators: 2 (en 1, sw 1).
Skipped annotations left out: 1.

Mentions (pairwise, summed over annotator pairs)
language  type  n_a  n_b  exact  overlap  strict_f1  partial_f1
en        FAC     1    0      0        0      0.000       0.000
en        PER     2    2      2        0      1.000       1.000
en        all     3    2      2        0      0.800       0.800
sw        PER     2    2      2        0      1.000       1.000
sw        all     2    2      2        0      1.000       1.000
all       FAC     1    0      0        0      0.000       0.000
all       PER     4    4      4        0      1.000       1.000
all       all     5    4      4        0      0.889       0.889

Relations (pairwise, summed over annotator pairs)
language  type      n_a  n_b  strict  boundaries  strict_f1  boundaries_f1
en        met_with    1    1       1           1      1.000          1.000
en        visited     1    0       0           0      0.000          0.000
en        all         2    1       1           1      0.667          0.667
all       all         2    1       1           1      0.667          0.667

Relation label kappa (Cohen): - over 1 argument pairs (observed 1.000, expected 1.000).
Entity ids on mentions both annotators marked: 4/4 agree (1.000).
"""


def test_agreement_table(snapshot: Path):
    result = CliRunner().invoke(cli, ["agreement", str(snapshot)])
    assert result.exit_code == 0, result.output
    assert result.stdout == AGREEMENT_TABLE


def test_agreement_json(snapshot: Path):
    result = CliRunner().invoke(cli, ["agreement", str(snapshot), "--json"])
    data = json.loads(result.stdout)
    assert data["mentions"]["micro"] == {"n_a": 5, "n_b": 4, "exact": 4, "overlap": 0, "strict_f1": 8 / 9,
                                         "partial_f1": 8 / 9}  # fmt: skip
    assert data["mentions"]["by_language"]["sw"]["strict_f1"] == 1.0
    assert data["relations"]["kappa"] == {"method": "cohen", "items": 1, "observed": 1.0, "expected": 1.0,
                                          "value": None}  # fmt: skip
    assert data["entity_ids"]["micro"] == {"compared": 4, "agreed": 4, "agreement": 1.0}


def test_agreement_plot_is_a_readable_png(snapshot: Path, tmp_path: Path):
    png = tmp_path / "agreement.png"
    result = CliRunner().invoke(cli, ["agreement", str(snapshot), "--plot", str(png)])
    assert result.exit_code == 0, result.output
    assert f"Wrote the heatmap to {png}." in result.stderr
    with Image.open(png) as image:
        assert image.format == "PNG"
        assert image.size == (750, 350)  # 7.5 x 3.5 inches at 100 dpi (the smallest): one pair, 3 columns
        colours = image.convert("RGB").getcolors(maxcolors=1 << 20)
    assert colours is not None and len(colours) > 50  # text, cells and colour bar, not a blank canvas
    assert sum(count for count, _ in colours if _ == (255, 255, 255)) < 0.8 * 750 * 350


def test_adjudicate_writes_gold_with_decision_log(snapshot: Path, tmp_path: Path):
    out = tmp_path / "gold.jsonl"
    result = CliRunner().invoke(cli, ["adjudicate", str(snapshot), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Gold documents: 2 (adjudicated 1, single_annotated 1).\n"
        "Documents with open conflicts: 1. Without any usable annotation: 0. Waiting for a second annotator: 0. "
        "Items rejected by a majority: 0.\n"
        "\n"
        "Conflict in en-1 (2 annotators):\n"
        "  mention at [34, 54) 'Vostochny Cosmodrome'\n"
        "    annotator-1 (annotation 11): FAC [34, 54) 'Vostochny Cosmodrome' id=vostochny_cosmodrome\n"
        "    annotator-2 (annotation 12): nothing\n"
        "  relation at [0, 11) 'Kim Jong Un' -- [34, 54) 'Vostochny Cosmodrome'\n"
        "    annotator-1 (annotation 11): visited: 'Kim Jong Un' -> 'Vostochny Cosmodrome'\n"
        "    annotator-2 (annotation 12): nothing\n"
    )
    assert result.stderr == f"Wrote 2 gold documents to {out}.\n"
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["doc_id"] for line in lines] == ["en-2", "sw-1"]
    assert lines[1] == {
        "doc_id": "sw-1", "language": "sw", "source": None, "url": None, "published": None, "title": "sw-1",
        "text": TEXT_SW, "status": "adjudicated", "n_annotators": 2,
        "mentions": [
            {"id": "m1", "start": 0, "end": 11, "text": "Kim Jong Un", "type": "PER", "entity_id": "kim_jong_un"},
            {"id": "m2", "start": 25, "end": 39, "text": "Vladimir Putin", "type": "PER",
             "entity_id": "vladimir_putin"},
        ],
        "relations": [],
        "decisions": [{"kind": "mention", "item_id": "m1", "rule": "unanimous", "sources": ["13", "14"]},
                      {"kind": "mention", "item_id": "m2", "rule": "unanimous", "sources": ["13", "14"]}],
    }  # fmt: skip
    expected = adjudicate(load_snapshot(snapshot), load_schema())
    assert read_gold(out) == (expected.gold, expected.decisions)


def test_adjudicate_json_and_single_reject(snapshot: Path):
    result = CliRunner().invoke(cli, ["adjudicate", str(snapshot), "--json", "--single", "reject"])
    data = json.loads(result.stdout)
    assert data["summary"] == {"gold": 1, "by_status": {"adjudicated": 1}, "conflicts": 1, "unannotated": 0,
                               "awaiting_second": 1, "rejected_items": 0}  # fmt: skip
    assert data["awaiting_second"] == ["en-2"]
    (conflict,) = data["conflicts"]
    assert [i["kind"] for i in conflict["items"]] == ["mention", "relation"]
    assert conflict["items"][0]["versions"][1] == {"annotator": "annotator-2", "annotation_id": "12",
                                                   "mentions": [], "relations": []}  # fmt: skip
    assert [m["text"] for m in conflict["draft"]["mentions"]] == ["Kim Jong Un", "Vladimir Putin",
                                                                  "Vostochny Cosmodrome"]  # fmt: skip


def test_missing_snapshot_says_how_to_get_one(tmp_path: Path):
    missing = tmp_path / "nope.json"
    for command in ("agreement", "adjudicate"):
        result = CliRunner().invoke(cli, [command, str(missing)])
        assert result.exit_code == 1
        assert result.stderr == f"Error: Snapshot {missing} not found. Run `curation pull --out {missing}` first.\n"


def test_read_gold_names_the_bad_line(tmp_path: Path):
    bad = tmp_path / "gold.jsonl"
    bad.write_text('{"doc_id": "x"}\n', encoding="utf-8")
    with pytest.raises(Exception) as info:
        read_gold(bad)
    assert str(info.value) == (f"{bad} line 1: not a gold record ('text'). Write it again with "
                               f"`curation adjudicate SNAPSHOT --out {bad}`.")  # fmt: skip


def test_gold_record_round_trip_keeps_every_field():
    d = Document("d", "en", TEXT, meta={"k": 1})
    gold = adjudicate(_one(d), load_schema())
    from curation.review.gold import from_record, gold_record

    assert from_record(gold_record(gold.gold[0], gold.decisions)) == (gold.gold[0], gold.decisions)
    assert gold_record(gold.gold[0], gold.decisions)["meta"] == {"k": 1}


def _one(d: Document):
    from tests.annotations import Snap

    a = Annotation("d", "1", "annotator-1", (mention("1/kim", TEXT, "Kim Jong Un", "PER", "kim_jong_un"),))
    return Snap({"d": d}, (a,))


def test_plot_without_any_pair_is_still_a_picture(tmp_path: Path):
    from curation.review.agreement import agreement
    from curation.review.plots import plot_agreement
    from tests.annotations import Snap

    png = plot_agreement(agreement(Snap({}, ()), load_schema()), tmp_path / "empty.png")
    with Image.open(png) as image:
        assert image.size == (750, 350)
