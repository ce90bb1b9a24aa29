"""The goal grammar: one line of text -> a goal, or a refusal that explains itself.

    signups +15% by March 31
    goal: increase donations by 20% by end of Q1
    Instagram link clicks to 2,000 by 2027-01-31
    revenue from LinkedIn +10% in 8 weeks
    reduce cost per signup by 10% by next month
    engagement rate 3% on tiktok by Dec 15

`parse_goal` never raises: arbitrary text gives a `GoalSpec` or a `Refusal` carrying what
was understood, what was not, and examples. `render_goal` writes a spec back as text that
parses to the same spec. Pure: `today` is an argument.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.core import catalogue

EXAMPLES = (
    "signups +15% by Mar 31",
    "Instagram link clicks to 2,000 by 2027-01-31",
)

RELATIVE, ABSOLUTE, RATE = "relative", "absolute", "rate"
INCREASE, REDUCE = "increase", "reduce"


@dataclass(frozen=True, slots=True)
class GoalSpec:
    """A parsed goal. `target` is a fraction for relative and rate goals (0.15 = 15%)."""

    metric: str
    kind: str  # relative | absolute | rate
    target: float
    deadline: date
    platform: str | None = None
    direction: str = INCREASE


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a line is not a goal: what was understood, what was not, two examples."""

    understood: tuple[tuple[str, str], ...]
    problems: tuple[str, ...]
    examples: tuple[str, ...] = EXAMPLES

    def message(self) -> str:
        lines = []
        if self.understood:
            parts = ", ".join(f"{name} {value}" for name, value in self.understood)
            lines.append(f"I understood: {parts}.")
        lines.extend(f"But {problem}." for problem in self.problems)
        lines.append("Try, for example: " + " or ".join(f"`{e}`" for e in self.examples))
        return "\n".join(lines)


_MONTHS = {
    name.lower(): index
    for index in range(1, 13)
    for name in (calendar.month_name[index], calendar.month_abbr[index])
}
_MONTHS["sept"] = 9
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_LEAD = re.compile(r"^\s*(?:<@\w+(?:\|[^>]*)?>\s*)?(?:set\s+)?(?:goal\b\s*:?)?\s*", re.I)
_NUMBER = re.compile(
    r"(?P<sign>[+-])?\s*\$?(?P<num>\d{1,3}(?:[, ]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"\s*(?P<mult>k|m)?\b\s*(?P<pct>%)?",
    re.I,
)
_INCREASE_WORDS = ("increase", "grow", "raise", "boost", "improve", "lift", "get")
_REDUCE_WORDS = ("reduce", "decrease", "cut", "lower", "drop", "shrink")
_FILLER = {
    "by",
    "to",
    "from",
    "on",
    "of",
    "in",
    "the",
    "our",
    "at",
    "least",
    "above",
    "over",
    "reach",
    "hit",
    "for",
    "a",
    "an",
    "total",
    "per",
    "week",
    "weekly",
}


@dataclass
class _Reading:
    """What has been read so far, to build either a spec or a refusal."""

    text: str
    understood: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def refuse(self) -> Refusal:
        return Refusal(tuple(self.understood), tuple(self.problems))


def parse_goal(text: str, today: date) -> GoalSpec | Refusal:
    """Read one goal line. Never raises."""
    try:
        return _parse(text, today)
    except Exception:  # a grammar bug must never reach the user as a crash
        return Refusal((), ("I could not read that as a goal",))


def _parse(text: str, today: date) -> GoalSpec | Refusal:
    line = _LEAD.sub("", " ".join(str(text).split()), count=1).strip().rstrip(".!")
    reading = _Reading(line.lower())
    if not reading.text:
        reading.problems.append("there is no goal in that message")
        return reading.refuse()
    deadline = _take_deadline(reading, today)
    direction = _take_direction(reading)
    platform = _take_platform(reading)
    number = _take_number(reading)
    metric = _take_metric(reading)
    if metric:
        reading.understood.insert(0, ("metric", catalogue.METRICS[metric].label))
    if deadline is None and not any(p.startswith("the deadline") for p in reading.problems):
        reading.problems.append("I found no deadline (add one like `by Mar 31` or `in 8 weeks`)")
    if number is None:
        reading.problems.append("I found no target (a number like `+15%` or `to 2,000`)")
    if reading.problems or metric is None or number is None or deadline is None:
        return reading.refuse()
    return _spec(reading, metric, platform, direction, number, deadline)


def _spec(
    reading: _Reading,
    metric: str,
    platform: str | None,
    direction: str,
    number: tuple[float, bool, str],
    deadline: date,
) -> GoalSpec | Refusal:
    value, is_pct, sign = number
    definition = catalogue.METRICS[metric]
    direction = REDUCE if sign == "-" or direction == REDUCE else INCREASE
    if definition.ratio_of is not None:
        kind, target = RATE, value / 100 if is_pct else value
    elif is_pct:
        kind, target = RELATIVE, value / 100
    else:
        kind, target = ABSOLUTE, value
    if target <= 0:
        reading.problems.append("a target of zero or less makes no sense")
        return reading.refuse()
    if kind == RELATIVE and direction == REDUCE and target >= 1:
        reading.problems.append("a reduction of 100% or more makes no sense")
        return reading.refuse()
    return GoalSpec(metric, kind, round(target, 10), deadline, platform, direction)


# --- deadline -----------------------------------------------------------------------------

_DEADLINE_PATTERNS = (
    re.compile(r"\b(?:by|before|until|till)\s+(?P<when>.+)$"),
    re.compile(r"\b(?P<when>in\s+\d+\s+(?:day|week|month)s?)$"),
    re.compile(r"\b(?P<when>(?:end\s+of\s+)?q[1-4](?:\s+\d{4})?)$"),
    re.compile(r"\b(?P<when>next\s+month)$"),
)


def _take_deadline(reading: _Reading, today: date) -> date | None:
    for pattern in _DEADLINE_PATTERNS:
        for match in _matches_from_left(pattern, reading.text):
            when = match.group("when").strip().rstrip(",")
            day = parse_date(when, today)
            if day is None:
                continue
            if day < today:
                reading.problems.append(
                    f"the deadline {day:%b} {day.day}, {day.year} is in the past"
                )
            else:
                reading.understood.append(("deadline", f"{day:%b} {day.day}, {day.year}"))
            reading.text = reading.text[: match.start()].strip()
            return day
    if re.search(r"\b(?:by|before|until)\s+\S+$", reading.text):
        tail = reading.text.rsplit(" ", 1)[-1]
        if not _NUMBER.fullmatch(tail):
            reading.problems.append(f"I could not read `{tail}` as a date")
    return None


def _matches_from_left(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """Every match of `pattern` anchored at the end, the earliest start first, so that
    `by 10% by March 31` tries `10% by March 31` (not a date) and then `March 31`."""
    found = []
    for start in range(len(text)):
        if start == 0 or text[start - 1] == " ":
            match = pattern.match(text, start)
            if match and match.start() == start:
                found.append(match)
    return found


def parse_date(text: str, today: date) -> date | None:
    """A deadline as people write it, resolved against `today`; None when not a date."""
    text = " ".join(text.lower().replace(",", " ").split())
    text = re.sub(r"^the\s+", "", text)
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    if m := re.fullmatch(r"in (\d+) (day|week|month)s?", text):
        count, unit = int(m.group(1)), m.group(2)
        if unit == "day":
            return today + timedelta(days=count)
        if unit == "week":
            return today + timedelta(weeks=count)
        return _add_months(today, count)
    if text in ("next month", "end of next month"):
        return _month_end(_add_months(today.replace(day=1), 1))
    if text in ("end of month", "end of the month", "month end"):
        return _month_end(today)
    if text in ("end of year", "end of the year", "year end"):
        return date(today.year, 12, 31)
    if m := re.fullmatch(r"(?:end of )?q([1-4])(?: (\d{4}))?", text):
        quarter, year = int(m.group(1)), m.group(2)
        end = _month_end(date(int(year) if year else today.year, quarter * 3, 1))
        return end if year or end >= today else _month_end(date(today.year + 1, quarter * 3, 1))
    if m := re.fullmatch(rf"end of ({_MONTH})(?: (\d{{4}}))?", text):
        month, year = _MONTHS[m.group(1)], m.group(2)
        end = _month_end(date(int(year) if year else today.year, month, 1))
        return end if year or end >= today else _month_end(date(today.year + 1, month, 1))
    m = re.fullmatch(rf"({_MONTH})\.? (\d{{1,2}})(?:st|nd|rd|th)?(?: (\d{{4}}))?", text)
    m = m or re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH})(?: (\d{{4}}))?", text)
    if m:
        first, second, year = m.groups()
        month_text, day_text = (first, second) if first in _MONTHS else (second, first)
        return _month_day(_MONTHS[month_text], int(day_text), year, today)
    return None


def _month_day(month: int, day: int, year: str | None, today: date) -> date | None:
    try:
        if year:
            return date(int(year), month, day)
        found = date(today.year, month, day)
        return found if found >= today else date(today.year + 1, month, day)
    except ValueError:
        return None


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


# --- direction, platform, number, metric -----------------------------------------------


def _take_direction(reading: _Reading) -> str:
    words = reading.text.split()
    for word in words:
        if word in _REDUCE_WORDS:
            reading.text = " ".join(w for w in words if w != word)
            reading.understood.append(("direction", "reduce"))
            return REDUCE
        if word in _INCREASE_WORDS:
            reading.text = " ".join(w for w in words if w != word)
            return INCREASE
    return INCREASE


def _take_platform(reading: _Reading) -> str | None:
    words = reading.text.split()
    for index, word in enumerate(words):
        platform = catalogue.canonical_platform(word)
        if platform:
            del words[index]
            reading.text = " ".join(words)
            reading.understood.append(("platform", catalogue.PLATFORMS[platform]))
            return platform
    match = re.search(r"\b(?:from|on)\s+([a-z][\w.-]*)", reading.text)
    if match and not catalogue.resolve_metric(match.group(1)):
        unknown = match.group(1)
        if unknown not in _FILLER:
            known = ", ".join(catalogue.PLATFORMS)
            reading.problems.append(f"`{unknown}` is not a platform I know ({known})")
            reading.text = reading.text.replace(match.group(0), " ")
    return None


def _take_number(reading: _Reading) -> tuple[float, bool, str] | None:
    match = _NUMBER.search(reading.text)
    if match is None:
        return None
    value = float(re.sub(r"[, ]", "", match.group("num")))
    multiplier = (match.group("mult") or "").lower()
    value *= {"k": 1_000, "m": 1_000_000}.get(multiplier, 1)
    is_pct = match.group("pct") is not None
    sign = match.group("sign") or ""
    shown = f"{sign}{value:g}%" if is_pct else f"{value:,.10g}"
    reading.understood.append(("target", shown))
    reading.text = (reading.text[: match.start()] + " " + reading.text[match.end() :]).strip()
    return value, is_pct, sign


def _take_metric(reading: _Reading) -> str | None:
    words = [w.strip(":,;") for w in reading.text.split()]
    words = [w for w in words if w]
    best: tuple[int, str] | None = None
    for size in range(min(4, len(words)), 0, -1):
        for start in range(len(words) - size + 1):
            phrase = " ".join(words[start : start + size])
            metric = catalogue.resolve_metric(phrase)
            if metric and (best is None or size > best[0]):
                best = (size, metric)
        if best:
            break
    if best is None:
        rest = " ".join(w for w in words if w not in _FILLER)
        if rest:
            reading.problems.append(
                f"`{rest}` is not a metric I know (try signups, donations, revenue, "
                "link clicks, reactions, engagement rate...)"
            )
        else:
            reading.problems.append("I found no metric (say which: signups, donations...)")
        return None
    return best[1]


# --- rendering ---------------------------------------------------------------------------


def render_goal(spec: GoalSpec) -> str:
    """The canonical text of a goal; `parse_goal(render_goal(s), today) == s`."""
    label = catalogue.METRICS[spec.metric].label.lower()
    scope = f"{spec.platform} " if spec.platform else ""
    deadline = f"by {spec.deadline.isoformat()}"
    if spec.kind == RELATIVE:
        sign = "-" if spec.direction == REDUCE else "+"
        return f"{scope}{label} {sign}{_number(spec.target * 100)}% {deadline}"
    prefix = "reduce " if spec.direction == REDUCE else ""
    if spec.kind == RATE:
        return f"{prefix}{scope}{label} {_number(spec.target * 100)}% {deadline}"
    return f"{prefix}{scope}{label} to {_number(spec.target)} {deadline}"


def _number(value: float) -> str:
    return f"{value:.10g}"


def describe(spec: GoalSpec) -> str:
    """A goal as a sentence for people: `Instagram signups +15% by Mar 31, 2027`."""
    label = catalogue.METRICS[spec.metric].label
    scope = f"{catalogue.PLATFORMS[spec.platform]} " if spec.platform else ""
    when = f"by {spec.deadline:%b} {spec.deadline.day}, {spec.deadline.year}"
    if spec.kind == RELATIVE:
        sign = "−" if spec.direction == REDUCE else "+"
        return f"{scope}{label} {sign}{spec.target:.0%} {when}"
    if spec.kind == RATE:
        verb = "down to" if spec.direction == REDUCE else "at"
        return f"{scope}{label} {verb} {spec.target * 100:.3g}% {when}"
    verb = "down to" if spec.direction == REDUCE else "to"
    return f"{scope}{label} {verb} {spec.target:,.10g} {when}"
