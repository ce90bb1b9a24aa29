"""Load the demo source into a database: one team, its connections, points and posts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from integrations import demo
from storage import teams
from storage.connections import ensure_connection, mark_synced
from storage.db import Engine, session_scope
from storage.metrics import store_points, store_posts

TEAM_ID = "T0DEMO"
CHANNEL_ID = "C0DEMO"
TEAM_NAME = "Demo Team"
TIMEZONE = "Europe/Berlin"


@dataclass(frozen=True, slots=True)
class DemoInfo:
    team_id: str
    channel_id: str
    start: date
    end: date
    points: int
    posts: int
    accounts: int


def load_demo(engine: Engine, today: date, seed: int = 7) -> DemoInfo:
    """Replace the demo team's data with freshly generated data, in one transaction."""
    data = demo.generate(today, seed)
    points = posts = 0
    with session_scope(engine) as session:
        teams.ensure(session, TEAM_ID, TEAM_NAME, TIMEZONE)
        teams.forget_data(session, TEAM_ID)
        for account in data.accounts:
            connection_id = ensure_connection(
                session,
                TEAM_ID,
                account.source,
                account.external_id,
                platform=account.platform,
                display_name=account.display_name,
            )
            mark_synced(session, connection_id)
            points += store_points(session, connection_id, data.points.get(account.external_id, []))
            posts += store_posts(session, connection_id, data.posts.get(account.external_id, []))
    return DemoInfo(TEAM_ID, CHANNEL_ID, data.start, data.end, points, posts, len(data.accounts))
