"""Buttons and the goal form: Undo, the goal menu (Edit, Delete), Restore, paging through
`/impact goals`, and the goal and connect forms' submissions."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.bootstrap import Runtime
from bot.core.blocks import context as context_block
from bot.core.errors import ImpactError
from bot.core.goals import Refusal, parse_goal
from bot.core.replies import (
    deleted_notice,
    goal_modal,
    notice_modal,
    render_goal_list,
    render_goal_stored,
)
from bot.services.connections import connect
from bot.services.digest import today_in
from bot.services.goal_edits import edit_goal, goal_source, restore_goal
from bot.services.goals import add_goal, delete_goal, list_goals
from bot.services.teams import touch_team
from bot.slack.home import publish_home
from bot.slack.identity import team_of
from integrations.base import ConnectorError
from integrations.registry import OPTIONAL_FIELDS


def _today(runtime: Runtime, team_id: str) -> date:
    return today_in(runtime.engine, team_id, datetime.now(UTC))


def _menu_choice(value: str) -> tuple[str, int, int]:
    """`edit:12:1` -> ("edit", 12, 1): verb, goal id, the page of the list it was on (the
    page is absent from lists sent before paging existed)."""
    verb, raw_id, raw_page = ([*value.split(":"), "0"])[:3]
    return verb, int(raw_id), int(raw_page or 0)


def _goal_input(view: dict[str, Any]) -> str:
    return view["state"]["values"]["goal"]["text"]["value"] or ""


def _chosen_channel(view: dict[str, Any]) -> str:
    """The channel of the form: fixed by where it was opened, or picked in it (App Home)."""
    _, _, rest = view.get("private_metadata", "").partition("|")
    channel = rest.partition("|")[0]
    if channel:
        return channel
    picked = view["state"]["values"].get("channel", {}).get("value", {})
    return picked.get("selected_conversation") or ""


def _metadata(view: dict[str, Any]) -> tuple[int | None, str]:
    """(the goal being edited, the form's origin: 'home' or '')."""
    raw_id, _, rest = view.get("private_metadata", "").partition("|")
    origin = rest.partition("|")[2]
    return (int(raw_id) if raw_id.isdigit() else None), origin


def register(app: App, runtime: Runtime) -> None:
    @app.action("goal_undo")
    def undo(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        goal_id = int(body["actions"][0]["value"])
        removed = delete_goal(runtime.engine, team_of(context), goal_id)
        text = "Undone: the goal is removed." if removed else "That goal was already removed."
        respond(text=text, replace_original=True)

    def answer_list(
        respond: Respond, team_id: str, channel: str | None, page: int, notice: Any = ()
    ) -> None:
        goals = list_goals(runtime.engine, team_id, channel, today=_today(runtime, team_id))
        respond(**render_goal_list(goals, page, notice), replace_original=True)

    def open_edit(
        ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext, client: WebClient
    ) -> None:
        """Edit opens the form in the ack: its trigger_id lives 3 seconds. Delete is a lazy."""
        ack()
        verb, goal_id, _ = _menu_choice(body["actions"][0]["selected_option"]["value"])
        if verb != "edit":
            return
        found = goal_source(runtime.engine, team_of(context), goal_id)
        if found is None:
            respond(text="That goal no longer exists.", replace_original=False)
            return
        client.views_open(
            trigger_id=body["trigger_id"], view=goal_modal(goal_id, found[0], found[1])
        )

    def delete_from_menu(body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        verb, goal_id, page = _menu_choice(body["actions"][0]["selected_option"]["value"])
        if verb != "delete":
            return
        team_id = team_of(context)
        found = goal_source(runtime.engine, team_id, goal_id)
        delete_goal(runtime.engine, team_id, goal_id)
        channel = (body.get("channel") or {}).get("id") or (found[1] if found else None)
        notice = deleted_notice(found[0] if found else None, goal_id)
        answer_list(respond, team_id, channel, page, notice)

    app.action("goal_menu")(ack=open_edit, lazy=[delete_from_menu])

    def ack_only(ack: Ack) -> None:
        ack()

    def restore(body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        team_id = team_of(context)
        goal_id = int(body["actions"][0]["value"])
        restored = restore_goal(runtime.engine, team_id, goal_id, _today(runtime, team_id))
        channel = (body.get("channel") or {}).get("id")
        notice = [] if restored else [context_block("Nothing to undo: the goal is back already.")]
        answer_list(respond, team_id, channel, 0, notice)

    app.action("goal_restore")(ack=ack_only, lazy=[restore])

    def turn_page(body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        channel = (body.get("channel") or {}).get("id")
        answer_list(respond, team_of(context), channel, int(body["actions"][0]["value"]))

    app.action(re.compile(r"^goals_page_(prev|next)$"))(ack=ack_only, lazy=[turn_page])

    def ack_goal(ack: Ack, view: dict[str, Any], context: BoltContext) -> None:
        """The grammar is pure and fast: refusals go back in the ack, nothing is stored."""
        parsed = parse_goal(_goal_input(view), _today(runtime, team_of(context)))
        errors = {}
        if isinstance(parsed, Refusal):
            errors["goal"] = parsed.message()[:2000]
        if not _chosen_channel(view):
            errors["channel"] = "Pick the channel whose digest shows this goal."
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()

    def store_goal(
        body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        team_id, text, channel = team_of(context), _goal_input(view), _chosen_channel(view)
        today = _today(runtime, team_id)
        if isinstance(parse_goal(text, today), Refusal) or not channel:
            return  # refused in the ack
        goal_id, origin = _metadata(view)
        user = body["user"]["id"]
        touch_team(runtime.engine, team_id)
        if goal_id is not None:
            result = edit_goal(
                runtime.engine,
                team_id=team_id,
                goal_id=goal_id,
                text=text,
                today=today,
                channel_id=channel,
            )
        else:
            result = add_goal(
                runtime.engine,
                team_id=team_id,
                channel_id=channel,
                text=text,
                user_id=user,
                today=today,
            )
        if result is None:
            client.chat_postEphemeral(
                channel=channel, user=user, text="That goal no longer exists: nothing changed."
            )
        elif not isinstance(result, Refusal):
            reply = render_goal_stored(result.line, result.baseline)
            client.chat_postEphemeral(channel=channel, user=user, **reply)
        if origin == "home":
            publish_home(runtime, client, team_id, user)

    app.view("goal_modal")(ack=ack_goal, lazy=[store_goal])

    def _connect_values(view: dict[str, Any]) -> dict[str, str]:
        return {
            name: (block.get("value", {}).get("value") or "").strip()
            for name, block in view["state"]["values"].items()
        }

    def _missing(view: dict[str, Any]) -> list[str]:
        """The required fields left empty (a source's optional ones may be)."""
        optional = OPTIONAL_FIELDS.get(view.get("private_metadata", "").partition("|")[0], ())
        return [n for n, value in _connect_values(view).items() if not value and n not in optional]

    def ack_connect(ack: Ack, view: dict[str, Any]) -> None:
        source = view.get("private_metadata", "").partition("|")[0]
        missing = _missing(view)
        if missing:
            ack(response_action="errors", errors={name: "Required." for name in missing})
        else:
            ack(
                response_action="update",
                view=notice_modal("Connecting…", f"Checking with {source}…"),
            )

    def finish_connect(
        body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        """After the ack: the check calls the source, which may take longer than Slack waits."""
        if _missing(view):
            return  # answered in the ack with the missing fields
        values = {name: value for name, value in _connect_values(view).items() if value}
        source = view.get("private_metadata", "").partition("|")[0]
        try:
            info = connect(runtime, team_of(context), source, values)
        except (ConnectorError, ImpactError) as err:
            hint = err.user_hint(source) if isinstance(err, ConnectorError) else err.for_user()
            result = notice_modal(
                "Not connected", f":warning: {hint}\n_{err}_\nNothing was stored."
            )
        else:
            result = notice_modal(
                "Connected",
                f":white_check_mark: Connected *{info.name}*. `/impact sync` backfills it now; "
                "the scheduler keeps it fresh.",
            )
        client.views_update(view_id=body["view"]["id"], view=result)

    app.view("connect_modal")(ack=ack_connect, lazy=[finish_connect])

    @app.action("connect_login")
    def login_link_opened(ack: Ack) -> None:
        ack()  # the button only opens the platform's login page in the browser
