"""What the commands say: right plurals, no doubled words, CSV data "imported Nov 20"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

HEADER = "date,platform,account,metric,value,kind\n"


def write(impact, name: str, text: str) -> str:
    path = impact.folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def days_around_now() -> set[str]:
    now = datetime.now(UTC)
    return {f"{d:%b} {d.day}" for d in (now - timedelta(minutes=5), now + timedelta(minutes=5))}


def test_one_bad_row_is_singular_and_one_row_one_account(impact):
    bad = impact(
        "import", write(impact, "bad.csv", HEADER + "2026-11-09,x,a,likes,lots,\n"), "--team", "T1"
    )
    assert bad.code == 1 and "Nothing imported: 1 bad row." in bad.out, bad.both
    good = impact(
        "import", write(impact, "good.csv", HEADER + "2026-11-09,x,a,likes,3,\n"), "--team", "T1"
    )
    assert "Imported 1 metric row for 1 account: 1 new" in good.out, good.both


def test_a_goal_without_data_does_not_say_no_data_twice(impact):
    impact("goal", "add", "donations +10% by Mar 31", "--team", "T1")
    listed = impact("goals", "--team", "T1")
    assert listed.code == 0, listed.both
    assert listed.out.count("no data yet") == 1, listed.out
    assert "  no data yet (" in listed.out  # the status, then only the hint


def test_csv_connections_say_when_they_were_imported(impact):
    impact(
        "import",
        write(impact, "m.csv", HEADER + "2026-11-09,instagram,IG-Main,likes,3,\n"),
        "--team",
        "T1",
    )
    listed = impact("connections", "--team", "T1")
    assert "never synced" not in listed.out and " new " not in listed.out, listed.out
    line = next(row for row in listed.out.splitlines() if "IG-Main" in row)
    assert any(line.endswith(f"imported {day}") for day in days_around_now()), line
