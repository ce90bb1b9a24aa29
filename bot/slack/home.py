"""App Home: the team's goals with status, connections with health, the schedules, and the
common actions: add a goal (in a channel picked in the form), set or stop a channel's weekly
digest, sync now. Every change publishes the tab again, so it never shows stale state."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot.bootstrap import Runtime
from bot.core import hints
from bot.core.blocks import context as context_block
from bot.core.commands import parse_time
from bot.core.errors import UsageError
from bot.core.periods import zone
from bot.core.replies import goal_modal, render_home, render_sync, schedule_modal
from bot.services.connections import list_connections
from bot.services.digest import today_in
from bot.services.goals import list_goals
from bot.services.schedules import clear_schedule, list_schedules, set_schedule
from bot.services.sync import sync_team
from bot.slack.identity import team_of
from integrations.registry import CONNECTORS

log = logging.getLogger(__name__)


def publish_home(
    runtime: Runtime,
    client: WebClient,
    team_id: str,
    user_id: str,
    page: int = 0,
    notice: Sequence[dict[str, Any]] = (),
) -> None:
    """Publish the Home tab of `user_id` as it is now (goals page `page`)."""
    today = today_in(runtime.engine, team_id, datetime.now(UTC))
    view = render_home(
        list_goals(runtime.engine, team_id, today=today),
        list_connections(runtime.engine, team_id),
        [(s.channel_id, s.describe()) for s in list_schedules(runtime.engine, team_id)],
        page=page,
        notice=notice,
        team_id=team_id,
    )
    client.views_publish(user_id=user_id, view=view)


def schedule_form(view: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The schedule form's values as `set_schedule` takes them, and the errors by block id
    (empty when it is fine). The time zone is '' when left empty: the user's is used."""
    values = view["state"]["values"]

    def picked(block: str, key: str) -> Any:
        return (values.get(block, {}).get("value") or {}).get(key)

    channel = picked("channel", "selected_conversation") or ""
    day = (picked("day", "selected_option") or {}).get("value", "")
    when = parse_time(picked("time", "selected_time") or "")
    timezone = (picked("timezone", "value") or "").strip()
    errors = {}
    if not channel:
        errors["channel"] = "Pick the channel the digest goes to."
    if not day.isdigit() or not 0 <= int(day) <= 6:
        errors["day"] = "Pick a day of the week."
    if when is None:
        errors["time"] = "Pick a time, e.g. 09:00."
    if timezone:
        try:
            zone(timezone)
        except UsageError as err:
            errors["timezone"] = err.for_user()
    form = {
        "channel_id": channel,
        "weekday": int(day) if day.isdigit() else 0,
        "hour": when[0] if when else 0,
        "minute": when[1] if when else 0,
        "timezone": timezone,
    }
    return form, errors


def _user_timezone(client: WebClient, user: str) -> str:
    try:
        return client.users_info(user=user)["user"].get("tz") or "UTC"
    except Exception:  # no users:read, or Slack is down: the tab says which zone was used
        log.warning("slack.users_info_failed")
        return "UTC"


def register(app: App, runtime: Runtime) -> None:
    def ack_only(ack: Ack) -> None:
        ack()

    def opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab") == "home":
            publish_home(runtime, client, team_of(context), event["user"])

    app.event("app_home_opened")(ack=ack_only, lazy=[opened])

    def turn_page(body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        page = int(body["actions"][0]["value"])
        publish_home(runtime, client, team_of(context), body["user"]["id"], page)

    app.action(re.compile(r"^home_goals_(prev|next)$"))(ack=ack_only, lazy=[turn_page])

    @app.action("home_add_goal")
    def add_goal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=goal_modal(origin="home"))

    def sync_now(body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        """After the ack: say it started, sync every connection, then show how it went."""
        team_id, user = team_of(context), body["user"]["id"]
        publish_home(runtime, client, team_id, user, notice=[context_block(":hourglass: Syncing…")])
        today = today_in(runtime.engine, team_id, datetime.now(UTC))
        reports = sync_team(runtime, team_id, today=today)
        done = render_sync(
            [(r.name, r.status, r.points, r.error) for r in reports],
            hints.nothing_to_sync(None, CONNECTORS, team_id),
        )
        publish_home(runtime, client, team_id, user, notice=done["blocks"])

    app.action("home_sync")(ack=ack_only, lazy=[sync_now])

    @app.action("home_schedule")
    def open_schedule(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=schedule_modal())

    def ack_schedule(ack: Ack, view: dict[str, Any]) -> None:
        _, errors = schedule_form(view)
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()

    def save_schedule(
        body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        form, errors = schedule_form(view)
        if errors:
            return  # answered in the ack
        team_id, user = team_of(context), body["user"]["id"]
        timezone = form.pop("timezone") or _user_timezone(client, user)
        info = set_schedule(
            runtime.engine, team_id=team_id, timezone=timezone, user_id=user, **form
        )
        notice = context_block(f"Weekly digest in <#{info.channel_id}>: {info.describe()}.")
        publish_home(runtime, client, team_id, user, notice=[notice])

    app.view("schedule_modal")(ack=ack_schedule, lazy=[save_schedule])

    def stop_schedule(body: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        team_id, channel = team_of(context), body["actions"][0]["value"]
        stopped = clear_schedule(runtime.engine, team_id, channel)
        text = (
            f"Weekly digest in <#{channel}> stopped."
            if stopped
            else f"<#{channel}> had no weekly digest any more."
        )
        publish_home(runtime, client, team_id, body["user"]["id"], notice=[context_block(text)])

    app.action("home_schedule_stop")(ack=ack_only, lazy=[stop_schedule])
