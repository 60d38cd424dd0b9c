"""Benchmark: the whole `curation evaluate` scoring against nervaluate's mention-only scoring.

Synthetic gold (``--n`` documents, ~30 mentions and ~10 relations each, three languages) and a
noisy system (dropped, shifted, mistyped and spurious mentions; relations kept, reversed,
dropped or invented; string triples spelled with Arabic diacritics or in capitals, or derived
from the relations) are built in memory. Then, in the same
run, on the same mentions:

- nervaluate 1.2.1: ``Evaluator(...).evaluate()`` (four strategies, overall and per type);
- curation: parsing the prediction JSONL lines (every check), building the gold from release
  rows, and scoring mentions, relations and triples, overall, by language and by type, with
  95% intervals from ``--bootstrap`` document-level resamples (default 1,000) for every figure.

Goal: curation's whole evaluation within 2x of nervaluate's mention-only time, with identical
mention figures (checked here; the run fails otherwise).

Then BIO predictions (:mod:`curation.evaluate.tags`): the noisy system's mentions as one tag per
token of a ``tokens`` config cut from the synthetic texts, against the same predictions as spans
(the spans the tags encode), both scored in the same run. The BIO path recuts every text's
tokens (checking them against the released ones), checks and decodes the tags, scores the spans
and adds seqeval's token-level figures; the span path parses the lines and scores. Goal: BIO
within 2x of spans, with identical span-level figures (checked)::

    .venv/bin/python bench/evaluate.py            # 10,000 documents
    .venv/bin/python bench/evaluate.py --n 200    # quick
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import time
from collections.abc import Callable
from typing import TypeVar

from nervaluate import Evaluator

from curation.core.records import Mention
from curation.core.schema import load_schema
from curation.evaluate.chunks import token_scores
from curation.evaluate.ner import STRATEGIES
from curation.evaluate.predictions import parse_predictions
from curation.evaluate.score import gold_from_rows, score
from curation.evaluate.tags import parse_tag_predictions, tag_outputs, token_docs
from curation.release.tokens import TOKENIZER, bio_spans, bio_tag_names, bio_tags, tokenize

LANGUAGES = ("en", "ar", "sw")
T = TypeVar("T")
NAMES = {"en": "Entity{}", "ar": "كيان{}", "sw": "Kitu{}"}


def synthetic_gold(n: int, rng: random.Random, labels: list[str], relations: list[str]) -> list[dict]:
    """Documents-config rows: ~30 mentions of a 3,000-entity pool, ~10 relations."""
    entity_type = {e: rng.choice(labels) for e in range(3000)}
    rows = []
    for k in range(n):
        language = LANGUAGES[k % 3]
        parts, mentions, position = [], [], 0
        for i in range(rng.randint(25, 35)):
            filler = " said the report on " if rng.random() < 0.5 else " and "
            entity = rng.randrange(3000)
            surface = NAMES[language].format(entity) + ("" if rng.random() < 0.7 else " Jr")
            position += len(filler)
            mentions.append({"id": f"m{i}", "start": position, "end": position + len(surface), "text": surface,
                             "type": entity_type[entity], "entity_id": f"e{entity}"})  # fmt: skip
            parts += [filler, surface]
            position += len(surface)
        text = "".join(parts) + "."
        rels = []
        for j in range(rng.randint(8, 12)):
            h, t = rng.sample(range(len(mentions)), 2)
            rels.append({"id": f"r{j}", "type": rng.choice(relations), "head": mentions[h]["entity_id"],
                         "tail": mentions[t]["entity_id"], "head_mention": f"m{h}", "tail_mention": f"m{t}"})  # fmt: skip
        rows.append({"doc_id": f"doc{k:06d}", "language": language, "text": text, "mentions": mentions,
                     "entities": [], "relations": rels})  # fmt: skip
    return rows


def noisy_system(rows: list[dict], rng: random.Random, labels: list[str], relations: list[str]) -> list[str]:
    """Prediction JSONL lines: a system that gets most things right and some wrong."""
    lines = []
    for row in rows:
        mentions, kept = [], {}
        for m in row["mentions"]:
            r = rng.random()
            start, end, label = m["start"], m["end"], m["type"]
            if r < 0.10:
                continue  # missed
            if r < 0.15:
                start += 1  # boundary error
            elif r < 0.20:
                label = rng.choice(labels)  # type error (sometimes right by chance)
            kept[m["id"]] = f"p{len(mentions)}"
            mentions.append({"id": f"p{len(mentions)}", "start": start, "end": end, "type": label})
        for _ in range(3):  # spurious spans, anywhere
            start = rng.randrange(len(row["text"]) - 8)
            mentions.append({"id": f"p{len(mentions)}", "start": start, "end": start + rng.randint(2, 8),
                             "type": rng.choice(labels)})  # fmt: skip
        rels = []
        for rel in row["relations"]:
            if rel["head_mention"] in kept and rel["tail_mention"] in kept and rng.random() < 0.8:
                head, tail = kept[rel["head_mention"]], kept[rel["tail_mention"]]
                if rng.random() < 0.1:
                    head, tail = tail, head
                rels.append({"head": head, "tail": tail, "type": rel["type"]})
        for _ in range(2):
            h, t = rng.sample(range(len(mentions)), 2)
            rels.append({"head": f"p{h}", "tail": f"p{t}", "type": rng.choice(relations)})
        line = {"doc_id": row["doc_id"], "mentions": mentions, "relations": rels}
        if row["language"] != "sw":  # explicit string triples, spelled differently from the text
            surface = {m["id"]: row["text"][m["start"] : m["end"]] for m in mentions}
            spell = (lambda x: x[0] + "\u064e" + x[1:]) if row["language"] == "ar" else str.upper
            line["triples"] = [{"subject": spell(surface[r["head"]]), "predicate": r["type"], "object": spell(surface[r["tail"]])}
                               for r in rels]  # fmt: skip
        lines.append(json.dumps(line, ensure_ascii=False))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="Number of documents (default 10,000).")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--bootstrap", type=int, default=1000, help="Bootstrap resamples (default 1,000; 0: none).")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    schema = load_schema()
    labels = sorted(schema.entity_labels)
    relations = sorted(schema.relations)
    symmetric = {r.label for r in schema.relation_types if r.symmetric}

    rows = synthetic_gold(args.n, rng, labels, relations)
    lines = noisy_system(rows, rng, labels, relations)
    n_mentions = sum(len(r["mentions"]) for r in rows)
    n_relations = sum(len(r["relations"]) for r in rows)
    print(f"{args.n} documents, {n_mentions} gold mentions, {n_relations} gold relations, "
          f"{sum(len(json.loads(x)['mentions']) for x in lines)} predicted mentions")  # fmt: skip

    # nervaluate's input: the same mentions in the same (start, end, type) order, inclusive ends.
    texts = {r["doc_id"]: r["text"] for r in rows}
    true = [[{"label": t, "start": s, "end": e - 1} for s, e, t in sorted((m["start"], m["end"], m["type"]) for m in r["mentions"])]
            for r in rows]  # fmt: skip
    pred = [[{"label": t, "start": s, "end": e - 1} for s, e, t in sorted((m["start"], m["end"], m["type"]) for m in json.loads(x)["mentions"])]
            for x in lines]  # fmt: skip

    gc.collect()
    gc.freeze()  # the benchmark's own inputs are never garbage: keep them out of both timings
    theirs, t_nervaluate = timed(lambda: Evaluator(true, pred, tags=labels, loader="dict").evaluate())
    outputs, t_parse = timed(
        lambda: parse_predictions(lines, texts=texts, entity_types=labels, relation_types=relations)
    )
    gold, t_gold = timed(lambda: gold_from_rows(rows))
    report, t_score = timed(lambda: score(gold, outputs, symmetric=symmetric, resamples=args.bootstrap))
    t_whole = tuple(a + b + c for a, b, c in zip(t_parse, t_gold, t_score))

    keys = ("correct", "incorrect", "partial", "missed", "spurious", "precision", "recall", "f1")
    ci = (lambda b: f"  [{b['ci']['f1'][0]:.4f}, {b['ci']['f1'][1]:.4f}]") if args.bootstrap else (lambda b: "")
    for name in STRATEGIES:
        ours = [report["ner"][name][k] for k in keys]
        other = [getattr(theirs["overall"][name], k) for k in keys]
        assert ours == other, (name, ours, other)
        for label, by in theirs["entities"].items():
            assert [report["by_type"]["ner"][label][name][k] for k in keys] == [getattr(by[name], k) for k in keys]
    print("mention figures identical to nervaluate's (4 strategies, overall and per type)")
    for name in STRATEGIES:
        b = report["ner"][name]
        print(f"  ner {name:<9} P {b['precision']:.4f}  R {b['recall']:.4f}  F1 {b['f1']:.4f}{ci(b)}")
    for kind, modes in (("relations", ("strict", "boundaries")), ("triples", ("document", "corpus"))):
        for mode in modes:
            b = report[kind][mode]
            print(f"  {kind} {mode:<10} P {b['precision']:.4f}  R {b['recall']:.4f}  F1 {b['f1']:.4f}{ci(b)}")
    print("                                   CPU s    wall s")
    timings = [("nervaluate, mentions only", t_nervaluate), ("curation: parse predictions", t_parse),
               ("curation: gold from release rows", t_gold), (f"curation: score, {args.bootstrap} resamples", t_score),
               ("curation: whole evaluation", t_whole)]  # fmt: skip
    bio, spans = bio_against_spans(rows, lines, labels, relations, symmetric)
    timings += [("spans: whole evaluation", spans), ("BIO tags: whole evaluation", bio)]
    for name, (cpu, wall) in timings:
        print(f"{name:<33} {cpu:7.2f}  {wall:7.2f}")
    ratio = t_whole[0] / t_nervaluate[0]
    print(f"ratio whole / nervaluate (CPU time): {ratio:.2f} (goal <= 2.00): {'met' if ratio <= 2 else 'NOT met'}")
    ratio = bio[0] / spans[0]
    print(f"ratio BIO / spans (CPU time): {ratio:.2f} (goal <= 2.00): {'met' if ratio <= 2 else 'NOT met'}")


def bio_against_spans(
    rows: list[dict], lines: list[str], labels: list[str], relations: list[str], symmetric: set[str]
) -> tuple[tuple[float, float], tuple[float, float]]:
    """(CPU, wall) seconds of the whole evaluation of the system's mentions as BIO tags, then as spans."""
    names = bio_tag_names(labels)
    index = {name: i for i, name in enumerate(names)}
    token_rows, bio_lines, span_lines = [], [], []
    for row, line in zip(rows, lines):
        tokens = tokenize(row["text"], row["language"], TOKENIZER)
        gold = [Mention(m["id"], m["start"], m["end"], m["text"], m["type"]) for m in row["mentions"]]
        predicted = [Mention(m["id"], m["start"], m["end"], "", m["type"]) for m in json.loads(line)["mentions"]]
        tags = bio_tags(tokens, predicted)[0]
        token_rows.append({"doc_id": row["doc_id"], "tokens": [t for t, _, _ in tokens],
                           "ner_tags": [index[t] for t in bio_tags(tokens, gold)[0]]})  # fmt: skip
        bio_lines.append(json.dumps({"doc_id": row["doc_id"], "tags": tags}))
        mentions = [
            {"id": f"t{k}", "start": s, "end": e, "type": t} for k, (s, e, t) in enumerate(bio_spans(tokens, tags))
        ]
        span_lines.append(json.dumps({"doc_id": row["doc_id"], "mentions": mentions}))
    texts = {r["doc_id"]: r["text"] for r in rows}

    def as_spans() -> dict:
        outputs = parse_predictions(span_lines, texts=texts, entity_types=labels, relation_types=relations)
        return score(gold_from_rows(rows), outputs, symmetric=symmetric)

    def as_bio() -> dict:
        docs = token_docs(token_rows, rows, names, TOKENIZER)
        tags = parse_tag_predictions(bio_lines, docs=docs, tag_names=names)
        report = score(gold_from_rows(rows), tag_outputs(docs, tags), symmetric=symmetric)
        report["tokens"] = token_scores((d.gold_tags for d in docs), (tags[d.doc_id] for d in docs))
        return report

    by_spans, t_spans = timed(as_spans)
    by_bio, t_bio = timed(as_bio)
    assert by_bio["ner"] == by_spans["ner"] and by_bio["by_type"]["ner"] == by_spans["by_type"]["ner"]
    ner, tokens = by_bio["ner"]["strict"], by_bio["tokens"]
    print(f"BIO tags ({sum(len(r['tokens']) for r in token_rows)} tokens) and the same spans: identical span-level figures, "
          f"ner strict F1 {ner['f1']:.4f}; token-level F1 default {tokens['default']['f1']:.4f}, "
          f"strict {tokens['strict']['f1']:.4f}")  # fmt: skip
    return t_bio, t_spans


def timed(work: Callable[[], T]) -> tuple[T, tuple[float, float]]:
    """``work()``'s result and its (CPU, wall) seconds; CPU time is what the ratio uses, as the
    machine may be shared (wall time then includes waiting for a core)."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    result = work()
    return result, (time.process_time() - cpu, time.perf_counter() - wall)


if __name__ == "__main__":
    main()
