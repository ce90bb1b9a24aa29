"""Buttons and the goal form: Undo, Edit, Delete, and the modal's submission."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.bootstrap import Runtime
from bot.core.errors import ImpactError
from bot.core.goals import Refusal, parse_goal
from bot.core.replies import goal_modal, notice_modal, render_goal_list, render_goal_stored
from bot.services.connections import connect
from bot.services.digest import today_in
from bot.services.goals import add_goal, delete_goal, list_goals
from bot.services.teams import touch_team
from integrations.base import ConnectorError
from storage.db import session_scope
from storage.tables import Goal


def _goal_text(runtime: Runtime, team_id: str, goal_id: int) -> tuple[str, str] | None:
    with session_scope(runtime.engine) as session:
        goal = session.get(Goal, goal_id)
        if goal is None or goal.team_id != team_id or goal.deleted_at is not None:
            return None
        return goal.source_text, goal.channel_id


def register(app: App, runtime: Runtime) -> None:
    @app.action("goal_undo")
    def undo(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        goal_id = int(body["actions"][0]["value"])
        removed = delete_goal(runtime.engine, context.team_id or "", goal_id)
        text = "Undone: the goal is removed." if removed else "That goal was already removed."
        respond(text=text, replace_original=True)

    @app.action("goal_menu")
    def menu(
        ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext, client: WebClient
    ) -> None:
        ack()
        verb, _, raw_id = body["actions"][0]["selected_option"]["value"].partition(":")
        team_id, goal_id = context.team_id or "", int(raw_id)
        if verb == "edit":
            found = _goal_text(runtime, team_id, goal_id)
            if found is None:
                respond(text="That goal no longer exists.", replace_original=False)
                return
            client.views_open(
                trigger_id=body["trigger_id"], view=goal_modal(goal_id, found[0], found[1])
            )
            return
        delete_goal(runtime.engine, team_id, goal_id)
        channel = (body.get("channel") or {}).get("id")
        today = today_in(runtime.engine, team_id, datetime.now(UTC))
        respond(
            **render_goal_list(list_goals(runtime.engine, team_id, channel, today=today)),
            replace_original=True,
        )

    def _goal_text(view: dict[str, Any]) -> str:
        return view["state"]["values"]["goal"]["text"]["value"] or ""

    def _today(team_id: str) -> Any:
        return today_in(runtime.engine, team_id, datetime.now(UTC))

    def ack_goal(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext
    ) -> None:
        """The grammar is pure and fast: refusals go back in the ack, nothing is stored."""
        team_id = context.team_id or body.get("team", {}).get("id", "")
        parsed = parse_goal(_goal_text(view), _today(team_id))
        if isinstance(parsed, Refusal):
            ack(response_action="errors", errors={"goal": parsed.message()[:2000]})
        else:
            ack()

    def store_goal(
        body: dict[str, Any], view: dict[str, Any], context: BoltContext, client: WebClient
    ) -> None:
        team_id = context.team_id or body.get("team", {}).get("id", "")
        text, today = _goal_text(view), _today(team_id)
        if isinstance(parse_goal(text, today), Refusal):
            return  # refused in the ack
        raw_id, _, channel = view.get("private_metadata", "").partition("|")
        touch_team(runtime.engine, team_id)
        if raw_id:
            delete_goal(runtime.engine, team_id, int(raw_id))
        result = add_goal(
            runtime.engine,
            team_id=team_id,
            channel_id=channel,
            text=text,
            user_id=body["user"]["id"],
            today=today,
        )
        if channel and not isinstance(result, Refusal):
            client.chat_postEphemeral(
                channel=channel,
                user=body["user"]["id"],
                **render_goal_stored(result.line, result.baseline),
            )

    app.view("goal_modal")(ack=ack_goal, lazy=[store_goal])

    def _connect_values(view: dict[str, Any]) -> dict[str, str]:
        return {
            name: (block.get("value", {}).get("value") or "").strip()
            for name, block in view["state"]["values"].items()
        }

    def ack_connect(ack: Ack, view: dict[str, Any]) -> None:
        source = view.get("private_metadata", "").partition("|")[0]
        missing = [name for name, value in _connect_values(view).items() if not value]
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
        values = _connect_values(view)
        if not all(values.values()):
            return  # answered in the ack with the missing fields
        source = view.get("private_metadata", "").partition("|")[0]
        team_id = context.team_id or body.get("team", {}).get("id", "")
        try:
            info = connect(runtime, team_id, source, values)
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

    @app.action("home_add_goal")
    def home_add(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=goal_modal())

    @app.action("home_sync")
    def home_sync(ack: Ack) -> None:
        ack()
