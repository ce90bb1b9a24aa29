"""Export through the service on SQLite and PostgreSQL: import, export, import elsewhere."""

from __future__ import annotations

import csv
from datetime import date

from bot.core.model import DateRange
from bot.services.exporting import export_metrics, export_posts
from bot.services.importing import import_csv

METRICS = (
    "date,platform,account,metric,value,kind\n"
    "2026-11-09,instagram,IG-Main,likes,120,\n"
    "2026-11-09,,ga4-main,signups,7,\n"
    "2026-11-10,,crm,pledged,-250.75,money\n"
    "2026-11-11,facebook,ads,spend,-12,cost\n"
)
POSTS = (
    "post_id,platform,account,published_at,permalink,impressions,reach,reactions,comments,"
    "shares,saves,clicks,link_clicks\n"
    "p1,instagram,IG-Main,2026-11-09T14:30:00Z,https://example.org/p1,100,80,12,3,1,0,5,2\n"
)


def write(path, rows) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def test_round_trip_on_each_backend(engine, tmp_path):
    (tmp_path / "m.csv").write_text(METRICS)
    (tmp_path / "p.csv").write_text(POSTS)
    assert import_csv(engine, tmp_path / "m.csv", "T1").ok
    assert import_csv(engine, tmp_path / "p.csv", "T1").ok
    for export, name in ((export_metrics, "m1.csv"), (export_posts, "p1.csv")):
        first = list(export(engine, "T1", None))
        write(tmp_path / name, first)
        assert import_csv(engine, tmp_path / name, "T2").ok
        assert list(export(engine, "T2", None)) == first
    assert [r[0] for r in export_metrics(engine, "T1", DateRange(date(2026, 11, 10), date.max))][
        1:
    ] == ["2026-11-10", "2026-11-11"]
    assert "".join(",".join(r) + "\n" for r in export_posts(engine, "T1", None)) == POSTS
