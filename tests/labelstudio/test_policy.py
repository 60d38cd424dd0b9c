"""One retry policy: every request to Label Studio goes through curation/labelstudio/client.py.

The test reads the source of every module and lists each place that sends a request. Only
client.py and transport.py may call ``requests``, ``transport.send`` or the one-shot
:func:`~curation.labelstudio.client.request`;
elsewhere a request is a :func:`read`, an :func:`update` (PATCH/PUT), a :func:`write` with a
``look`` (POST), a :func:`remove` (DELETE), a :func:`download`, or a browser-form step that :func:`retrying` repeats.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

PACKAGE = ROOT / "curation"
CLIENT = PACKAGE / "labelstudio" / "client.py"
TRANSPORT = PACKAGE / "labelstudio" / "transport.py"
POLICY = {"read", "update", "write", "remove", "download", "session_request"}
ONE_SHOT = {"request", "send"}
#: The one place outside client.py that sends a request by hand: a Django form, whose caller
#: (``_sign_up``, repeated whole by ``retrying``) logs in when an earlier try created the user.
FORM_STEPS = {("curation/labelstudio/users.py", "_post_form"), ("curation/labelstudio/users.py", "read_in")}


def _calls(path: Path) -> list[tuple[str, str, ast.Call]]:
    """(enclosing function, called name, call) of every call in the module; a name imported from
    the adapter is spelled ``client.NAME`` whatever the module calls it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    adapter: dict[str, str] = {}  # local name -> client.NAME, or the alias of the package itself
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in (
            "curation.labelstudio.client",
            "curation.labelstudio.transport",
            "curation.labelstudio",
        ):
            adapter.update({(a.asname or a.name): f"client.{a.name}" for a in node.names})
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module == "curation"
            and any(a.name == "labelstudio" for a in node.names)
        ):
            adapter.update({(a.asname or a.name): "client" for a in node.names if a.name == "labelstudio"})
    if path in (CLIENT, TRANSPORT):
        adapter.update({n: f"client.{n}" for n in POLICY | ONE_SHOT})
    found: list[tuple[str, str, ast.Call]] = []

    def spelled(func: ast.expr) -> str:
        if isinstance(func, ast.Name):
            return adapter.get(func.id, func.id)
        if isinstance(func, ast.Attribute):
            owner = spelled(func.value) if isinstance(func.value, (ast.Name, ast.Attribute)) else ""
            return f"{'client' if adapter.get(owner) == 'client' or owner == 'client' else owner}.{func.attr}"
        return ""

    def visit(node: ast.AST, where: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else where
            if isinstance(child, ast.Call):
                found.append((inner, spelled(child.func), child))
            visit(child, inner)

    visit(tree, "<module>")
    return found


def _sends(name: str) -> bool:
    """Whether a call of ``name`` sends a request (or opens what sends them)."""
    owner, _, base = name.rpartition(".")
    if owner == "client" and base in POLICY | ONE_SHOT:
        return True
    verbs = {"get", "post", "put", "patch", "delete", "head", "request", "urlopen", "Session"}
    return owner in ("requests", "session", "urllib.request", "requests.Session") and base in verbs


def request_paths() -> dict[str, list[str]]:
    """Per module (outside client.py), ``function -> policy entry`` of each request it sends."""
    paths: dict[str, list[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in (CLIENT, TRANSPORT):
            continue
        rel = path.relative_to(ROOT).as_posix()
        for where, name, _ in _calls(path):
            if _sends(name):
                paths.setdefault(rel, []).append(f"{where} -> {name}")
    return paths


def test_no_request_bypasses_the_retry_policy():
    bypasses = []
    for rel, entries in request_paths().items():
        for entry in entries:
            where, name = entry.split(" -> ")
            base = name.rsplit(".", 1)[-1]
            if name == "requests.Session" and rel == "curation/labelstudio/users.py":
                continue  # the browser-like session itself; its requests go through session_request
            if name == "urllib.request.urlopen" and (rel, where) == ("curation/labelstudio/processes.py", "healthy"):
                continue  # the local server's /health probe, polled until it answers
            if base == "session_request" and (rel, where) not in FORM_STEPS:
                bypasses.append(f"{rel}: {entry} (a form request outside the sign-up)")
            elif base not in POLICY:
                bypasses.append(f"{rel}: {entry}")
    assert bypasses == []


def test_every_post_says_how_to_look_before_trying_again():
    missing = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for where, name, call in _calls(path):
            if name == "client.write" and path != CLIENT:
                keywords = {k.arg for k in call.keywords}
                if not {"look", "parse"} <= keywords:
                    missing.append(f"{path.relative_to(ROOT)}: {where}")
    assert missing == []


def test_the_adapter_request_paths_are_the_ones_listed():
    """The list of request paths: a new one must be added here, under the policy it follows."""
    listed = {rel: sorted(set(entries)) for rel, entries in request_paths().items()}
    assert listed == {
        "curation/labelstudio/annotations.py": [
            "annotation_from -> client.read", "create_annotation -> client.write", "fetch -> client.read", "flag_ground_truth -> client.update",
            "task_predictions -> client.read",
        ],
        "curation/labelstudio/export.py": [
            "create_snapshot -> client.read", "create_snapshot -> client.write", "delete_snapshot -> client.remove",
            "download_snapshot -> client.download", "find_snapshot -> client.read", "task_in_full -> client.read",
        ],
        "curation/labelstudio/predictions.py": [
            "import_predictions -> client.write", "model_versions -> client.read", "prediction_keys -> client.read",
        ],
        "curation/labelstudio/projects.py": ["create_project -> client.write", "find_project -> client.read", "update_project -> client.update"],
        "curation/labelstudio/processes.py": ["healthy -> urllib.request.urlopen"],
        "curation/labelstudio/tasks.py": ["_dm_page -> client.read", "import_tasks -> client.write"],
        "curation/labelstudio/views.py": [
            "create_view -> client.write", "delete_view -> client.remove", "find_view -> client.read",
            "task_id_at -> client.read",
        ],
        "curation/labelstudio/users.py": [
            "_post_form -> client.session_request", "add_user -> client.read", "add_user -> requests.Session",
            "read_in -> client.session_request",
        ],
    }  # fmt: skip


def test_a_bypass_is_caught(tmp_path):
    """The scan finds a bare request (the test above could not fail without it)."""
    module = tmp_path / "bypass.py"
    module.write_text("import requests\n\ndef f(conn):\n    return requests.get(conn.url)\n", encoding="utf-8")
    assert [(where, name) for where, name, _ in _calls(module)] == [("f", "requests.get")]
