"""`impact export`: a team's stored points or posts as rows of the CSV import format, so that
exporting one team and importing the file into another gives the same points.

Each connection becomes one account name: its display name, or when two connections of the
team share a name (in any case, as the import matches names), the later ones get their
source and id added, so the import never merges what were two connections.
"""

from __future__ import annotations

from collections.abc import Iterator

from bot.core import catalogue, csvrows
from bot.core.model import ConnectionState, DateRange
from storage.connections import connection_states
from storage.db import Engine, session_scope
from storage.exports import point_rows, post_rows
from storage.metrics import custom_kinds

METRICS_HEADER = [*csvrows.METRIC_COLUMNS, "kind"]
POSTS_HEADER = list(csvrows.POST_COLUMNS)


def account_names(connections: list[ConnectionState]) -> dict[int, str]:
    """Connection id -> a name unique among the team's connections, ignoring case."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    for c in connections:
        name = (c.display_name or c.external_id).strip() or c.external_id
        if name.casefold() in taken:
            name = f"{name} ({c.source} {c.external_id})"
        while name.casefold() in taken:
            name = f"{name} #{c.id}"
        taken.add(name.casefold())
        names[c.id] = name
    return names


def export_metrics(engine: Engine, team_id: str, days: DateRange | None) -> Iterator[list[str]]:
    """The header, then one row per stored point (inside `days` when given). Catalogued
    metrics leave `kind` empty; other names carry the kind the team declared (`outcome` for
    names a webhook brought without one)."""
    with session_scope(engine) as session:
        names = account_names(connection_states(session, team_id))
        declared = custom_kinds(session, team_id)
        yield METRICS_HEADER
        for day, connection_id, metric, platform, value in point_rows(session, team_id, days):
            kind = "" if metric in catalogue.METRICS else declared.get(metric, "outcome")
            yield csvrows.metric_fields(
                day, platform, names[connection_id], metric, value, str(kind)
            )


def export_posts(engine: Engine, team_id: str, days: DateRange | None) -> Iterator[list[str]]:
    """The header, then one row per stored post published inside `days` (when given)."""
    with session_scope(engine) as session:
        names = account_names(connection_states(session, team_id))
        yield POSTS_HEADER
        for connection_id, post in post_rows(session, team_id, days):
            yield csvrows.post_fields(names[connection_id], post)
