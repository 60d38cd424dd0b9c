"""hfdata: declared features, deterministic parquet, reading a folder like load_dataset does."""

from __future__ import annotations

import io

import pyarrow.parquet as pq
import pytest
import yaml

from curation.core.errors import ReleaseError
from curation.release.hfdata import (
    CONFIGS,
    ListColumn,
    arrow_table,
    bio_tag_names,
    features,
    features_from_yaml,
    features_of_parquet,
    features_yaml,
    load_release_config,
    parquet_bytes,
    table_from_columns,
)

LABELS = ("PER", "GPE")

DOC_ROW = {
    "doc_id": "d1",
    "language": "sw",
    "source": "DW",
    "url": None,
    "title": "Kim na Putin",
    "published": "2023-09-13",
    "text": "Kim alikutana na Putin.",
    "mentions": [
        {"id": "m1", "start": 0, "end": 3, "text": "Kim", "type": "PER", "entity_id": "kim_jong_un"},
        {"id": "m2", "start": 17, "end": 22, "text": "Putin", "type": "PER", "entity_id": "vladimir_putin"},
    ],
    "entities": [
        {"id": "kim_jong_un", "type": "PER", "name": "Kim"},
        {"id": "vladimir_putin", "type": "PER", "name": "Putin"},
    ],
    "relations": [
        {"id": "r1", "type": "met_with", "head": "kim_jong_un", "tail": "vladimir_putin",
         "head_mention": "m1", "tail_mention": "m2"}
    ],
    "n_annotators": 1,
    "adjudication": "single_annotated",
}  # fmt: skip


def write_folder(tmp_path, config, rows):
    feats = features(config, LABELS)
    (tmp_path / config).mkdir()
    (tmp_path / config / "test-00000-of-00001.parquet").write_bytes(parquet_bytes(arrow_table(rows, feats)))
    card = {
        "configs": [{"config_name": config, "data_files": [{"split": "test", "path": f"{config}/test-*.parquet"}]}],
        "dataset_info": [{"config_name": config, "features": features_yaml(feats)}],
    }
    (tmp_path / "README.md").write_text("---\n" + yaml.safe_dump(card, sort_keys=False) + "---\n", encoding="utf-8")
    return feats


def test_documents_round_trip_through_load_dataset(tmp_path):
    write_folder(tmp_path, "documents", [DOC_ROW])
    assert load_release_config(tmp_path, "documents", "test") == [DOC_ROW]


def test_class_labels_survive_and_features_match_the_yaml(tmp_path):
    row = {"doc_id": "d1", "language": "sw", "tokens": ["Kim", "na", "Putin"], "ner_tags": [1, 0, 1]}
    feats = write_folder(tmp_path, "tokens", [row])
    assert load_release_config(tmp_path, "tokens", "test") == [row]
    assert features_of_parquet(tmp_path / "tokens" / "test-00000-of-00001.parquet") == feats
    assert features_from_yaml(features_yaml(feats)) == feats
    assert feats["ner_tags"].feature.names == ["O", "B-PER", "I-PER", "B-GPE", "I-GPE"]


def test_parquet_bytes_are_deterministic():
    table = arrow_table([DOC_ROW, DOC_ROW | {"doc_id": "d2"}], features("documents", LABELS))
    assert parquet_bytes(table) == parquet_bytes(table)
    assert pq.read_table(io.BytesIO(parquet_bytes(table))).to_pylist()[1]["doc_id"] == "d2"


def test_every_config_has_features():
    assert [list(features(c, LABELS))[0] for c in CONFIGS] == ["doc_id", "doc_id", "id", "doc_id"]
    assert bio_tag_names(["PER"]) == ["O", "B-PER", "I-PER"]


def test_unknown_config_split_and_folder_say_the_fix(tmp_path):
    write_folder(tmp_path, "documents", [DOC_ROW])
    with pytest.raises(ReleaseError) as err:
        load_release_config(tmp_path, "triples", "test")
    assert str(err.value) == f"{tmp_path}: no config 'triples'. Use one of: documents."
    with pytest.raises(ReleaseError) as err:
        load_release_config(tmp_path, "documents", "train")
    assert str(err.value) == f"{tmp_path}: config 'documents' has no split 'train'. Use one of: test."
    with pytest.raises(ReleaseError) as err:
        load_release_config(tmp_path / "missing", "documents", "test")
    assert str(err.value) == (
        f"{tmp_path / 'missing'}: no such release folder. Pass the folder of a release, e.g. exports/<name>/<version>."
    )
    with pytest.raises(ReleaseError) as err:
        features("nope", LABELS)
    assert str(err.value) == "Unknown release config 'nope'. Use one of: documents, triples, entities, tokens."


def test_columns_give_the_table_the_rows_give():
    feats = features("documents", LABELS)
    columns = {
        "doc_id": ["d1"], "language": ["sw"], "source": ["DW"], "url": [None], "title": ["Kim na Putin"],
        "published": ["2023-09-13"], "text": ["Kim alikutana na Putin."],
        "mentions": ListColumn([0, 2], {"id": ["m1", "m2"], "start": [0, 17], "end": [3, 22], "text": ["Kim", "Putin"],
                                        "type": ["PER", "PER"], "entity_id": ["kim_jong_un", "vladimir_putin"]}),
        "entities": ListColumn([0, 2], {"id": ["kim_jong_un", "vladimir_putin"], "type": ["PER", "PER"],
                                        "name": ["Kim", "Putin"]}),
        "relations": ListColumn([0, 1], {"id": ["r1"], "type": ["met_with"], "head": ["kim_jong_un"],
                                         "tail": ["vladimir_putin"], "head_mention": ["m1"], "tail_mention": ["m2"]}),
        "n_annotators": [1], "adjudication": ["single_annotated"],
    }  # fmt: skip
    table = table_from_columns(columns, feats.arrow_schema)
    assert table.to_pylist() == [DOC_ROW]
    assert parquet_bytes(table) == parquet_bytes(arrow_table([DOC_ROW], feats))
    with pytest.raises(ReleaseError) as err:
        table_from_columns({k: v for k, v in columns.items() if k != "text"}, feats.arrow_schema)
    assert str(err.value) == "A release row has no field 'text'. This is a bug in curation; please report it."
