"""`impact serve` (production HTTP) and `impact socket` (Socket Mode, development)."""

from __future__ import annotations

import click

from bot.cli.base import load_settings, runtime
from bot.core.errors import ConfigError
from bot.jobs import running_jobs
from bot.server import make_wsgi_app
from bot.server import serve as run_server
from bot.slack.app import build_app


@click.command()
@click.option("--port", type=int, default=None, help="Port to listen on (default: PORT or 3000).")
@click.option(
    "--with-scheduler/--without-scheduler",
    default=None,
    help="Also run the clock (scheduled digests, syncs) in this process "
    "(default: IMPACT_WITH_SCHEDULER).",
)
def serve(port: int | None, with_scheduler: bool | None) -> None:
    """Run the Slack app over HTTP (waitress): /slack/events, OAuth routes, /healthz.

    It acks and sends the work to the job queue: to `impact worker` processes when
    IMPACT_BROKER_URL is set, else to worker threads of this process."""
    settings = load_settings()
    with runtime(settings) as rt, running_jobs(rt) as jobs:
        app = build_app(rt, hand_off=jobs.hand_off)
        background = None
        try:
            if settings.with_scheduler if with_scheduler is None else with_scheduler:
                from bot.scheduler import start_background

                background = start_background(rt, jobs)
            where = "Redis" if settings.broker_url else f"{settings.worker_threads} threads here"
            click.echo(
                f"Impact listening on port {port or settings.port} "
                f"({settings.web_threads} threads; jobs: {where})"
            )
            run_server(
                make_wsgi_app(rt, app, jobs.broker),
                port=port or settings.port,
                threads=settings.web_threads,
            )
        finally:
            if background is not None:
                background.stop()


@click.command()
def socket() -> None:
    """Run the Slack app over Socket Mode (development; needs SLACK_APP_TOKEN)."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    settings = load_settings()
    if settings.slack_app_token is None:
        raise click.ClickException(
            "SLACK_APP_TOKEN is not set: create an app-level token with connections:write "
            "(Basic Information > App-Level Tokens) and enable Socket Mode."
        )
    with runtime(settings) as rt:
        try:
            app = build_app(rt)
        except ConfigError as err:
            raise click.ClickException(err.for_user()) from None
        SocketModeHandler(app, settings.slack_app_token.reveal()).start()
