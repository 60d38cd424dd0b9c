"""Docs pinned by tests: every command has help text and a README CLI reference entry."""

from __future__ import annotations

import re

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


@pytest.mark.parametrize("path,command", COMMANDS, ids=[p for p, _ in COMMANDS])
def test_every_command_has_help_and_a_readme_entry(path, command):
    assert command.help and command.help.strip(), f"{path} has no help text"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"### `{path}`" in readme, f"README.md has no CLI reference entry '### `{path}`'"
    for param in command.params:
        if isinstance(param, click.Option):
            assert param.help, f"{path} option {param.opts[0]} has no help text"
            assert param.opts[0] in readme.split(f"### `{path}`", 1)[1].split("\n### ", 1)[0], (
                f"README entry for {path} does not mention {param.opts[0]}"
            )


def test_readme_states_the_two_setup_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme


def test_version_and_short_help():
    runner = CliRunner()
    assert runner.invoke(cli, ["--version"]).output == f"curation, version {__version__}\n"
    assert runner.invoke(cli, ["-h"]).exit_code == 0


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    return "".join(c for c in text if c.isalnum() or c in " -_").replace(" ", "-")


def test_readme_links_point_at_its_own_headings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    anchors = {github_anchor(line.lstrip("#")) for line in readme.splitlines() if line.startswith("#")}
    links = re.findall(r"\]\(#([^)]+)\)", readme)
    assert links, "the README links to its own sections"
    assert [link for link in links if link not in anchors] == []


def test_readme_images_exist():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    images = re.findall(r"!\[[^\]]*\]\(([^)#]+)\)", readme)
    assert images and [path for path in images if not (ROOT / path).is_file()] == []
