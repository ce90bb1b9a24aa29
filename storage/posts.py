"""Published posts, out as `PostRecord` core values."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from bot.core.model import PostRecord
from storage.tables import PostRow


def posts_published(
    session: Session, team_id: str, start: datetime, end: datetime
) -> list[PostRecord]:
    """The team's posts published from `start` (included) to `end` (excluded)."""
    rows = session.exec(
        select(PostRow).where(
            PostRow.team_id == team_id, PostRow.published_at >= start, PostRow.published_at < end
        )
    )
    return [
        PostRecord(
            external_id=r.external_id,
            platform=r.platform,
            published_at=r.published_at,
            permalink=r.permalink,
            title=r.title,
            impressions=r.impressions,
            reach=r.reach,
            reactions=r.reactions,
            comments=r.comments,
            shares=r.shares,
            saves=r.saves,
            clicks=r.clicks,
            link_clicks=r.link_clicks,
            outcomes=r.outcomes,
        )
        for r in rows
    ]
