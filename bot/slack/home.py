"""App Home: the team's goals with status, connections with health, schedules, actions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.bootstrap import Runtime
from bot.core.replies import render_home
from bot.services.connections import list_connections
from bot.services.digest import today_in
from bot.services.goals import list_goals
from bot.services.schedules import list_schedules


def register(app: App, runtime: Runtime) -> None:
    def ack_event(ack: Any) -> None:
        ack()

    def publish(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab") != "home":
            return
        team_id = context.team_id or ""
        today = today_in(runtime.engine, team_id, datetime.now(UTC))
        view = render_home(
            list_goals(runtime.engine, team_id, today=today),
            list_connections(runtime.engine, team_id),
            [(s.channel_id, s.describe()) for s in list_schedules(runtime.engine, team_id)],
        )
        client.views_publish(user_id=event["user"], view=view)

    app.event("app_home_opened")(ack=ack_event, lazy=[publish])
