"""`impact connect`, `impact connections`, `impact sync` and `impact feed create`."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

import click

from bot.cli.base import runtime
from bot.core.freshness import FED_SOURCES, freshness_text, is_healthy
from bot.core.replies import ConnectionInfo, status_of
from bot.core.wording import plural
from bot.services.connections import connect as connect_source
from bot.services.connections import list_connections
from bot.services.digest import today_in
from bot.services.sync import SyncReport, sync_team
from bot.services.teams import list_team_ids
from bot.services.webhooks import create_feed
from integrations.base import ConnectorError
from integrations.registry import CREDENTIAL_FIELDS, OPTIONAL_FIELDS


@click.command()
@click.argument("source", type=click.Choice(sorted(CREDENTIAL_FIELDS)))
@click.option("--team", "team_id", required=True, help="Slack team id.")
@click.option(
    "--service-account",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="GA4 only: a service account JSON key file instead of a token.",
)
@click.option(
    "--key-event",
    "key_events",
    multiple=True,
    metavar="EVENT=METRIC",
    help="GA4 only: map a key event to an outcome, e.g. sign_up=signups (repeatable).",
)
@click.option(
    "--from-json",
    "from_json",
    type=click.File("r", encoding="utf-8"),
    default=None,
    metavar="FILE|-",
    help="Read the credentials as one JSON object (- for standard input) instead of asking. "
    + "Fields: "
    + "; ".join(
        f"{s}: {', '.join(f'[{f[0]}]' if f[0] in OPTIONAL_FIELDS[s] else f[0] for f in CREDENTIAL_FIELDS[s])}"
        for s in CREDENTIAL_FIELDS
    )
    + " ([field]: may be left out)",
)
def connect(
    source: str,
    team_id: str,
    service_account: Path | None,
    key_events: tuple[str, ...],
    from_json: TextIO | None,
) -> None:
    """Connect a source: checks the credentials, then stores them encrypted."""
    credentials: dict[str, object] = _read_json(from_json) if from_json is not None else {}
    if service_account is not None:
        try:
            credentials["service_account"] = json.loads(service_account.read_text("utf-8"))
        except (ValueError, OSError) as err:
            raise click.BadParameter(
                f"{service_account} is not a JSON key file ({err}): download the service "
                "account's key as JSON in Google Cloud (IAM > Service accounts > Keys).",
                param_hint="--service-account",
            ) from None
    if key_events:
        wrong = [pair for pair in key_events if "=" not in pair or not pair.split("=", 1)[1]]
        if wrong:
            raise click.BadParameter(
                f"{wrong[0]!r} is not EVENT=METRIC, e.g. sign_up=signups.", param_hint="--key-event"
            )
        credentials["key_events"] = dict(pair.split("=", 1) for pair in key_events)
    for name, label, secret in CREDENTIAL_FIELDS[source]:
        if from_json is not None or (name == "access_token" and service_account is not None):
            continue
        if name in OPTIONAL_FIELDS[source]:
            given = click.prompt(
                f"{label} (Enter to skip)", default="", show_default=False, hide_input=secret
            )
            if given.strip():
                credentials[name] = given.strip()
        else:
            credentials[name] = click.prompt(label, hide_input=secret).strip()
    with runtime() as rt:
        try:
            info = connect_source(rt, team_id, source, credentials)
        except ConnectorError as err:
            raise click.ClickException(
                f"{source} did not accept these credentials: {err}"
            ) from None
    click.echo(f"Connected {info.name} ({source}). Run `impact sync --team {team_id}` to backfill.")


def _read_json(stream: TextIO) -> dict[str, object]:
    """The credentials of `--from-json`: one JSON object, its keys the source's field names
    (platform-apis.md); the values are never echoed."""
    try:
        found = json.load(stream)
    except ValueError as err:
        raise click.BadParameter(
            f"is not JSON ({err.__class__.__name__})", param_hint="--from-json"
        ) from None
    if not isinstance(found, dict):
        raise click.BadParameter("must be one JSON object", param_hint="--from-json")
    return {str(k): v.strip() if isinstance(v, str) else v for k, v in found.items()}


@click.command()
@click.option("--team", "team_id", required=True, help="Slack team id.")
def connections(team_id: str) -> None:
    """List a team's connections with health and last sync."""
    with runtime(log=False) as rt:
        rows = list_connections(rt.engine, team_id)
    if not rows:
        click.echo("No connections yet: impact connect <source> --team " + team_id)
    for c in rows:
        day = date.fromisoformat(c.last_sync) if c.last_sync else None
        hint = f" — {c.hint}" if c.hint and not is_healthy(c.health) else ""
        click.echo(
            f"{c.id:>4}  {c.source:<10} {c.name:<40} {c.health:<13} "
            f"{freshness_text(c.source, day)}{hint}"
        )


@click.command()
@click.option("--team", "team_id", default=None, help="Only this team (default: every team).")
@click.option("--source", default=None, help="Only this source, e.g. instagram.")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="Backfill from this day (default: from where the last sync stopped).",
)
def sync(team_id: str | None, source: str | None, since: datetime | None) -> None:
    """Pull new data from connected sources (resumes where the last sync stopped)."""
    with runtime() as rt:
        known = list_team_ids(rt.engine)
        if team_id and team_id not in known:
            raise click.ClickException(
                f"no team {team_id} in this database"
                + (f" (teams here: {', '.join(known)})" if known else "")
                + f". Connect a source with `impact connect SOURCE --team {team_id}` or "
                f"import data with `impact import FILE --team {team_id}`."
            )
        failed = False
        for team in [team_id] if team_id else known:
            today: date = today_in(rt.engine, team, datetime.now(UTC))
            with click.progressbar(length=1, label=f"{team}: syncing", show_percent=True) as bar:

                def progress(done: int, total: int, bar=bar) -> None:  # type: ignore[no-untyped-def]
                    bar.length = total
                    bar.update(done - bar.pos)

                reports = sync_team(
                    rt,
                    team,
                    today=today,
                    source=source,
                    since=since.date() if since else None,
                    progress=progress,
                )
            listed = {c.id: c for c in list_connections(rt.engine, team)}
            for r in reports:
                failed = failed or r.status not in ("ok", "skipped")
                click.echo(
                    f"  {r.name} ({r.source}): {sync_outcome(r, listed.get(r.connection_id))}"
                )
                for warning in r.warnings:
                    click.echo(f"    warning: {warning}")
            synced = {r.connection_id for r in reports}
            fed = [c for c in listed.values() if c.id not in synced and c.source in FED_SOURCES]
            if not reports:
                what = f"no connected {source} source" if source else "no connected source"
                click.echo(
                    f"  nothing to sync: {what} with credentials "
                    f"(`impact connect SOURCE --team {team}` adds one)."
                )
            for c in fed:
                feed_hint = (
                    f"load more with `impact import FILE --team {team}`"
                    if c.source == "csv"
                    else "its events arrive by themselves"
                )
                click.echo(f"  {c.name} ({c.source}): not synced, {status_of(c)}; {feed_hint}")
        if failed:
            raise SystemExit(1)


def sync_outcome(report: SyncReport, info: ConnectionInfo | None) -> str:
    """`ok, 540 points stored over 90 days (2026-08-25 to 2026-11-22), 12 posts`, or the
    error and what to do about it."""
    if report.status == "skipped":
        return f"skipped: Impact has no connector that syncs {report.source}"
    if report.status != "ok":
        hint = info.hint if info and info.hint else None
        detail = report.error or "no detail"
        return f"{report.status.replace('_', ' ')}: {detail}" + (f". {hint}" if hint else "")
    posts = plural(report.posts, "post")
    if report.days is None:
        return f"ok, already up to date (no new complete day to fetch), {posts} refreshed"
    span = (report.days.end - report.days.start).days + 1
    return (
        f"ok, {plural(report.points, 'point')} stored over {plural(span, 'day')} "
        f"({report.days.start} to {report.days.end}), {posts}"
    )


@click.group()
def feed() -> None:
    """Outcome webhook feeds."""


@feed.command("create")
@click.argument("name")
@click.option("--team", "team_id", required=True, help="Slack team id.")
def feed_create(name: str, team_id: str) -> None:
    """Create a signed webhook feed for outcomes; prints its URL and secret once."""
    with runtime() as rt:
        slug, secret = create_feed(rt, team_id, name)
        base = rt.settings.public_url
    click.echo(f"POST {base}/webhooks/outcomes/{slug}")
    click.echo(f"secret: {secret}")
    click.echo("Keep the secret: it is shown only now. Sign each request as the README explains.")
