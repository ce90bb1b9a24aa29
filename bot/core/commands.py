"""The `/impact` command text -> a typed request, or a UsageError with that subcommand's help.

Pure: the Slack listener acks, calls `parse_command`, and answers. Nothing is written on a
bad input because a bad input never becomes a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core import catalogue
from bot.core.errors import UsageError
from bot.core.money import normalise_currency

HELP_LINES: dict[str, str] = {
    "help": "`/impact help`: the commands, with examples",
    "status": "`/impact status`: this channel's goals with status, and a one-line verdict",
    "settings": "`/impact settings [currency EUR] [country DE] [minutes-per-reply 3]`: show or set the team's currency, country (public holidays) and minutes a reply takes, e.g. `/impact settings currency EUR country DE`",
    "metrics": "`/impact metrics [platform] [7d|30d|90d|week|month]`, e.g. `/impact metrics instagram 30d`",
    "goals": "`/impact goals`: this channel's goals with progress, Edit and Delete buttons",
    "goal": "`/impact goal add <goal>`, e.g. `/impact goal add signups +15% by Mar 31` (no text opens a form)",
    "digest": "`/impact digest` previews this channel's digest for you; `/impact digest post` posts it",
    "schedule": "`/impact schedule <day> <HH:MM> [time zone] [quiet]`, e.g. `/impact schedule monday 09:00 Europe/Berlin`; `/impact schedule off`; `/impact schedule` shows it",
    "connect": "`/impact connect` lists connections; `/impact connect <source>` connects one (e.g. `instagram`, `ga4`); `/impact connect <source> token` to paste a token instead of logging in",
    "sync": "`/impact sync [source]`: sync now, e.g. `/impact sync instagram`",
}
PERIODS = ("7d", "30d", "90d", "week", "month")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: What `/impact connect` and `/impact sync` take: the catalogue's sources (the one list) and
#: the webhook feed, which is not a source of data of its own but is connected like one.
SOURCES = (*catalogue.SOURCES, "webhook")


@dataclass(frozen=True, slots=True)
class Help:
    topic: str | None = None


@dataclass(frozen=True, slots=True)
class Status:
    pass


@dataclass(frozen=True, slots=True)
class Metrics:
    platform: str | None = None
    period: str = "7d"


@dataclass(frozen=True, slots=True)
class Goals:
    pass


@dataclass(frozen=True, slots=True)
class GoalAdd:
    text: str  # empty: open the form


@dataclass(frozen=True, slots=True)
class DigestPreview:
    post: bool = False


@dataclass(frozen=True, slots=True)
class ScheduleShow:
    pass


@dataclass(frozen=True, slots=True)
class ScheduleOff:
    pass


@dataclass(frozen=True, slots=True)
class ScheduleSet:
    weekday: int  # 0 = Monday
    hour: int
    minute: int
    timezone: str | None = None  # None: the time zone of the user who set it
    quiet: bool = False


@dataclass(frozen=True, slots=True)
class Connect:
    source: str | None = None
    #: `connect <source> token`: the form for a pasted token even where a login link exists
    with_token: bool = False


@dataclass(frozen=True, slots=True)
class Sync:
    source: str | None = None


@dataclass(frozen=True, slots=True)
class TeamSettings:
    """`/impact settings`: the values to set (None: leave as is); all None: show them."""

    currency: str | None = None  # ISO 4217, upper case
    country: str | None = None  # ISO 3166 alpha-2, upper case (support checked by the shell)
    minutes_per_reply: float | None = None

    @property
    def changes(self) -> dict[str, str | float]:
        """The settings keys this request sets, with their values."""
        values = {
            "currency": self.currency,
            "country": self.country,
            "minutes_per_reply": self.minutes_per_reply,
        }
        return {key: value for key, value in values.items() if value is not None}


#: The most minutes one reply can be said to take (an hour: beyond that it is not a reply).
MAX_MINUTES_PER_REPLY = 60.0
_SETTING_NAMES = {
    "currency": "currency",
    "country": "country",
    "minutes-per-reply": "minutes_per_reply",
    "minutes_per_reply": "minutes_per_reply",
}
_PLAIN_NUMBER = re.compile(r"^\d+(?:[.,]\d+)?$")
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


Request = (
    Help
    | Status
    | Metrics
    | Goals
    | GoalAdd
    | DigestPreview
    | ScheduleShow
    | ScheduleOff
    | ScheduleSet
    | Connect
    | Sync
    | TeamSettings
)


def _fail(sub: str, message: str) -> UsageError:
    return UsageError(message, "Usage: " + HELP_LINES[sub])


def parse_command(text: str) -> Request:
    """Parse the text after `/impact`. Raises UsageError naming the problem and the help."""
    words = text.strip().split()
    if not words:
        return Help()
    sub, args = words[0].lower(), words[1:]
    if sub in ("help", "?"):
        topic = args[0].lower() if args else None
        return Help(topic if topic in HELP_LINES else None)
    if sub == "status":
        return _no_args(sub, args, Status())
    if sub == "goals":
        return _no_args(sub, args, Goals())
    if sub == "metrics":
        return _metrics(args)
    if sub == "goal":
        if not args or args[0].lower() != "add":
            raise _fail("goal", "Say `goal add` followed by the goal.")
        return GoalAdd(" ".join(text.strip().split(None, 2)[2:]).strip())
    if sub == "digest":
        if not args:
            return DigestPreview()
        if [a.lower() for a in args] == ["post"]:
            return DigestPreview(post=True)
        raise _fail("digest", f"`digest {' '.join(args)}` is not something I can do.")
    if sub == "schedule":
        return _schedule(args)
    if sub == "connect":
        if len(args) == 2 and args[1].lower() == "token":
            return Connect(_source("connect", args[:1], Connect).source, with_token=True)
        return _source("connect", args, Connect)
    if sub == "sync":
        return _source("sync", args, Sync)
    if sub == "settings":
        return parse_settings(args)
    known = ", ".join(f"`{name}`" for name in HELP_LINES)
    raise UsageError(f"I don't know `{words[0]}`.", f"Try one of {known}, or `/impact help`.")


def _no_args(sub: str, args: list[str], request: Request) -> Request:
    if args:
        raise _fail(sub, f"`{sub}` takes nothing after it (got `{' '.join(args)}`).")
    return request


def _metrics(args: list[str]) -> Metrics:
    platform, period = None, "7d"
    for arg in args:
        word = arg.lower()
        if word in PERIODS:
            period = word
        elif catalogue.canonical_platform(word):
            platform = catalogue.canonical_platform(word)
        else:
            raise _fail(
                "metrics",
                f"`{arg}` is neither a platform ({', '.join(catalogue.PLATFORMS)}) nor a period "
                f"({', '.join(PERIODS)}).",
            )
    return Metrics(platform, period)


_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$", re.I)


def parse_weekday(word: str) -> int | None:
    word = word.lower()
    for index, name in enumerate(WEEKDAYS):
        if len(word) >= 3 and name.startswith(word):
            return index
    return None


def parse_time(word: str) -> tuple[int, int] | None:
    match = _TIME.match(word.strip())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = (match.group(3) or "").lower()
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    if hour > 23 or minute > 59:
        return None
    return hour, minute


def _schedule(args: list[str]) -> ScheduleShow | ScheduleOff | ScheduleSet:
    if not args:
        return ScheduleShow()
    if [a.lower() for a in args] in (["off"], ["stop"]):
        return ScheduleOff()
    rest = list(args)
    quiet = False
    if rest and rest[-1].lower() == "quiet":
        quiet = True
        rest.pop()
    if len(rest) < 2 or len(rest) > 3:
        raise _fail("schedule", "Give a day and a time, and optionally a time zone.")
    weekday = parse_weekday(rest[0])
    if weekday is None:
        raise _fail("schedule", f"`{rest[0]}` is not a day of the week.")
    when = parse_time(rest[1])
    if when is None:
        raise _fail("schedule", f"`{rest[1]}` is not a time like 09:00 or 9am.")
    timezone = rest[2] if len(rest) == 3 else None
    return ScheduleSet(weekday, when[0], when[1], timezone, quiet)


def parse_settings(args: list[str]) -> TeamSettings:
    """`currency EUR country DE minutes-per-reply 3`, in any order, each at most once.
    Raises UsageError naming the first thing wrong, with an example; then nothing is set."""
    if len(args) % 2:
        raise _fail("settings", f"`{args[-1]}` needs a value after it.")
    values: dict[str, str] = {}
    for name, raw in zip(args[::2], args[1::2], strict=True):
        key = _SETTING_NAMES.get(name.lower())
        if key is None:
            raise _fail(
                "settings",
                f"`{name}` is not a setting: use `currency`, `country` or `minutes-per-reply`.",
            )
        if key in values:
            raise _fail("settings", f"`{name}` is given twice.")
        values[key] = raw
    return TeamSettings(
        currency=_currency(values["currency"]) if "currency" in values else None,
        country=_country(values["country"]) if "country" in values else None,
        minutes_per_reply=_minutes(values["minutes_per_reply"])
        if "minutes_per_reply" in values
        else None,
    )


def _currency(raw: str) -> str:
    code = normalise_currency(raw)
    if code is None:
        raise _fail(
            "settings",
            f"`{raw[:20]}` is not an ISO 4217 currency code: use three letters such as EUR, USD "
            "or GBP, e.g. `/impact settings currency EUR`.",
        )
    return code


def _country(raw: str) -> str:
    if not _COUNTRY.match(raw):
        raise _fail(
            "settings",
            f"`{raw[:20]}` is not an ISO 3166 country code: use two letters such as DE, US or "
            "GB, e.g. `/impact settings country DE`.",
        )
    return raw.upper()


def _minutes(raw: str) -> float:
    if not _PLAIN_NUMBER.match(raw):
        raise _fail(
            "settings",
            f"`{raw[:20]}` is not a number of minutes: give a number such as 3 or 2.5, "
            "e.g. `/impact settings minutes-per-reply 3`.",
        )
    minutes = float(raw.replace(",", "."))
    if not 0 < minutes <= MAX_MINUTES_PER_REPLY:
        raise _fail(
            "settings",
            f"Minutes per reply must be more than 0 and at most {MAX_MINUTES_PER_REPLY:g} "
            f"(got {raw}), e.g. `/impact settings minutes-per-reply 3`.",
        )
    return minutes


def _source(sub: str, args: list[str], kind: type) -> Connect | Sync:
    if not args:
        return kind()  # type: ignore[no-any-return]
    if len(args) > 1 or args[0].lower() not in SOURCES:
        raise _fail(sub, f"`{' '.join(args)}` is not a source I know ({', '.join(SOURCES)}).")
    return kind(args[0].lower())  # type: ignore[no-any-return]


def help_text(topic: str | None = None) -> str:
    if topic:
        return HELP_LINES[topic]
    lines = ["*Impact* tells you which engagement moves your outcomes. Commands:"]
    lines += [f"• {line}" for line in HELP_LINES.values()]
    lines.append("Set a goal by replying in a digest's thread, e.g. `signups +15% by Mar 31`.")
    return "\n".join(lines)
