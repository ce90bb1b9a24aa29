"""`impact demo`, `impact digest`, `impact goal add` and `impact goals` as a person runs them."""

from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli import main


def run(tmp_path, *args):
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'impact-demo' / 'demo.db'}"}
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_demo_prints_the_digest_and_writes_three_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(tmp_path, "demo", "--today", "2026-11-23")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Impact digest · Nov 16–22" in out
    assert "LinkedIn signups to 450 by Dec 31, 2026  on track" in out
    assert "Instagram interactions +47%; signups −5%: 12.6 signups per 1,000 interactions" in out
    assert "This week: Add a clear call to action" in out
    for name in ("digest.json", "blocks.json", "chart.png"):
        assert (tmp_path / "impact-demo" / name).stat().st_size > 100
    assert (tmp_path / "impact-demo" / "chart.png").read_bytes()[:4] == b"\x89PNG"


def test_digest_json_goal_add_and_goals_on_the_demo_database(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run(tmp_path, "demo", "--today", "2026-11-23")
    digest = run(
        tmp_path,
        "digest",
        "--team",
        "T0DEMO",
        "--channel",
        "C0DEMO",
        "--week",
        "2026-W47",
        "--json",
    )
    data = json.loads(digest.output)
    assert data["period"] == {"start": "2026-11-16", "end": "2026-11-22"}
    assert len(data["goals"]) == 4
    added = run(
        tmp_path,
        "goal",
        "add",
        "facebook donations +5% by Q2",
        "--team",
        "T0DEMO",
        "--channel",
        "C0DEMO",
    )
    assert added.exit_code == 0 and "Facebook donations +5% by Jun 30" in added.output
    refused = run(tmp_path, "goal", "add", "vibes +5% by Q2", "--team", "T0DEMO")
    assert refused.exit_code == 1 and "`vibes` is not a metric I know" in refused.output
    listed = run(tmp_path, "goals", "--team", "T0DEMO")
    assert listed.output.count("\n") == 5 and "Facebook donations +5%" in listed.output
    out_dir = tmp_path / "files"
    run(tmp_path, "digest", "--team", "T0DEMO", "--week", "2026-W47", "--out", str(out_dir))
    assert json.loads((out_dir / "blocks.json").read_text())["blocks"][0]["type"] == "header"


def test_bad_week_is_explained(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    run(tmp_path, "demo", "--today", "2026-11-23")
    result = CliRunner().invoke(
        main,
        ["digest", "--team", "T0DEMO", "--week", "last week"],
        env={"DATABASE_URL": f"sqlite:///{tmp_path / 'impact-demo' / 'demo.db'}"},
    )
    assert result.exit_code == 1 and "Write it like 2026-W46" in result.output
