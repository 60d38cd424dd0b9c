"""The issue's report at its size: a push of 1,500 new articles through a proxy that answers
HTTP 502 to about 15% of requests (some imports forwarded first, answered 502 afterwards), in
chunks of 50, so that several imports fail both ways."""

from __future__ import annotations

from collections import Counter

from curation import labelstudio as ls
from curation.core.records import Document
from curation.labelstudio.server import Connection
from curation.project.push import push
from tests.faultproxy import Chaos, FaultProxy

ARTICLES = [
    Document(
        doc_id=f"flaky-{i:04d}",
        text=f"Article {i}: Kim Jong Un met Vladimir Putin in Vostochny. " * 4,
        language="en",
        source="test",
        url=f"https://example.org/{i}",
        published="2023-09-13",
    )  # fmt: skip
    for i in range(1500)
]


def test_push_of_new_articles_through_502s_imports_each_once(server, unique_title, tmp_path):
    conn, _ = server
    chaos = Chaos(seed=15, share=0.15, kinds=("refused", "502 after"))
    with FaultProxy(conn.url, chaos=chaos) as proxy:
        report = push(Connection(proxy.url, conn.token), corpus=ARTICLES, project_title=unique_title,
                      cache_dir=tmp_path, chunk_tasks=50)  # fmt: skip
    assert report.imported == tuple(d.doc_id for d in ARTICLES)
    project = ls.get_project(conn, unique_title)
    held = Counter(t.doc_id for t in ls.iter_tasks(conn, project.id))
    assert held == Counter(d.doc_id for d in ARTICLES)  # each article exactly once
    imports = Counter(kind for kind, method, path in chaos.log if method == "POST" and "/import?" in path)
    assert set(imports) == {"refused", "502 after"}, chaos.log  # imports failed before and after the server acted
    assert sum(imports.values()) >= 3, imports
    faults = ", ".join(f"{k} {v}" for k, v in sorted(chaos.injected.items()))  # the closing note: pytest -s
    print(f"push of {len(ARTICLES)} new articles: {chaos.requests} requests, "
          f"{sum(chaos.injected.values())} faults survived ({faults}; imports {sum(imports.values())})")  # fmt: skip


def test_push_over_four_connections_through_faults_imports_each_once(server, unique_title, tmp_path, monkeypatch):
    """Four imports in flight at once, through a proxy that refuses, answers 502 after forwarding,
    cuts answers and holds them past the read timeout: each article once, the bar counts to the end."""
    monkeypatch.setenv("CURATION_READ_TIMEOUT", "3")
    conn, _ = server
    chaos = Chaos(seed=4, share=0.4, slow_seconds=3.5)
    seen: list[tuple[str, int, int]] = []
    with FaultProxy(conn.url, chaos=chaos) as proxy:
        report = push(Connection(proxy.url, conn.token), corpus=ARTICLES[:120], project_title=unique_title,
                      cache_dir=tmp_path, chunk_tasks=5, jobs=4,
                      progress=lambda stage, done, total: seen.append((stage, done, total)))  # fmt: skip
    assert report.imported == tuple(d.doc_id for d in ARTICLES[:120])
    project = ls.get_project(conn, unique_title)
    held = Counter(t.doc_id for t in ls.iter_tasks(conn, project.id))
    assert held == Counter(d.doc_id for d in ARTICLES[:120])  # each article exactly once
    imports = Counter(kind for kind, method, path in chaos.log if method == "POST" and "/import?" in path)
    # some imports were carried out by the server while the client could not tell (the order of four
    # lanes is not fixed, so neither is which request meets which fault: 24 imports, 30% of them such)
    assert set(imports) & {"502 after", "cut", "slow"}, chaos.log
    bar = [done for stage, done, total in seen if stage == "Importing"]
    assert bar == list(range(0, 121, 5))  # one step per chunk of 5, to the end
