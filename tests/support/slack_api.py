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

Messages it accepted are kept per channel, as Slack does: `conversations.history` answers
them newest first (`metadata` only with `include_all_metadata`), `conversations.replies` a
thread, where a file shared with `files.completeUploadExternal` and a `thread_ts` appears
as a reply carrying `files`. `messages(channel)` and `thread(channel, ts)` inspect them.
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
        self._files = itertools.count(1)
        self._filenames: dict[str, str] = {}
        #: channel -> messages accepted, oldest first (thread replies included)
        self.history: dict[str, list[dict[str, Any]]] = {}
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

    def messages(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages of `channel`, oldest first."""
        with self._post_lock:
            return [
                m for m in self.history.get(channel, []) if m.get("thread_ts") in (None, m["ts"])
            ]

    def thread(self, channel: str, ts: str) -> list[dict[str, Any]]:
        """The replies in the thread of message `ts` (the parent left out), oldest first."""
        with self._post_lock:
            return [
                m
                for m in self.history.get(channel, [])
                if m.get("thread_ts") == ts and m["ts"] != ts
            ]

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
        self.route("POST", "/api/files.getUploadURLExternal", self._upload_url)
        self.route("POST", re.compile(r"/upload/F\d+"), Reply(200, "OK - 1234"))
        self.route("POST", "/api/files.completeUploadExternal", self._complete_upload)
        self.route("POST", "/api/conversations.history", self._history)
        self.route("POST", "/api/conversations.replies", self._replies)
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

    def _upload_url(self, call: Call) -> Reply:
        file_id = f"F{next(self._files):04d}"
        self._filenames[file_id] = str(params(call).get("filename") or "")
        return self._ok(upload_url=f"{self.url}/upload/{file_id}", file_id=file_id)

    def _complete_upload(self, call: Call) -> Reply:
        values = params(call)
        files = values.get("files", "[]")
        files = json.loads(files) if isinstance(files, str) else files
        shared = [
            {"id": f["id"], "name": self._filenames.get(f["id"], ""), "title": f.get("title")}
            for f in files
        ]
        channel = values.get("channel_id")
        if channel:
            self._keep(
                str(channel),
                {"type": "message", "bot_id": "B0001", "ts": self._next_ts(), "files": shared},
                thread_ts=values.get("thread_ts"),
            )
        return self._ok(files=[{"id": f["id"], "title": f["title"]} for f in shared])

    def _keep(self, channel: str, message: dict[str, Any], thread_ts: Any = None) -> None:
        if thread_ts:
            message["thread_ts"] = str(thread_ts)
        with self._post_lock:
            self.history.setdefault(channel, []).append(message)

    def _history(self, call: Call) -> Reply:
        values = params(call)
        with_metadata = str(values.get("include_all_metadata", "")).lower() in ("1", "true")
        oldest = float(values.get("oldest") or 0)
        found = [
            {k: v for k, v in m.items() if k != "metadata" or with_metadata}
            for m in reversed(self.messages(str(values.get("channel", ""))))
            if float(m["ts"]) > oldest
        ]
        limit = int(values.get("limit") or 100)
        return self._ok(messages=found[:limit], has_more=len(found) > limit)

    def _replies(self, call: Call) -> Reply:
        values = params(call)
        channel, ts = str(values.get("channel", "")), str(values.get("ts", ""))
        parent = [m for m in self.messages(channel) if m["ts"] == ts]
        if not parent:
            return Reply(200, {"ok": False, "error": "thread_not_found"})
        return self._ok(messages=parent + self.thread(channel, ts), has_more=False)

    def _post_message(self, call: Call) -> Reply:
        values = params(call)
        channel = str(values.get("channel", ""))
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
        message: dict[str, Any] = {"type": "message", "bot_id": "B0001", "ts": ts}
        message["text"] = values.get("text")
        metadata = values.get("metadata")
        if isinstance(metadata, str):
            with contextlib.suppress(ValueError):
                metadata = json.loads(metadata)
        if metadata:
            message["metadata"] = metadata
        self._keep(channel, dict(message), thread_ts=values.get("thread_ts"))
        return self._ok(channel=channel, ts=ts, message={"ts": ts, "text": values.get("text")})


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
