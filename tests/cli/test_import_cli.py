"""`impact import` as a person runs it: a summary, or numbered errors and exit code 1."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from bot.cli import main

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "csv"


def run(tmp_path, *args):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}", "IMPACT_LOG_LEVEL": "WARNING"}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_import_good_then_again(tmp_path):
    first = run(tmp_path, "import", str(FIXTURES / "metrics_good.csv"), "--team", "T1")
    assert first.exit_code == 0, first.output
    assert "Imported 9 metric rows for 3 accounts: 9 new, 0 changed, 0 unchanged." in first.output
    second = run(tmp_path, "import", str(FIXTURES / "metrics_good.csv"), "--team", "T1")
    assert "0 new, 0 changed, 9 unchanged" in second.output


def test_import_bad_file_lists_lines_and_fails(tmp_path):
    result = run(tmp_path, "import", str(FIXTURES / "metrics_bad.csv"), "--team", "T1")
    assert result.exit_code == 1
    assert "Nothing imported: 7 bad rows." in result.output
    assert "line 4: unknown platform 'myspace'" in result.output


def test_help_lists_every_command(tmp_path):
    result = run(tmp_path, "--help")
    for command in ("db", "demo", "import", "keygen"):
        assert f"  {command}" in result.output
