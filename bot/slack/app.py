"""The Bolt app factory: one function builds the app from the runtime.

Two ways to authorise:
- single workspace: SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET;
- many workspaces: SLACK_CLIENT_ID + SLACK_CLIENT_SECRET (+ signing secret), with
  installations and OAuth state in our database (`bot.slack.installation`).
Every Web API client comes from `make_web_client`, so SLACK_API_URL and the 429 retry
handler apply everywhere, the OAuth flow's `oauth.v2.access` included.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

from slack_bolt import App, BoltRequest, BoltResponse
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_bolt.util.utils import get_name_for_callable

from bot.bootstrap import Runtime
from bot.core.errors import ConfigError
from bot.services.teams import forget_installation
from bot.slack import actions, commands, home, threads
from bot.slack.client import make_web_client
from bot.slack.identity import team_of
from bot.slack.installation import DbInstallationStore, DbStateStore

log = logging.getLogger(__name__)
#: Where the web process sends the work after an ack: the request's raw body and headers,
#: and the name of the lazy function to run on them (`bot.jobs.Jobs.hand_off`).
HandOff = Callable[[str, dict[str, list[str]], str], None]
#: Threads for the work done after the ack (lazy listeners). Few: the acks share the GIL
#: with them, and a small pool keeps a burst of slow commands from delaying every ack.
LAZY_WORKERS = 4


#: Exactly the scopes of manifest.yml, and why each is needed is in the README.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "chat:write.public",
    "channels:history",
    "groups:history",
    "app_mentions:read",
    "users:read",
    "files:write",
    "channels:read",
    "groups:read",
)


class _SameTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN from the environment by itself and then warns that the
    client we give it wins over that token. It is the same token: the warning would only
    make an operator doubt a correct setup."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "token` will be unused" not in record.getMessage()


def _quiet_same_token_notice() -> None:
    bolt_log = logging.getLogger("slack_bolt.App")
    if not any(isinstance(f, _SameTokenNotice) for f in bolt_log.filters):
        bolt_log.addFilter(_SameTokenNotice())


def build_app(
    runtime: Runtime,
    *,
    process_before_response: bool = True,
    verify_requests: bool = True,
    hand_off: HandOff | None = None,
) -> App:
    """The Slack app with every listener registered. ConfigError names what is missing.

    With `hand_off` (the web process), listeners ack here and hand their lazy functions
    to it (`HandOffApp`); without it they run them here, as the job queue's workers do.
    `verify_requests=False` is only for those workers (`bot.jobs`), whose requests come
    from the web process that verified them, never from the network."""
    settings = runtime.settings
    app_class: Callable[..., App] = (
        App if hand_off is None else partial(HandOffApp, hand_off=hand_off)
    )
    _quiet_same_token_notice()
    if settings.slack_signing_secret is None:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set: copy it from your Slack app's Basic Information page."
        )
    settings.check_secret_key_to_start(runtime.vault is not None)
    signing_secret = settings.slack_signing_secret.reveal()
    if settings.slack_client_id:
        app = _oauth_app(
            runtime, signing_secret, process_before_response, verify_requests, app_class
        )
    elif settings.slack_bot_token:
        app = app_class(
            signing_secret=signing_secret,
            client=make_web_client(settings, settings.slack_bot_token.reveal()),
            token_verification_enabled=False,
            process_before_response=process_before_response,
            request_verification_enabled=verify_requests,
            listener_executor=ThreadPoolExecutor(
                max_workers=LAZY_WORKERS, thread_name_prefix="slack-work"
            ),
        )
    else:
        raise ConfigError(
            "Set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET "
            "(install in many workspaces). See README, 'Connect to Slack'."
        )
    register(app, runtime)
    return app


def _oauth_app(
    runtime: Runtime,
    signing_secret: str,
    process_before_response: bool,
    verify_requests: bool,
    app_class: Callable[..., App],
) -> App:
    settings = runtime.settings
    if settings.slack_client_secret is None:
        raise ConfigError("SLACK_CLIENT_SECRET is not set (Basic Information > App Credentials).")
    store = DbInstallationStore(runtime.slack_installations())
    oauth_settings = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.reveal(),
        scopes=list(BOT_SCOPES),
        redirect_uri=f"{settings.public_url}/slack/oauth_redirect",
        installation_store=store,
        state_store=DbStateStore(runtime.oauth_states()),
        callback_options=CallbackOptions(success=_installed, failure=_install_failed),
    )
    return app_class(
        signing_secret=signing_secret,
        oauth_flow=OAuthFlow(client=make_web_client(settings), settings=oauth_settings),
        client=make_web_client(settings),
        installation_store=store,
        process_before_response=process_before_response,
        request_verification_enabled=verify_requests,
        listener_executor=ThreadPoolExecutor(
            max_workers=LAZY_WORKERS, thread_name_prefix="slack-work"
        ),
    )


class HandOffApp(App):
    """The web process's app: each listener acks here, and its lazy functions are not run
    here but handed off (the job queue), as the request's raw body and headers and the
    function's name; a worker's app, with the same listeners, runs that function alone
    (Bolt's `x-slack-bolt-lazy-only` request, as its Lambda adapter does).

    Bolt's own lazy path deep-copies the whole request, Web API client included, for each
    lazy function before any runner sees it: that copy was most of an ack's cost. Here a
    listener middleware (run once its matchers chose it) hands the raw request off. When
    the hand-off fails (the broker is down), the function runs on a thread of this
    process instead, so the person still gets an answer."""

    def __init__(self, *, hand_off: HandOff, **options: Any) -> None:
        super().__init__(**options)
        self.hand_off = hand_off

    def command(self, command: Any, matchers: Any = None, middleware: Any = None) -> Any:
        return self._ack_here(super().command, command, matchers, middleware)

    def action(self, constraints: Any, matchers: Any = None, middleware: Any = None) -> Any:
        return self._ack_here(super().action, constraints, matchers, middleware)

    def view(self, constraints: Any, matchers: Any = None, middleware: Any = None) -> Any:
        return self._ack_here(super().view, constraints, matchers, middleware)

    def event(self, event: Any, matchers: Any = None, middleware: Any = None) -> Any:
        return self._ack_here(super().event, event, matchers, middleware)

    def _ack_here(
        self,
        listen: Callable[..., Any],
        constraints: Any,
        matchers: Sequence[Callable[..., bool]] | None,
        middleware: Sequence[Any] | None,
    ) -> Callable[..., Any]:
        def register(*functions: Any, ack: Any = None, lazy: Sequence[Any] = ()) -> Any:
            if ack is None:  # `@app.command(...)` on a function: no lazy part
                return listen(constraints, matchers, middleware)(*functions)
            if not lazy:
                return listen(constraints, matchers, middleware)(ack)
            hand_off = [*(middleware or []), self._handing_off(list(lazy))]
            return listen(constraints, matchers, hand_off)(ack)

        return register

    def _handing_off(self, lazy: list[Callable[..., None]]) -> Callable[..., None]:
        def hand_off(request: BoltRequest, next_: Callable[[], None]) -> None:
            for function in lazy:
                try:
                    self.hand_off(
                        request.raw_body, request.headers, get_name_for_callable(function)
                    )
                except Exception:
                    log.exception("slack.hand_off_failed: answering on a thread of this process")
                    self.listener_runner.lazy_listener_runner.start(function, request.to_copyable())
            next_()

        return hand_off


def _page(title: str, body: str) -> str:
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Impact</title></head>"
        f"<body style='font-family:sans-serif;max-width:36em;margin:4em auto'><h1>{title}</h1>"
        f"<p>{body}</p></body></html>"
    )


def _installed(args: SuccessArgs) -> BoltResponse:
    team = args.installation.team_name or "your workspace"
    return BoltResponse(
        status=200,
        body=_page(
            "Impact is installed",
            f"Impact is now in {team}. Type <code>/impact help</code> in a channel.",
        ),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


def _install_failed(args: FailureArgs) -> BoltResponse:
    log.warning("slack.install_failed reason=%s", args.reason)
    return BoltResponse(
        status=args.suggested_status_code,
        body=_page(
            "Installation did not finish",
            "The link was used already, expired, or was not started here. "
            "Start again from the Add to Slack page.",
        ),
        headers={"Content-Type": "text/html; charset=utf-8"},
    )


def register(app: App, runtime: Runtime) -> None:
    """Attach every listener; each acks first and hands slow work to a lazy function."""
    commands.register(app, runtime)
    threads.register(app, runtime)
    actions.register(app, runtime)
    home.register(app, runtime)

    def on_uninstall(event: dict[str, Any], context: Any) -> None:
        team_id = team_of(context)
        forget_installation(runtime.engine, team_id)
        log.info("slack.uninstalled team=%s", team_id)

    app.event("app_uninstalled")(on_uninstall)
    app.event("tokens_revoked")(on_uninstall)

    @app.error
    def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.exception("slack.listener_failed type=%s", body.get("type"), exc_info=error)
