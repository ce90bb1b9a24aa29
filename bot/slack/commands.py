"""`/impact`: ack within Slack's 3 seconds, then do the work in a lazy listener.

The ack function only parses (pure) and answers what needs no I/O: help and usage errors
(and opens the goal and connect forms, whose trigger_id expires in 3 seconds).
Everything that reads the database or calls Slack runs in `run`, after the ack, and
answers through `respond` (the command's response_url).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.bootstrap import Runtime
from bot.chart import render_chart
from bot.core import commands as cmd
from bot.core import hints
from bot.core.blocks import render_digest
from bot.core.connect_links import no_login_note, render_login_link
from bot.core.errors import UsageError
from bot.core.goals import Refusal
from bot.core.periods import last_complete_week
from bot.core.replies import (
    connect_modal,
    goal_modal,
    render_connections,
    render_goal_list,
    render_goal_stored,
    render_help,
    render_metrics,
    render_refusal,
    render_schedule,
    render_settings,
    render_status,
    render_sync,
    render_usage_error,
)
from bot.services.connections import list_connections
from bot.services.digest import build_digest
from bot.services.goals import add_goal, list_goals
from bot.services.metrics import metrics_summary
from bot.services.platform_connect import login_configured, start_login
from bot.services.posting import post_digest
from bot.services.schedules import clear_schedule, get_schedule, set_schedule
from bot.services.sync import sync_team
from bot.services.team_settings import get_settings, update_settings
from bot.services.teams import touch_team
from bot.slack.identity import team_of
from bot.slack.respond import KeepAliveRespond
from integrations.registry import CONNECTORS, CREDENTIAL_FIELDS, OPTIONAL_FIELDS

log = logging.getLogger(__name__)


def register(app: App, runtime: Runtime) -> None:
    def ack_command(ack: Ack, command: dict[str, Any], client: WebClient) -> None:
        try:
            request = cmd.parse_command(command.get("text", ""))
        except UsageError as err:
            ack(**render_usage_error(err.for_user()))
            return
        if isinstance(request, cmd.Help):
            ack(**render_help(request.topic))
        elif isinstance(request, cmd.GoalAdd) and not request.text:
            ack()
            # trigger_id lives 3 seconds: open the form before anything slow
            client.views_open(
                trigger_id=command["trigger_id"],
                view=goal_modal(channel_id=command.get("channel_id", "")),
            )
        elif token_form(request):
            ack()
            client.views_open(
                trigger_id=command["trigger_id"],
                view=connect_modal(
                    request.source,
                    CREDENTIAL_FIELDS[request.source],
                    command.get("channel_id", ""),
                    "" if request.with_token else no_login_note(request.source),
                    OPTIONAL_FIELDS[request.source],
                ),
            )
        else:
            ack()

    def run(
        respond: Respond, command: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        request = cmd.parse_command(command.get("text", ""))  # valid: `needs_work` checked it
        team_id = team_of(context)
        # one kept-alive connection per thread, not a new one for every answer
        reply: Callable[..., Any] = (
            KeepAliveRespond(command["response_url"], timeout=runtime.settings.http_timeout_seconds)
            if command.get("response_url")
            else respond
        )
        try:
            answer(runtime, request, reply, client, team_id, command)
        except UsageError as err:
            reply(**render_usage_error(err.for_user()), response_type="ephemeral")

    def token_form(request: cmd.Request) -> bool:
        """`connect <source>` opens the token form unless the source connects by logging in
        (then `run` answers with the login link); `connect <source> token` always does."""
        return (
            isinstance(request, cmd.Connect)
            and request.source in CREDENTIAL_FIELDS
            and (request.with_token or not login_configured(runtime, request.source))
        )

    def needs_work(command: dict[str, Any]) -> bool:
        """Help, usage errors and the bare form are answered in the ack: no lazy thread."""
        try:
            request = cmd.parse_command(command.get("text", ""))
        except UsageError:
            return False
        answered_in_ack = (
            isinstance(request, cmd.Help)
            or (isinstance(request, cmd.GoalAdd) and not request.text)
            or token_form(request)
        )
        return not answered_in_ack

    app.command("/impact", matchers=[needs_work])(ack=ack_command, lazy=[run])
    app.command("/impact")(ack_command)


def answer(
    runtime: Runtime,
    request: cmd.Request,
    respond: Callable[..., Any],
    client: WebClient,
    team_id: str,
    command: dict[str, Any],
) -> None:
    """Carry out one parsed command for one team and channel, and respond."""
    engine = runtime.engine
    channel = command.get("channel_id", "")
    user = command.get("user_id")
    today = touch_team(engine, team_id, command.get("team_domain", ""))
    if isinstance(request, cmd.Status):
        goals = list_goals(engine, team_id, channel, today=today)
        week = last_complete_week(today)
        built = build_digest(engine, team_id=team_id, channel_id=channel, week=week)
        respond(**render_status(goals, built), response_type="ephemeral")
    elif isinstance(request, cmd.Metrics):
        report = metrics_summary(engine, team_id, request.platform, request.period, today)
        respond(**render_metrics(report), response_type="ephemeral")
    elif isinstance(request, cmd.Goals):
        respond(
            **render_goal_list(list_goals(engine, team_id, channel, today=today)),
            response_type="ephemeral",
        )
    elif isinstance(request, cmd.GoalAdd):
        result = add_goal(
            engine,
            team_id=team_id,
            channel_id=channel,
            text=request.text,
            user_id=user,
            today=today,
        )
        if isinstance(result, Refusal):
            respond(**render_refusal(result), response_type="ephemeral")
        else:
            respond(**render_goal_stored(result.line, result.baseline), response_type="ephemeral")
    elif isinstance(request, cmd.DigestPreview):
        week = last_complete_week(today)
        digest = build_digest(engine, team_id=team_id, channel_id=channel, week=week)
        if request.post:
            post_digest(client, channel_id=channel, digest=digest, chart_png=render_chart(digest))
            respond(
                text=f"Posted the digest of {digest.label} to this channel.",
                response_type="ephemeral",
            )
        else:
            respond(**render_digest(digest), response_type="ephemeral")
    elif isinstance(request, cmd.ScheduleShow):
        info = get_schedule(engine, team_id, channel)
        respond(**render_schedule(info.describe() if info else None), response_type="ephemeral")
    elif isinstance(request, cmd.ScheduleOff):
        stopped = clear_schedule(engine, team_id, channel)
        text = (
            "Weekly digest stopped in this channel."
            if stopped
            else "There was no weekly digest here."
        )
        respond(text=text, response_type="ephemeral")
    elif isinstance(request, cmd.ScheduleSet):
        timezone = request.timezone or _user_timezone(client, user)
        info = set_schedule(
            engine,
            team_id=team_id,
            channel_id=channel,
            weekday=request.weekday,
            hour=request.hour,
            minute=request.minute,
            timezone=timezone,
            quiet=request.quiet,
            user_id=user,
        )
        respond(**render_schedule(info.describe()), response_type="ephemeral")
    elif isinstance(request, cmd.Connect):
        if request.source is None:
            respond(
                **render_connections(list_connections(engine, team_id), team_id),
                response_type="ephemeral",
            )
        elif login_configured(runtime, request.source):
            link = start_login(
                runtime,
                request.source,
                team_id=team_id,
                user_id=user,
                channel_id=channel or None,
                response_url=command.get("response_url"),
            )
            respond(**render_login_link(request.source, link), response_type="ephemeral")
        else:
            respond(text=_connect_instructions(request.source, team_id), response_type="ephemeral")
    elif isinstance(request, cmd.TeamSettings):
        changes = request.changes
        view = (
            update_settings(engine, team_id, request) if changes else get_settings(engine, team_id)
        )
        respond(**render_settings(view, list(changes)), response_type="ephemeral")
    elif isinstance(request, cmd.Sync):
        reports = sync_team(runtime, team_id, today=today, source=request.source)
        respond(
            **render_sync(
                [(r.name, r.status, r.points, r.error) for r in reports],
                hints.nothing_to_sync(request.source, CONNECTORS, team_id),
            ),
            response_type="ephemeral",
        )


def _user_timezone(client: WebClient, user: str | None) -> str:
    if not user:
        return "UTC"
    try:
        return client.users_info(user=user)["user"].get("tz") or "UTC"
    except Exception:  # no users:read, or Slack is down: fall back, the reply says which zone
        log.warning("slack.users_info_failed")
        return "UTC"


def _connect_instructions(source: str, team_id: str) -> str:
    if source == "webhook":
        return hints.webhook_instructions(team_id)
    return hints.sentence(hints.source_hint(source, CONNECTORS, team_id))
