"""The card's annotation-process paragraph follows the data: who annotated, from which pre-annotations,
and whether the annotations are pre-annotations accepted without any change."""

from __future__ import annotations

import dataclasses

import pytest

from curation.core.records import Annotation
from curation.release.build import build_release, unchanged_from_prediction
from tests.release.test_build import inputs

INTERFACE = (
    "an interface and guidelines generated from the schema: spans with an entity type, a canonical entity id typed "
    "on each span, and typed relations between spans"
)


def renamed(annotation: Annotation, prefix: str, **changes) -> Annotation:
    """The same content under other ids (as Label Studio numbers an annotation apart from its prediction)."""
    ids = {m.id: prefix + m.id.split("/")[-1] for m in annotation.mentions}
    mentions = tuple(dataclasses.replace(m, id=ids[m.id]) for m in annotation.mentions)
    relations = tuple(
        dataclasses.replace(r, id=prefix + r.id, head=ids[r.head], tail=ids[r.tail]) for r in annotation.relations
    )
    return dataclasses.replace(
        annotation, annotation_id=prefix.rstrip("/"), mentions=mentions, relations=relations, **changes
    )


def predicted(annotation: Annotation, version: str = "seed-v1") -> Annotation:
    return renamed(annotation, "prediction-9/", annotator="", model_version=version)


def process_paragraph(annotations, predictions, notes=None, **options) -> str:
    base = inputs()
    options = dataclasses.replace(base.options, notes=notes, **options)
    built = build_release(dataclasses.replace(base, annotations=tuple(annotations), predictions=tuple(predictions),
                                              options=options))  # fmt: skip
    card = built.files["README.md"].decode("utf-8")
    return card.split("## Annotation process\n\n")[1].split("\n\n")[0]


BASE = inputs().annotations  # one annotation per GOLD document, by annotator-1


def test_identical_content_under_other_ids_counts_by_model_version():
    accepted = [dataclasses.replace(a, from_prediction=True) for a in BASE]
    predictions = [predicted(BASE[0], "v1"), predicted(BASE[1], "v2")]
    assert unchanged_from_prediction(accepted, predictions) == {"v1": 1, "v2": 1}


@pytest.mark.parametrize(
    "change",
    [
        lambda a: dataclasses.replace(
            a, mentions=(dataclasses.replace(a.mentions[0], entity_id="someone_else"), *a.mentions[1:])
        ),
        lambda a: dataclasses.replace(
            a, mentions=(dataclasses.replace(a.mentions[0], end=a.mentions[0].end - 1), *a.mentions[1:])
        ),
        lambda a: dataclasses.replace(a, relations=a.relations[:-1]),
        lambda a: dataclasses.replace(a, relations=(dataclasses.replace(a.relations[0], type="allied_with"),)),
        lambda a: dataclasses.replace(a, from_prediction=False),
        lambda a: dataclasses.replace(a, doc_id="another-doc"),
    ],
    ids=["entity id", "span", "relation dropped", "relation type", "not from a prediction", "other document"],
)
def test_any_change_makes_an_annotation_not_unchanged(change):
    annotation = dataclasses.replace(BASE[1], from_prediction=True)
    assert unchanged_from_prediction([annotation], [predicted(BASE[1])]) == {"seed-v1": 1}
    assert unchanged_from_prediction([change(annotation)], [predicted(BASE[1])]) == {}


def test_every_annotation_accepted_unchanged_is_said_plainly_and_points_to_the_notes():
    accepted = [dataclasses.replace(a, from_prediction=True) for a in BASE]
    predictions = [predicted(a, "seed-maintainers-2026-11") for a in BASE]
    intro = (
        "The articles were put into Label Studio, each with a pre-annotation (model version "
        f"`seed-maintainers-2026-11`), with {INTERFACE}. 1 annotator (pseudonym in `source/`) submitted 2 annotations and skipped 0. "
        "Every annotation is a pre-annotation accepted without any change: nobody corrected them in Label Studio, so "
        "the gold is exactly the pre-annotations and is as good as they are; "
    )
    derived = (
        " `annotations_creators` above (machine-generated) follows the snapshot: 2 annotations are pre-annotations "
        "submitted unchanged, which Label Studio records as a model's output; the curators did not declare who made "
        "the pre-annotations."
    )
    assert process_paragraph(accepted, predictions, notes="Made by hand.") == intro + (
        "the curators' notes below say how they were made." + derived
    )
    assert process_paragraph(accepted, predictions) == intro + "this card cannot say how they were made." + derived
    declared = process_paragraph(
        accepted, predictions, notes="Made by hand.", annotations_creators=("expert-generated",)
    )
    assert declared == intro + (
        "the curators' notes below say how they were made. The curators declare the annotations expert-generated "
        "(`annotations_creators` above)."
    )


def test_some_annotations_unchanged_are_counted_after_the_usual_sentence():
    accepted = [dataclasses.replace(a, from_prediction=True) for a in BASE]
    corrected = dataclasses.replace(accepted[1], relations=accepted[1].relations[:1])
    assert process_paragraph([accepted[0], corrected], [predicted(a) for a in BASE]) == (
        f"Annotators labelled the articles in Label Studio with {INTERFACE}. 1 annotator (pseudonym in `source/`) "
        "submitted 2 annotations and skipped 0. 2 annotations started from a pre-annotation (a prediction shown to the "
        "annotator, who corrected or accepted it; model versions in the snapshot: `seed-v1`). 1 of them was submitted "
        "without any change (model version `seed-v1`), so its labels are the pre-annotation's, not a correction of it. "
        "`annotations_creators` above (expert-generated and machine-generated) follows the snapshot: 1 annotation was "
        "made or corrected by people in Label Studio and 1 annotation is a pre-annotation submitted unchanged, which "
        "Label Studio records as a model's output; the curators did not declare who made the pre-annotations."
    )


def test_without_pre_annotations_the_paragraph_describes_annotators():
    assert process_paragraph(BASE, ()) == (
        f"Annotators labelled the articles in Label Studio with {INTERFACE}. 1 annotator (pseudonym in `source/`) "
        "submitted 2 annotations and skipped 0. No annotation started from a pre-annotation. `annotations_creators` "
        "above (expert-generated) follows the snapshot: 2 annotations were made or corrected by people in Label Studio."
    )


def test_an_adjudication_draft_submitted_unchanged_is_people_s_work():
    """A draft merges human annotations: accepting it unchanged does not make the labels machine-generated."""
    accepted = [dataclasses.replace(a, from_prediction=True) for a in BASE]
    drafts = [predicted(a, "adjudication-2024-05-03") for a in BASE]
    paragraph = process_paragraph(accepted, drafts)
    assert paragraph.endswith(
        "`annotations_creators` above (expert-generated) follows the snapshot: 2 annotations were made or corrected "
        "by people in Label Studio."
    )
