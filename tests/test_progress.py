"""Progress bars of the CLI: one bar per stage on stderr, announcements said once, silence when off."""

from __future__ import annotations

from curation.cli import ProgressBars


def test_one_bar_per_stage_on_stderr(capsys):
    with ProgressBars(True, units={"download": "B"}) as bars:
        bars("import", 4, 10)
        bars("import", 10, 10)
        bars("download", 2_000_000, 2_000_000)
        assert {stage: (bar.n, bar.total, bar.unit) for stage, bar in bars.bars.items()} == {
            "import": (10, 10, " tasks"),
            "download": (2_000_000, 2_000_000, "B"),
        }
    out, err = capsys.readouterr()
    assert out == ""
    assert "import:   0%|          | 0/10" in err and "download:   0%|          | 0.00/2.00M" in err


def test_an_announced_stage_is_said_once_and_has_no_bar(capsys):
    with ProgressBars(True, announcements={"export": "Building the snapshot..."}) as bars:
        bars("export", 0, None)
        bars("export", 0, None)
    out, err = capsys.readouterr()
    assert (out, err) == ("", "Building the snapshot...\n")


def test_disabled_bars_print_nothing(capsys):
    with ProgressBars(False, announcements={"export": "Building the snapshot..."}) as bars:
        bars("export", 0, None)
        bars("import", 5, 10)
    assert capsys.readouterr() == ("", "")
