"""Docs pinned by tests: every command has help text and an entry in docs/cli.md; every link resolves.

README.md is the front page (under 250 lines) and links every page of docs/.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from curation import __version__
from curation.cli import cli
from tests.conftest import ROOT


def command_paths(group: click.Group = cli, prefix: str = "curation") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if isinstance(command, click.Group):
            found.extend(command_paths(command, path))
        else:
            found.append((path, command))
    return found


COMMANDS = command_paths()


README = ROOT / "README.md"
DOCS = ROOT / "docs"
CLI_REFERENCE = DOCS / "cli.md"
MARKDOWN = [README, *sorted(DOCS.glob("*.md"))]


@pytest.mark.parametrize("path,command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_help_and_a_cli_reference_entry(path, command):
    assert command.help and command.help.strip(), f"{path} has no help text"
    reference = CLI_REFERENCE.read_text(encoding="utf-8")
    assert f"### `{path}`" in reference, f"docs/cli.md has no CLI reference entry '### `{path}`'"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{path} option {param.opts[0]} has no help text"
            assert param.opts[0] in reference.split(f"### `{path}`", 1)[1].split("\n### ", 1)[0], (
                f"docs/cli.md entry for {path} does not mention {param.opts[0]}"
            )


def test_readme_states_the_two_setup_commands():
    readme = README.read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme


def test_version_and_short_help():
    runner = CliRunner()
    assert runner.invoke(cli, ["--version"]).output == f"curation, version {__version__}\n"
    assert runner.invoke(cli, ["-h"]).exit_code == 0


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    return "".join(c for c in text if c.isalnum() or c in " -_").replace(" ", "-")


def headings(path: Path) -> set[str]:
    """The anchors of a markdown file's headings (lines starting with #, outside code blocks)."""
    anchors: set[str] = set()
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif line.startswith("#") and not fenced:
            anchors.add(github_anchor(line.lstrip("#")))
    return anchors


def links(path: Path) -> list[str]:
    """Every markdown link and image target of a file, web addresses left out."""
    targets = re.findall(r"\]\(([^)\s]+)\)", path.read_text(encoding="utf-8"))
    return [t for t in targets if not re.match(r"[a-z]+:", t)]


@pytest.mark.parametrize("page", MARKDOWN, ids=[p.relative_to(ROOT).as_posix() for p in MARKDOWN])
def test_every_link_resolves(page):
    """Relative links point at existing files, and their #anchor at a heading of that file."""
    assert links(page), f"{page.name} links to nothing (docs pages link back to README.md)"
    broken = []
    for link in links(page):
        target, _, anchor = link.partition("#")
        file = (page.parent / target).resolve() if target else page
        if not file.exists():
            broken.append(f"{link}: no file {target}")
        elif anchor and (file.suffix != ".md" or anchor not in headings(file)):
            broken.append(f"{link}: no heading #{anchor} in {file.relative_to(ROOT)}")
    assert broken == []


def test_images_exist():
    images = [
        (page.parent / path).resolve()
        for page in MARKDOWN
        for path in re.findall(r"!\[[^\]]*\]\(([^)#\s]+)\)", page.read_text(encoding="utf-8"))
    ]
    assert images and [path for path in images if not path.is_file()] == []


def test_readme_is_a_front_page():
    assert len(README.read_text(encoding="utf-8").splitlines()) < 250, (
        "README.md is the front page: move detail to docs/"
    )


def test_readme_links_every_docs_page():
    linked = {(ROOT / link.partition("#")[0]).resolve() for link in links(README)}
    assert [page.name for page in sorted(DOCS.glob("*.md")) if page.resolve() not in linked] == []
