"""The issue's report: a push of many new articles through a proxy that answers HTTP 502 to
about 15% of requests (some imports forwarded first, answered 502 afterwards)."""

from __future__ import annotations

from collections import Counter

from curation import labelstudio as ls
from curation.core.records import Document
from curation.labelstudio.server import Connection
from curation.project.push import push
from tests.faultproxy import Chaos, FaultProxy

ARTICLES = [
    Document(
        doc_id=f"flaky-{i:03d}",
        text=f"Article {i}: Kim Jong Un met Vladimir Putin in Vostochny. " * 4,
        language="en",
        source="test",
        url=f"https://example.org/{i}",
        published="2023-09-13",
    )  # fmt: skip
    for i in range(120)
]


def test_push_of_new_articles_through_502s_imports_each_once(server, unique_title, tmp_path):
    conn, _ = server
    chaos = Chaos(seed=15, share=0.2, kinds=("refused", "502 after"))
    with FaultProxy(conn.url, chaos=chaos) as proxy:
        report = push(Connection(proxy.url, conn.token), corpus=ARTICLES, project_title=unique_title,
                      cache_dir=tmp_path, chunk_tasks=10)  # fmt: skip
    assert report.imported == tuple(d.doc_id for d in ARTICLES)
    project = ls.get_project(conn, unique_title)
    held = Counter(t.doc_id for t in ls.iter_tasks(conn, project.id))
    assert held == Counter(d.doc_id for d in ARTICLES)  # each article exactly once
    imports = {kind for kind, method, path in chaos.log if method == "POST" and "/import?" in path}
    assert imports == {"refused", "502 after"}, chaos.log  # imports failed both before and after the server acted


def test_push_over_four_connections_through_faults_imports_each_once(server, unique_title, tmp_path, monkeypatch):
    """Four imports in flight at once, through a proxy that refuses, answers 502 after forwarding,
    cuts answers and holds them past the read timeout: each article once, the bar counts to the end."""
    monkeypatch.setenv("CURATION_READ_TIMEOUT", "3")
    conn, _ = server
    chaos = Chaos(seed=4, share=0.4, slow_seconds=3.5)
    seen: list[tuple[str, int, int]] = []
    with FaultProxy(conn.url, chaos=chaos) as proxy:
        report = push(Connection(proxy.url, conn.token), corpus=ARTICLES, project_title=unique_title,
                      cache_dir=tmp_path, chunk_tasks=5, jobs=4,
                      progress=lambda stage, done, total: seen.append((stage, done, total)))  # fmt: skip
    assert report.imported == tuple(d.doc_id for d in ARTICLES)
    project = ls.get_project(conn, unique_title)
    held = Counter(t.doc_id for t in ls.iter_tasks(conn, project.id))
    assert held == Counter(d.doc_id for d in ARTICLES)  # each article exactly once
    imports = Counter(kind for kind, method, path in chaos.log if method == "POST" and "/import?" in path)
    # some imports were carried out by the server while the client could not tell (the order of four
    # lanes is not fixed, so neither is which request meets which fault: 24 imports, 30% of them such)
    assert set(imports) & {"502 after", "cut", "slow"}, chaos.log
    bar = [done for stage, done, total in seen if stage == "Importing"]
    assert bar == list(range(0, 121, 5))  # one step per chunk of 5, to the end
