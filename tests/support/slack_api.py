"""A Slack Web API stand-in on a real local HTTP server, in the shapes Slack answers.

Point `SLACK_API_URL` (or `WebClient(base_url=...)`) at `slack.api_url` and inspect what the
app called: `slack.requests("chat.postMessage")` gives each call's parameters as a dict
(form or JSON bodies alike; `blocks` decoded), with `_token` holding the bearer token.

Options:
- `per_channel_interval`: seconds; like Slack's ~1 message per second per channel, a
  `chat.postMessage` to the same channel sooner than that answers 429 with `Retry-After`.
- `user_tz`: `users.info` time zones by user id (default Europe/Berlin).
- `fail_post`: number of `chat.postMessage` calls to answer with a 500 first.
- `response_url(name)`: a URL that records what `respond()` posted to it.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import threading
import time
from typing import Any

from tests.support.standin import Call, Reply, StandIn


class SlackStandIn(StandIn):
    def __init__(
        self,
        *,
        team_id: str = "T0001",
        bot_user_id: str = "UBOT",
        per_channel_interval: float = 0.0,
        user_tz: dict[str, str] | None = None,
        fail_post: int = 0,
    ) -> None:
        super().__init__(default=Reply(200, {"ok": False, "error": "unknown_method"}))
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.per_channel_interval = per_channel_interval
        self.user_tz = user_tz or {}
        self.fail_post = fail_post
        self._ts = itertools.count(1)
        self._last_post: dict[str, float] = {}
        self._post_lock = threading.Lock()
        self.rate_limited = 0
        self.oauth_answer: dict[str, Any] = {
            "ok": True,
            "access_token": "xoxb-installed-token",
            "token_type": "bot",
            "scope": "commands,chat:write",
            "bot_user_id": bot_user_id,
            "app_id": "A0001",
            "team": {"id": team_id, "name": "Stand-in Team"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": "UINSTALLER"},
        }
        self._install_routes()

    # --- inspection --------------------------------------------------------------------
    @property
    def api_url(self) -> str:
        return f"{self.url}/api/"

    def requests(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call to Web API `method`, oldest first."""
        return [params(call) for call in self.calls("POST", f"/api/{method}")]

    def response_url(self, name: str = "r1") -> str:
        return f"{self.url}/respond/{name}"

    def responses(self, name: str = "r1") -> list[dict[str, Any]]:
        """What was posted to `response_url(name)` (respond()), oldest first."""
        return [call.json() for call in self.calls("POST", f"/respond/{name}")]

    # --- routes ------------------------------------------------------------------------
    def _install_routes(self) -> None:
        ok = self._ok
        self.route(
            "POST",
            "/api/auth.test",
            lambda c: ok(
                team_id=self.team_id,
                team="Stand-in Team",
                user_id=self.bot_user_id,
                bot_id="B0001",
                url="https://standin.slack.com/",
            ),
        )
        self.route("POST", "/api/chat.postMessage", self._post_message)
        self.route("POST", "/api/chat.postEphemeral", lambda c: ok(message_ts=self._next_ts()))
        self.route(
            "POST",
            "/api/chat.update",
            lambda c: ok(channel=params(c).get("channel"), ts=params(c).get("ts")),
        )
        self.route(
            "POST",
            "/api/chat.delete",
            lambda c: ok(channel=params(c).get("channel"), ts=params(c).get("ts")),
        )
        for method in ("views.publish", "views.open", "views.update", "views.push"):
            self.route("POST", f"/api/{method}", lambda c: ok(view={"id": "V0001"}))
        self.route("POST", "/api/users.info", self._users_info)
        self.route(
            "POST",
            "/api/conversations.info",
            lambda c: ok(
                channel={"id": params(c).get("channel"), "name": "marketing", "is_member": True}
            ),
        )
        self.route(
            "POST",
            "/api/files.getUploadURLExternal",
            lambda c: ok(upload_url=f"{self.url}/upload/F0001", file_id="F0001"),
        )
        self.route("POST", "/upload/F0001", Reply(200, "OK - 1234"))
        self.route(
            "POST",
            "/api/files.completeUploadExternal",
            lambda c: ok(files=[{"id": "F0001", "title": params(c).get("files", "")}]),
        )
        self.route("POST", "/api/oauth.v2.access", lambda c: Reply(200, self.oauth_answer))
        self.route("POST", "/api/apps.uninstall", lambda c: ok())
        self.route("POST", re.compile(r"/respond/[\w-]+"), Reply(200, "ok"))

    @staticmethod
    def _ok(**fields: Any) -> Reply:
        return Reply(200, {"ok": True, **fields})

    def _next_ts(self) -> str:
        return f"{1700000000 + next(self._ts)}.000100"

    def _users_info(self, call: Call) -> Reply:
        user = params(call).get("user", "")
        tz = self.user_tz.get(user, "Europe/Berlin")
        return self._ok(user={"id": user, "name": user.lower(), "tz": tz, "is_bot": False})

    def _post_message(self, call: Call) -> Reply:
        channel = str(params(call).get("channel", ""))
        with self._post_lock:
            if self.fail_post > 0:
                self.fail_post -= 1
                return Reply(500, "internal error")
            now = time.monotonic()
            last = self._last_post.get(channel)
            if self.per_channel_interval and last is not None:
                wait = self.per_channel_interval - (now - last)
                if wait > 0:
                    self.rate_limited += 1
                    return Reply(
                        429,
                        {"ok": False, "error": "ratelimited"},
                        {"Retry-After": str(max(1, round(wait)))},
                    )
            self._last_post[channel] = now
        ts = self._next_ts()
        return self._ok(
            channel=channel, ts=ts, message={"ts": ts, "text": params(call).get("text")}
        )


def params(call: Call) -> dict[str, Any]:
    """A Web API call's parameters from a form or JSON body, JSON-in-form fields decoded."""
    content_type = call.headers.get("Content-Type", call.headers.get("content-type", ""))
    if "json" in content_type:
        values: dict[str, Any] = dict(call.json() or {})
    else:
        values = {k: v[0] if len(v) == 1 else v for k, v in call.form().items()}
        values.update({k: v[0] for k, v in call.query.items() if k not in values})
    for key in ("blocks", "view", "attachments"):
        if isinstance(values.get(key), str):
            with contextlib.suppress(ValueError):
                values[key] = json.loads(values[key])
    auth = call.headers.get("Authorization", call.headers.get("authorization", ""))
    values["_token"] = auth.removeprefix("Bearer ")
    return values
