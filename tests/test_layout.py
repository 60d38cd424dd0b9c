"""The architecture holds: packages by stage, imports only downward, one adapter per outside library.

Read from the source (the imports a module states, lazy ones included), so a stray import
fails here by name.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "curation"

#: The stages, lowest first: a module may import its own stage and the ones before it.
STAGES = ("core", "labelstudio", "project", "review", "release", "evaluate", "cli")

#: Modules that compute over plain data: no network, no files, no exit, no printing.
PURE = (
    "core.records", "core.convert", "core.codes", "core.validate",
    "core.textnorm", "project.dictionary",
    "review.agreement", "review.pairwise", "review.kappa", "review.adjudicate", "review.conflicts",
    "review.registry", "review.idmap",
    "release.splits", "release.tokens", "release.tagging", "release.entities",
    "evaluate.ner", "evaluate.relations", "evaluate.chunks", "evaluate.counts", "evaluate.bootstrap",
    "evaluate.tables",
)  # fmt: skip
#: Libraries that reach the network or the file system (or an adapter that does).
IMPURE_LIBRARIES = (
    "label_studio_sdk", "datasets", "huggingface_hub", "requests", "urllib", "urllib3", "http", "socket",
    "subprocess", "os", "pathlib", "shutil", "tempfile", "io", "gzip", "ijson", "pyarrow.parquet",
)  # fmt: skip


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


@cache
def imports(path: Path) -> frozenset[str]:
    """Every absolute module name the file imports (at any depth: lazy imports count).

    ``from curation.project import cache`` names the module ``curation.project.cache``.
    """
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names if f"{node.module}.{a.name}" in MODULES)
    return frozenset(names)


def internal_imports(name: str) -> set[str]:
    return {n for n in imports(MODULES[name]) if n in MODULES and n != name}


def stage(name: str) -> str | None:
    """The stage a module belongs to (``curation.review.gold`` -> ``review``); None at the top."""
    parts = name.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and parts[1] in STAGES) else None


def importers(library: str) -> list[str]:
    """The curation modules that import ``library`` or one of its submodules."""
    return sorted(
        name
        for name, path in MODULES.items()
        if any(n == library or n.startswith(f"{library}.") for n in imports(path))
    )


def test_every_module_lives_in_a_stage_package():
    top = sorted(name for name in MODULES if stage(name) is None)
    assert top == ["curation", "curation.__main__"]
    assert {stage(name) for name in MODULES} - {None} == set(STAGES)


def test_stages_import_only_downward():
    upward = sorted(
        f"{name} imports {target}"
        for name in MODULES
        if stage(name) is not None
        for target in internal_imports(name)
        if stage(target) is not None and STAGES.index(stage(target)) > STAGES.index(stage(name))
    )
    assert upward == []


def test_no_import_cycles():
    """No module reaches itself through the imports it states (directly or via others)."""
    graph = {name: internal_imports(name) for name in MODULES}
    cycles = []

    def reaches(start: str) -> bool:
        seen, todo = set(), list(graph[start])
        while todo:
            node = todo.pop()
            if node == start:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(graph[node])
        return False

    for name in sorted(graph):
        # A package's __init__ that re-exports its own modules is not a cycle with them
        # unless one of them imports the package back; that would show here as well.
        if reaches(name):
            cycles.append(name)
    assert cycles == []


def test_module_names_do_not_repeat_their_package():
    repeated = sorted(
        name for name in MODULES if len(name.split(".")) > 2 and name.split(".")[-1].startswith(name.split(".")[-2])
    )
    assert repeated == []


def test_no_module_is_too_long_without_a_reason():
    long = {
        name: n for name, path in MODULES.items() if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def test_only_the_labelstudio_sdk_module_imports_label_studio_sdk():
    assert importers("label_studio_sdk") == ["curation.labelstudio.sdk"]


def test_only_hfdata_imports_datasets():
    assert importers("datasets") == ["curation.release.hfdata"]


def test_only_the_labelstudio_package_talks_http_to_label_studio():
    assert importers("requests") == ["curation.labelstudio.transport", "curation.labelstudio.users"]
    assert importers("http.client") == ["curation.labelstudio.transport"]


def test_the_push_path_imports_no_heavy_library():
    """A re-push of an unchanged corpus costs little more than its two reads: the modules it runs
    import none of these (``requests`` alone takes about 0.1 s, as long as the rest of the re-push)."""
    heavy = ("requests", "urllib3", "label_studio_sdk", "datasets", "pyarrow", "numpy", "matplotlib", "jsonschema",
             "tqdm", "click.testing")  # fmt: skip
    code = (
        "import sys, curation.cli, curation.project.push, curation.project.index, curation.labelstudio.server; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


def test_the_labelstudio_package_is_small_modules():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (PACKAGE / "labelstudio").glob("*.py")}
    assert set(sizes) == {
        "__init__.py", "annotations.py", "client.py", "export.py", "jobs.py", "postgres.py", "predictions.py",
        "processes.py", "projects.py", "sdk.py", "server.py", "tasks.py", "transport.py", "users.py", "views.py",
    }  # fmt: skip
    assert max(sizes.values()) <= 400, sizes


def test_importing_the_adapter_does_not_import_the_sdk():
    """The SDK costs ~1.3 s of CPU to import; curation's own commands never pay it."""
    code = "import sys, curation.labelstudio, curation.cli; print('label_studio_sdk' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout == "False\n"


def test_importing_the_cli_imports_no_stage():
    """`curation --help` stays fast: the commands import their stage when they run."""
    code = "import sys, curation.cli; print(sorted(m for m in sys.modules if m.startswith('curation.')))"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = eval(result.stdout)  # a printed list of strings
    assert [m for m in loaded if stage(m) not in (None, "cli", "core")] == []


@pytest.mark.parametrize("name", PURE)
def test_the_core_is_pure(name):
    path = MODULES[f"curation.{name}"]
    stated = imports(path)
    assert not {n for n in stated for lib in IMPURE_LIBRARIES if n == lib or n.startswith(f"{lib}.")}
    calls = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in ("open", "print", "exit", "input"):
                calls.add(func.id)
            elif isinstance(func, ast.Attribute) and func.attr in ("exit", "open", "read_text", "write_text"):
                calls.add(func.attr)
    assert not calls, f"{path.relative_to(ROOT)} calls {sorted(calls)}: move the I/O to an adapter or the CLI"
