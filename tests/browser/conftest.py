"""Fixtures for the browser suite: Debian's Chromium, annotators logged in, pushed projects.

The browser is the system's ``/usr/bin/chromium`` (``make test`` installs Debian's package
when it is missing); Playwright never downloads one. Projects are set up with the real
``curation push`` and read back with the real ``curation pull`` (both through the CLI, with
the token in the environment as users run them), against the session's Label Studio.

Every page is watched: a JavaScript dialog, an uncaught page error or a request to any host
other than the Label Studio server fails the test (the request is also blocked, so article
text can never leave the machine during a test). When a test fails, a screenshot of its page
is saved under ``test-artifacts/browser/``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from playwright.sync_api import Browser, Dialog, Page, Playwright, Route, sync_playwright

from curation.cli import cli
from curation.core.corpus import load_corpus
from curation.core.normalize import Normalized, load_snapshot
from curation.core.records import Annotation, Document
from curation.labelstudio.server import Connection
from tests.browser.ui import LabellingView
from tests.conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts" / "browser"
VIEWPORT = {"width": 1400, "height": 900}
#: The seed corpus, by doc id.
SEED = {d.doc_id: d for d in load_corpus(ROOT / "corpus")}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Keep each phase's report on the test item, so fixtures can tell that the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="package")
def playwright_driver() -> Iterator[Playwright]:
    # Package scope: the driver (and its event loop) ends with the browser tests.
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def chromium(playwright_driver: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (installs Debian's chromium package).")
    browser = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@dataclass
class Watch:
    """What a page did that no annotator page should do."""

    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)


def watched_page(browser: Browser, base_url: str, storage_state: dict | None = None) -> tuple[Page, Watch]:
    """A new page in its own context; dialogs, page errors and outside requests are recorded."""
    context = browser.new_context(viewport=VIEWPORT, storage_state=storage_state, locale="en-US")
    watch = Watch()
    server = urlsplit(base_url).netloc

    def guard(route: Route) -> None:
        if urlsplit(route.request.url).netloc == server or route.request.url.startswith("data:"):
            route.continue_()
        else:
            watch.outside_requests.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()

    def on_dialog(dialog: Dialog) -> None:
        watch.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("pageerror", lambda error: watch.page_errors.append(str(error)))
    return page, watch


def log_in(page: Page, base_url: str, email: str, password: str) -> None:
    """Log in through Label Studio's login form, as a person does."""
    page.goto(f"{base_url}/user/login/")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Log in").click()
    assert "/user/login" not in page.url, f"login as {email} failed: still on {page.url}"


@dataclass(frozen=True)
class Annotator:
    connection: Connection
    email: str
    password: str
    storage_state: dict


@pytest.fixture(scope="package")
def annotator(chromium: Browser, label_studio: Connection, make_annotator) -> Annotator:
    """A real user, signed up through Label Studio's form and logged in once through its login page."""
    connection, email, password = make_annotator("browser")
    page, _ = watched_page(chromium, label_studio.url)
    log_in(page, label_studio.url, email, password)
    state = page.context.storage_state()
    page.context.close()
    return Annotator(connection, email, password, state)


@pytest.fixture
def watched(chromium: Browser, label_studio: Connection, annotator: Annotator, request: pytest.FixtureRequest):
    """``(page, watch)``: the annotator's page; fails the test on dialogs, page errors, outside requests."""
    page, watch = watched_page(chromium, label_studio.url, annotator.storage_state)
    failure_shot = ARTIFACTS / f"FAILED-{request.node.name}.png"
    failure_shot.unlink(missing_ok=True)  # a screenshot from an earlier failed run would mislead
    yield page, watch
    failed = any(getattr(getattr(request.node, f"report_{w}", None), "failed", False) for w in ("setup", "call"))
    if failed:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(failure_shot), full_page=True)
    page.context.close()
    assert watch.outside_requests == [], "the page tried to reach other hosts"
    assert watch.page_errors == [], "uncaught JavaScript errors"
    assert watch.dialogs == [], "a JavaScript dialog opened"


@pytest.fixture
def view(watched, label_studio: Connection) -> LabellingView:
    return LabellingView(watched[0], label_studio.url)


# --- curation push / pull, through the CLI --------------------------------------------------


@dataclass(frozen=True)
class PushedProject:
    title: str
    id: int
    task_ids: dict[str, int]  # doc_id -> Label Studio task id
    documents: dict[str, Document]


def run_cli(conn: Connection, args: Sequence[str], tmp_dir: Path) -> str:
    """Run a ``curation`` command as a user would (server and token from the environment)."""
    env = {
        "LABEL_STUDIO_URL": conn.url,
        "LABEL_STUDIO_API_KEY": conn.token,
        "CURATION_CACHE_DIR": str(tmp_dir / "cache"),
    }
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def write_jsonl(path: Path, rows: Sequence[dict]) -> Path:
    path.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    return path


def push_documents(
    conn: Connection, documents: Sequence[Document], tmp_dir: Path, predictions: Sequence[Annotation] = ()
) -> PushedProject:
    """``curation push`` of ``documents`` (a JSONL corpus) and pre-annotations into a new project."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    title = f"browser-{uuid.uuid4().hex[:10]}"
    args = ["push", "--quiet", "--json", "--project", title,
            "--corpus", str(write_jsonl(tmp_dir / "corpus.jsonl", [d.to_dict() for d in documents]))]  # fmt: skip
    if predictions:
        args += ["--predictions", str(write_jsonl(tmp_dir / "predictions.jsonl", [p.to_dict() for p in predictions]))]
    report = json.loads(run_cli(conn, args, tmp_dir))
    assert sorted(report["imported"]) == sorted(d.doc_id for d in documents)
    snapshot = pull_snapshot(conn, title, tmp_dir / "pushed.json")
    task_ids = {task["data"]["doc_id"]: task["id"] for task in json.loads(snapshot.read_text(encoding="utf-8"))}
    return PushedProject(title, report["project"]["id"], task_ids, {d.doc_id: d for d in documents})


def pull_snapshot(conn: Connection, title: str, out: Path) -> Path:
    run_cli(conn, ["pull", "--quiet", "--project", title, "--out", str(out)], out.parent)
    return out


def pull_normalized(conn: Connection, project: PushedProject, tmp_dir: Path) -> Normalized:
    """``curation pull`` then normalization: what the annotators' work becomes."""
    return load_snapshot(pull_snapshot(conn, project.title, tmp_dir / f"snapshot-{uuid.uuid4().hex[:6]}.json"))


def the_annotation(annotations: Sequence[Annotation], doc_id: str) -> Annotation:
    """The one annotation of ``doc_id`` (fails when there is none or more than one)."""
    mine = [a for a in annotations if a.doc_id == doc_id]
    assert len(mine) == 1, f"{doc_id}: expected one annotation, got {len(mine)}"
    return mine[0]
