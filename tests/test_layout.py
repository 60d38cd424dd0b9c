"""The architecture holds: one Label Studio adapter, one datasets adapter, a pure core.

Read from the source (the imports a module states), so a stray import fails here by name.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "curation"

#: Modules that compute over plain data: no network, no files, no exit, no printing.
PURE = (
    "records", "convert", "validate", "agreement", "pairwise", "kappa", "adjudicate", "conflicts",
    "metrics_ner", "metrics_relations", "textnorm", "splits", "tokens", "tagging",
)  # fmt: skip
#: Libraries that reach the network or the file system (or an adapter that does).
IMPURE_LIBRARIES = (
    "label_studio_sdk", "datasets", "huggingface_hub", "requests", "urllib", "urllib3", "http", "socket",
    "subprocess", "os", "pathlib", "shutil", "tempfile", "io", "gzip", "ijson", "pyarrow.parquet",
)  # fmt: skip


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every absolute module name the file imports (at any depth: lazy imports count)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def importers(library: str) -> list[str]:
    """The curation modules that import ``library`` or one of its submodules."""
    return sorted(
        module_name(path)
        for path in PACKAGE.rglob("*.py")
        if any(name == library or name.startswith(f"{library}.") for name in imports(path))
    )


def test_only_the_labelstudio_sdk_module_imports_label_studio_sdk():
    assert importers("label_studio_sdk") == ["curation.labelstudio.sdk"]


def test_only_hfdata_imports_datasets():
    assert importers("datasets") == ["curation.hfdata"]


def test_only_the_labelstudio_package_talks_http_to_label_studio():
    assert importers("requests") == ["curation.labelstudio.client", "curation.labelstudio.export"]


def test_the_labelstudio_package_is_small_modules():
    sizes = {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in (PACKAGE / "labelstudio").glob("*.py")}
    assert set(sizes) == {
        "__init__.py", "annotations.py", "client.py", "export.py", "predictions.py", "projects.py", "sdk.py", "tasks.py"
    }
    assert max(sizes.values()) <= 400, sizes


def test_importing_the_adapter_does_not_import_the_sdk():
    """The SDK costs ~1.3 s of CPU to import; curation's own commands never pay it."""
    code = "import sys, curation.labelstudio, curation.cli; print('label_studio_sdk' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert result.stdout == "False\n"


@pytest.mark.parametrize("name", PURE)
def test_the_core_is_pure(name):
    path = PACKAGE / f"{name}.py"
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
    assert not calls, f"curation/{name}.py calls {sorted(calls)}: move the I/O to an adapter or the CLI"
