"""Bulk upserts: new rows inserted, changed rows updated, identical rows left alone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func
from sqlmodel import select

from bot.core.model import MetricPoint, PostRecord
from storage.db import session_scope
from storage.metrics import ensure_team, get_or_create_connection, upsert_points, upsert_posts
from storage.tables import MetricPointRow, PostRow


def _points(engine):
    with session_scope(engine) as s:
        rows = s.exec(
            select(MetricPointRow).order_by(
                MetricPointRow.metric, MetricPointRow.platform, MetricPointRow.day
            )
        )
        return [(r.metric, r.platform, r.day, r.value) for r in rows]


def test_upsert_points_inserts_updates_and_attributes(engine):
    day = date(2026, 11, 9)
    with session_scope(engine) as s:
        ensure_team(s, "T1")
        ig = get_or_create_connection(s, "T1", "csv", "ig-main", platform="instagram")
        ga = get_or_create_connection(s, "T1", "csv", "ga4-main", platform=None)
        upsert_points(s, ig, [MetricPoint("reactions", day, 10)])
        upsert_points(
            s, ga, [MetricPoint("signups", day, 3, "instagram"), MetricPoint("signups", day, 2)]
        )
    assert _points(engine) == [
        ("reactions", "instagram", day, 10.0),
        ("signups", "", day, 2.0),  # unattributed outcome
        ("signups", "instagram", day, 3.0),
    ]
    with session_scope(engine) as s:
        ig = get_or_create_connection(s, "T1", "csv", "ig-main", platform="instagram")
        upsert_points(s, ig, [MetricPoint("reactions", day, 12)])
    assert _points(engine)[0] == ("reactions", "instagram", day, 12.0)
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(MetricPointRow)).one() == 3


def test_upsert_posts_updates_lifetime_metrics(engine):
    published = datetime(2026, 11, 10, 12, tzinfo=UTC)
    post = PostRecord("p1", "instagram", published, "https://instagram.com/p/1", reactions=5)
    with session_scope(engine) as s:
        ensure_team(s, "T1")
        ig = get_or_create_connection(s, "T1", "csv", "ig-main", platform="instagram")
        upsert_posts(s, ig, [post])
        upsert_posts(s, ig, [PostRecord("p1", "instagram", published, reactions=9, comments=2)])
    with session_scope(engine) as s:
        rows = s.exec(select(PostRow)).all()
        assert [(r.external_id, r.reactions, r.comments) for r in rows] == [("p1", 9, 2)]
        assert rows[0].published_at == published
