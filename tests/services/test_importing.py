"""CSV import through the service: all or nothing, idempotent, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from bot.core.errors import UsageError
from bot.services.importing import import_csv
from storage.db import session_scope
from storage.tables import Connection, CustomMetric, MetricPointRow, PostRow

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "csv"


def snapshot(engine):
    with session_scope(engine) as s:
        points = s.exec(select(MetricPointRow)).all()
        posts = s.exec(select(PostRow)).all()
        return (
            sorted((p.connection_id, p.metric, p.platform, p.day, p.value) for p in points),
            sorted((p.external_id, p.reactions, p.link_clicks) for p in posts),
        )


def test_good_file_imports_everything_with_attribution(engine):
    report = import_csv(engine, FIXTURES / "metrics_good.csv", "T1")
    assert report.ok and report.rows == 9 and report.new == 9
    assert report.accounts == {"ig-main", "li-page", "ga4-main"}
    assert "Imported 9 metric rows for 3 accounts: 9 new" in report.summary()
    with session_scope(engine) as s:
        connections = {c.external_id: c.platform for c in s.exec(select(Connection))}
        signups = {
            (p.platform, p.value)
            for p in s.exec(select(MetricPointRow).where(MetricPointRow.metric == "signups"))
        }
        custom = s.exec(select(CustomMetric)).one()
    assert connections == {"ig-main": "instagram", "li-page": "linkedin", "ga4-main": None}
    assert signups == {("instagram", 5.0), ("", 7.0), ("linkedin", 4.0)}
    assert (custom.name, custom.kind) == ("volunteer_hours", "outcome")


def test_reimport_changes_nothing(engine):
    import_csv(engine, FIXTURES / "metrics_good.csv", "T1")
    before = snapshot(engine)
    again = import_csv(engine, FIXTURES / "metrics_good.csv", "T1")
    assert again.ok and again.new == 0 and again.changed == 0 and again.unchanged == 9
    assert snapshot(engine) == before


def test_changed_value_is_updated_and_counted(engine, tmp_path):
    import_csv(engine, FIXTURES / "metrics_good.csv", "T1")
    edited = tmp_path / "edited.csv"
    edited.write_text(
        (FIXTURES / "metrics_good.csv").read_text().replace("reactions,120", "reactions,125")
    )
    report = import_csv(engine, edited, "T1")
    assert (report.new, report.changed) == (0, 1)
    assert (1, "reactions", "instagram") in {r[:3] for r in snapshot(engine)[0]}
    assert 125.0 in {r[4] for r in snapshot(engine)[0]}


def test_bad_rows_are_each_reported_and_nothing_is_written(engine):
    report = import_csv(engine, FIXTURES / "metrics_bad.csv", "T1")
    assert not report.ok
    assert [e.line for e in report.errors] == [3, 4, 5, 6, 7, 8, 9]
    text = report.summary()
    assert text.startswith("Nothing imported: 7 bad rows.")
    assert "line 8: reactions for ig-main on 2026-11-09 appears twice" in text
    assert "line 9: account 'ig-main' already has instagram rows" in text
    assert snapshot(engine) == ([], [])
    with session_scope(engine) as s:
        assert s.exec(select(Connection)).all() == []


def test_posts_file_and_reimport(engine):
    first = import_csv(engine, FIXTURES / "posts_good.csv", "T1")
    assert first.ok and first.kind == "posts" and first.new == 2
    assert snapshot(engine)[1] == [("p-1", 410, 0), ("p-2", 80, 31)]
    again = import_csv(engine, FIXTURES / "posts_good.csv", "T1")
    assert (again.new, again.changed) == (0, 0)


def test_unknown_header_and_missing_file_are_refused(engine, tmp_path):
    odd = tmp_path / "odd.csv"
    odd.write_text("when,what\n2026-11-09,5\n")
    with pytest.raises(UsageError, match="not one Impact reads"):
        import_csv(engine, odd, "T1")
    with pytest.raises(UsageError, match="does not exist"):
        import_csv(engine, tmp_path / "nope.csv", "T1")


@pytest.mark.parametrize("cap", [8_000_000, 100])
def test_repeated_points_are_caught_in_any_order(engine, tmp_path, monkeypatch, cap):
    """Out-of-date-order files and many dates; with a small cap the seen values move from
    lists to dicts part-way, and duplicates are still caught either way."""
    import bot.services.importing as importing

    monkeypatch.setattr(importing._SeenValues, "CAP", cap)
    lines = ["date,platform,account,metric,value"]
    for day in range(300, 0, -1):  # newest first
        lines.append(f"2025-{1 + day % 12:02d}-{1 + day % 28:02d},instagram,ig,reach,{day % 28}")
    path = tmp_path / "many.csv"
    path.write_text("\n".join(lines) + "\n")
    report = import_csv(engine, path, "T1")
    assert report.ok, report.summary()  # same date and value again: written once
    assert report.rows == 300 and report.new == len({line.split(",")[0] for line in lines[1:]})
    path.write_text("\n".join([*lines, "2025-01-01,instagram,ig,reach,999"]) + "\n")
    again = import_csv(engine, path, "T2")
    assert [e.line for e in again.errors] == [302]
    assert "appears twice with different values" in again.summary()


def test_case_insensitive_accounts_money_and_one_point_spelled_twice(engine, tmp_path):
    """On both backends: PostgreSQL refuses an upsert batch that touches a row twice, so
    two spellings of one point must be caught before they reach it."""
    path = tmp_path / "m.csv"
    path.write_text(
        "date,platform,account,metric,value,kind\n"
        "2026-11-09,instagram,IG-Main,likes,120,\n"
        "2026-11-09,IG,ig-main,reactions,120,engagement\n"  # the same point, same value
        "2026-11-09,,Shop,revenue,-40.5,money\n"
        "2026-11-09,,shop,pledged,-3,money\n"
    )
    report = import_csv(engine, path, "T1")
    assert report.ok and report.new == 3, report.summary()
    with session_scope(engine) as s:
        names = sorted(c.external_id for c in s.exec(select(Connection)))
        values = sorted(p.value for p in s.exec(select(MetricPointRow)))
    assert names == ["IG-Main", "Shop"] and values == [-40.5, -3.0, 120.0]
    path.write_text(
        "date,platform,account,metric,value\n"
        "2026-11-10,instagram,ig-main,likes,1\n"
        "2026-11-10,instagram,IG-MAIN,likes,2\n"
    )
    twice = import_csv(engine, path, "T1")
    assert not twice.ok and "appears twice with different values" in str(twice.errors[0])
