"""`impact export`: the stored points (or posts) as CSV in the import format; exporting one
team and importing the file into another gives the same points."""

from __future__ import annotations

import sqlite3

HEADER = "date,platform,account,metric,value,kind\n"
ROWS = (
    "2026-11-09,instagram,IG-Main,likes,120,\n"
    "2026-11-10,IG,ig-main,comments,14,\n"  # same account in another case
    '2026-11-09,instagram,"Shop, Ltd ""EU""",revenue,-40.5,\n'  # comma and quotes
    "2026-11-09,,Shop · Zürich,refunds,-3.25,\n"  # unattributed money, non-ASCII name
    "2026-11-09,,ga4-main,signups,7,\n"  # unattributed outcome
    "2026-11-09,linkedin,ga4-main,signups,4,\n"
    "2026-11-10,,crm,volunteer hours,12.5,outcome\n"  # custom outcome
    "2026-11-10,,crm,pledged,-250,money\n"  # custom money, negative
    "2026-11-11,instagram,ig-main,story taps,0.1,engagement\n"  # custom engagement
    "2026-11-11,facebook,ads,spend,-12.75,cost\n"  # negative spend
    "2026-11-12,facebook,ads,impressions,1234567890123,\n"
)


def points(impact, team: str) -> list[tuple]:
    with sqlite3.connect(impact.db) as db:
        return db.execute(
            "SELECT c.display_name, p.platform, p.metric, p.day, p.value FROM metric_points p "
            "JOIN connections c ON c.id = p.connection_id WHERE p.team_id = ? ORDER BY 1, 2, 3, 4",
            (team,),
        ).fetchall()


def save(impact, name: str, text: str) -> str:
    path = impact.folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_export_then_import_into_another_team_gives_the_same_points(impact):
    assert impact("import", save(impact, "in.csv", HEADER + ROWS), "--team", "T1").code == 0
    first = impact("export", "--team", "T1")
    assert first.code == 0, first.both
    assert first.out.splitlines()[0] == HEADER.strip()
    assert "2026-11-10,,crm,pledged,-250,money" in first.out
    assert "2026-11-11,instagram,IG-Main,story_taps,0.1,engagement" in first.out
    assert '"Shop, Ltd ""EU"""' in first.out
    imported = impact("import", save(impact, "t1.csv", first.out), "--team", "T2")
    assert imported.code == 0 and "11 new" in imported.out, imported.both
    assert points(impact, "T2") == points(impact, "T1") and len(points(impact, "T1")) == 11
    assert impact("export", "--team", "T2").out == first.out


def test_since_until_and_an_empty_range(impact):
    impact("import", save(impact, "in.csv", HEADER + ROWS), "--team", "T1")
    ranged = impact("export", "--team", "T1", "--since", "2026-11-10", "--until", "2026-11-11")
    days = {line.split(",")[0] for line in ranged.out.splitlines()[1:]}
    assert days == {"2026-11-10", "2026-11-11"}
    empty = impact("export", "--team", "T1", "--since", "2027-01-01")
    assert empty.code == 1 and empty.out == ""
    assert "no metric points for team T1 from 2027-01-01. Load some with" in empty.err
    backwards = impact("export", "--team", "T1", "--since", "2026-11-12", "--until", "2026-11-01")
    assert backwards.code == 2 and "--since is after --until" in backwards.err


def test_the_demo_team_round_trips_points_and_posts(impact):
    impact("demo", "--today", "2026-11-23")
    env = {"DATABASE_URL": f"sqlite:///{impact.folder / 'impact-demo' / 'demo.db'}"}
    for flag, what in (((), "metric rows"), (("--posts",), "posts")):
        exported = impact("export", "--team", "T0DEMO", *flag, **env)
        assert exported.code == 0, exported.both
        path = save(impact, f"demo{len(flag)}.csv", exported.out)
        imported = impact("import", path, "--team", "T2", **env)
        assert imported.code == 0 and f" {what} for " in imported.out, imported.both
        assert impact("export", "--team", "T2", *flag, **env).out == exported.out
