"""CSV rows of product.md's two import formats, parsed and checked. Pure: text in, values out.

Metrics, long format: `date,platform,account,metric,value[,kind]`. Posts, recognised by their
header: `post_id,platform,account,published_at,permalink,impressions,reach,reactions,
comments,shares,saves,clicks,link_clicks`. A bad row becomes a `RowError` naming its line and
what is wrong; the caller decides that a file with any error imports nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from bot.core import catalogue
from bot.core.catalogue import Kind
from bot.core.errors import UsageError
from bot.core.model import PostRecord

METRIC_COLUMNS = ("date", "platform", "account", "metric", "value")
POST_COLUMNS = (
    "post_id",
    "platform",
    "account",
    "published_at",
    "permalink",
    "impressions",
    "reach",
    "reactions",
    "comments",
    "shares",
    "saves",
    "clicks",
    "link_clicks",
)
POST_COUNTS = POST_COLUMNS[5:]
KINDS = ", ".join(k.value for k in Kind)


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class MetricRow:
    line: int
    day: date
    platform: str  # '' = unattributed outcome
    account: str
    metric: str
    value: float
    kind: Kind


@dataclass(frozen=True, slots=True)
class PostRow:
    line: int
    account: str
    post: PostRecord


def detect_format(header: list[str]) -> str:
    """'metrics' or 'posts' from the header row; UsageError showing both headers otherwise."""
    names = tuple(h.strip().lower() for h in header)
    if names in (METRIC_COLUMNS, (*METRIC_COLUMNS, "kind")):
        return "metrics"
    if names == POST_COLUMNS:
        return "posts"
    raise UsageError(
        f"line 1: the header {','.join(names) or '(empty)'} is not one Impact reads.",
        "Metrics files start with: date,platform,account,metric,value[,kind]\n"
        f"Posts files start with: {','.join(POST_COLUMNS)}",
    )


def _platform(text: str) -> str | None:
    return catalogue.canonical_platform(text) if text.strip() else ""


def _known_platforms() -> str:
    return ", ".join(catalogue.PLATFORMS)


def parse_metric_row(
    line: int, fields: list[str], custom: dict[str, Kind] | None = None
) -> MetricRow | RowError:
    """One metrics row; `custom` holds kinds the team declared earlier."""
    if len(fields) not in (5, 6):
        return RowError(line, f"expected 5 or 6 columns, found {len(fields)}")
    raw_date, raw_platform, account, raw_metric, raw_value = (f.strip() for f in fields[:5])
    raw_kind = fields[5].strip().lower() if len(fields) == 6 else ""
    try:
        day = date.fromisoformat(raw_date)
    except ValueError:
        return RowError(line, f"date '{raw_date}' is not an ISO date like 2026-11-09")
    if not account:
        return RowError(line, "account is empty: name the account the row belongs to")
    metric = metric_name(raw_metric)
    if not metric:
        return RowError(line, "metric is empty")
    kind = _kind(metric, raw_kind, custom)
    if not isinstance(kind, Kind):  # Kind is a str too: test for it first
        return RowError(line, kind)
    platform = _platform(raw_platform)
    if platform is None:
        return RowError(
            line, f"unknown platform '{raw_platform}' (known: {_known_platforms()}, or empty)"
        )
    if not platform and kind not in OUTCOME_KINDS:
        return RowError(line, f"{metric} is {kind.value}: it needs a platform")
    value = _number(raw_value)
    if value is None:
        return RowError(line, f"value '{raw_value}' is not a number (use digits and a '.')")
    if value < 0 and not is_money(metric, kind):
        return RowError(
            line,
            f"value {raw_value} is negative, but {metric} is a count; only money "
            "(revenue, donations, refunds, spend, or kind money/cost) may be negative",
        )
    return MetricRow(line, day, platform, account, metric, value, kind)


#: Kinds of rows that may be unattributed (an empty platform): outcomes, counted or money.
OUTCOME_KINDS = (Kind.OUTCOME, Kind.MONEY)


def is_money(metric: str, kind: Kind) -> bool:
    """A money value (may be negative: refunds, corrections): a catalogued money metric, or
    a row of kind money or cost."""
    return kind in (Kind.MONEY, Kind.COST) or catalogue.is_money(metric)


def metric_name(text: str) -> str:
    """The canonical name of a catalogued metric as people type it (`Sign-ups`), else the
    text in lower case with underscores (`Volunteer Hours` -> `volunteer_hours`): metric
    names match whatever their case, in CSV files and webhooks alike."""
    resolved = catalogue.resolve_metric(text)
    return resolved or "_".join(text.strip().lower().split())


def _kind(metric: str, raw_kind: str, custom: dict[str, Kind] | None) -> Kind | str:
    known = catalogue.kind_of(metric, custom)
    if raw_kind:
        try:
            given = Kind(raw_kind)
        except ValueError:
            return f"kind '{raw_kind}' is not one of {KINDS}"
        if metric in catalogue.METRICS and not _fits(metric, given):
            return f"{metric} is {_article(known)} metric, not {given.value}"
        return given
    if known is None:
        return (
            f"unknown metric '{metric}': add a kind column ({KINDS}) to declare it, "
            f"or use one of {', '.join(sorted(catalogue.METRICS))}"
        )
    return known


def _fits(metric: str, given: Kind) -> bool:
    """A kind column agrees with the catalogue: the same kind, or `money` for a catalogued
    money outcome (revenue written with kind money)."""
    known = catalogue.METRICS[metric]
    if given is known.kind:
        return True
    return given is Kind.MONEY and known.kind is Kind.OUTCOME and known.money


def _article(kind: Kind | None) -> str:
    if kind is None:
        return "a catalogued"
    return ("an " if kind.value[0] in "aeiou" else "a ") + kind.value


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_post_row(line: int, fields: list[str]) -> PostRow | RowError:
    if len(fields) != len(POST_COLUMNS):
        return RowError(line, f"expected {len(POST_COLUMNS)} columns, found {len(fields)}")
    values = dict(zip(POST_COLUMNS, (f.strip() for f in fields), strict=True))
    if not values["post_id"]:
        return RowError(line, "post_id is empty")
    if not values["account"]:
        return RowError(line, "account is empty: name the account the post belongs to")
    platform = catalogue.canonical_platform(values["platform"])
    if not platform:
        return RowError(
            line, f"unknown platform '{values['platform']}' (known: {_known_platforms()})"
        )
    published = _when(values["published_at"])
    if published is None:
        return RowError(
            line,
            f"published_at '{values['published_at']}' is not an ISO date or time "
            "like 2026-11-09 or 2026-11-09T14:30:00Z",
        )
    permalink = values["permalink"] or None
    if permalink and not permalink.startswith(("https://", "http://")):
        return RowError(line, f"permalink '{permalink}' is not a web address")
    counts: dict[str, Any] = {}  # PostRecord's count fields, by name
    for name in POST_COUNTS:
        raw = values[name]
        number = _number(raw) if raw else 0.0
        if number is None or number < 0 or number != int(number):
            return RowError(line, f"{name} '{raw}' is not a whole number ≥ 0")
        counts[name] = int(number)
    post = PostRecord(values["post_id"], platform, published, permalink, **counts)
    return PostRow(line, values["account"], post)


def _when(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def value_text(value: float) -> str:
    """A value as the import reads it back exactly: `120`, `-40.5`, `0.1`."""
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def metric_fields(
    day: date, platform: str, account: str, metric: str, value: float, kind: str
) -> list[str]:
    """One metrics row of the import format (`kind` empty for a catalogued metric)."""
    return [day.isoformat(), platform, account, metric, value_text(value), kind]


def post_fields(account: str, post: PostRecord) -> list[str]:
    """One posts row of the import format; times in UTC with a `Z`."""
    published = post.published_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
    counts = [str(getattr(post, name)) for name in POST_COUNTS]
    return [post.external_id, post.platform, account, published, post.permalink or "", *counts]
