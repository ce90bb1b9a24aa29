"""The goal grammar: one line of text -> a goal, or a refusal that explains itself.

    signups +15% by March 31
    goal: increase donations by 20% by end of Q1
    Instagram link clicks to 2,000 by 2027-01-31
    revenue from LinkedIn +10% in 8 weeks
    reduce cost per signup by 10% by next month
    engagement rate 3% on tiktok by Dec 15

`parse_goal` never raises: arbitrary text gives a `GoalSpec` or a `Refusal` carrying what
was understood, what was not, and examples. `render_goal` writes a spec back as text that
parses to the same spec. Pure: `today` and the team's declared metrics are arguments.

Kinds: `relative` (a share of change, target 0.15 = +15%), `absolute` (an amount of a flow
or level metric) and `rate` (a level of a ratio: CTR and engagement rate as fractions,
cost per outcome in money). Directions are stored as `increase` / `reduce`;
`json_direction` gives the digest JSON's `up` / `down`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.core import catalogue
from bot.core.money import DEFAULT_CURRENCY, format_money, normalise_currency

EXAMPLES = (
    "signups +15% by Mar 31",
    "Instagram link clicks to 2,000 by 2027-01-31",
)

#: Examples closer to what was asked, by a word of the metric understood.
_EXAMPLES_FOR = {
    "cost per": (
        "cost per signup below $20 by Mar 31",
        "reduce cost per order by 10% by next month",
    ),
    "rate": ("engagement rate 3% on tiktok by Dec 15", "CTR above 1.5% by end of Q1"),
    "ctr": ("CTR above 1.5% by end of Q1", "engagement rate 3% on tiktok by Dec 15"),
}

RELATIVE, ABSOLUTE, RATE = "relative", "absolute", "rate"
INCREASE, REDUCE = "increase", "reduce"

#: Longest goal text read; longer messages are refused unread.
MAX_TEXT = 500
#: Longest piece of the user's text a refusal quotes (a refusal quotes at most two).
MAX_QUOTE = 40
#: Largest percentage accepted (+1,000%).
MAX_PERCENT = 1000.0

#: Cost per outcome metrics are named `cost_per_<outcome>`; the catalogue's outcomes use the
#: singular people say ("cost per order"), declared outcomes their own name.
COST_PER = "cost_per_"
_COST_NAMES: dict[str, str] = {
    "conversions": "cost_per_conversion",
    "signups": "cost_per_signup",
    "leads": "cost_per_lead",
    "orders": "cost_per_order",
    "donations": "cost_per_donation",
    "registrations": "cost_per_registration",
    "applications": "cost_per_application",
}
_COST_OUTCOMES = {name: outcome for outcome, name in _COST_NAMES.items()}


@dataclass(frozen=True, slots=True)
class GoalSpec:
    """A parsed goal. `target` is a fraction for relative goals and for percentage rates
    (0.15 = 15%), an amount of money for cost per outcome, else the metric's own units."""

    metric: str
    kind: str  # relative | absolute | rate
    target: float
    deadline: date
    platform: str | None = None
    direction: str = INCREASE  # increase | reduce


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


def json_direction(spec: GoalSpec) -> str:
    """`up` or `down`, as the digest JSON names a goal's direction."""
    return "down" if spec.direction == REDUCE else "up"


# --- metrics the grammar knows beyond the catalogue's names -----------------------------


def cost_metric(outcome: str) -> str:
    """The cost-per-outcome metric dividing spend by `outcome` (`orders` -> `cost_per_order`)."""
    return _COST_NAMES.get(outcome, COST_PER + outcome)


def cost_outcome(metric: str) -> str | None:
    """The outcome a cost-per-outcome metric divides spend by; None for any other metric."""
    if metric in _COST_OUTCOMES:
        return _COST_OUTCOMES[metric]
    return metric.removeprefix(COST_PER) if metric.startswith(COST_PER) else None


def metric_label(metric: str) -> str:
    """How a goal metric reads: the catalogue's label, else the name with spaces."""
    definition = catalogue.METRICS.get(metric)
    return definition.label if definition else metric.replace("_", " ")


def lower_is_better(metric: str) -> bool:
    """Good direction down: cost per outcome, spend, refunds, complaints."""
    definition = catalogue.METRICS.get(metric)
    return cost_outcome(metric) is not None or bool(definition and definition.lower_is_better)


def is_ratio(metric: str) -> bool:
    """A ratio of two flows (CTR, engagement rate, cost per outcome): judged as a level."""
    definition = catalogue.METRICS.get(metric)
    return cost_outcome(metric) is not None or bool(definition and definition.ratio_of)


def is_level_goal(metric: str) -> bool:
    """Compared by its latest value (followers, a rate), not summed over days."""
    return is_ratio(metric) or catalogue.is_level(metric)


def is_money_metric(metric: str, custom: Mapping[str, catalogue.Kind] | None = None) -> bool:
    """An amount in the team's currency, cost per outcome included."""
    return cost_outcome(metric) is not None or catalogue.is_money(metric, dict(custom or {}))


# --- parsing -----------------------------------------------------------------------------

_MONTHS = {
    name.lower(): index
    for index in range(1, 13)
    for name in (calendar.month_name[index], calendar.month_abbr[index])
}
_MONTHS["sept"] = 9
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_LEAD = re.compile(r"^\s*(?:<@\w+(?:\|[^>]*)?>\s*)?(?:set\s+)?(?:goal\b\s*:?)?\s*", re.I)
_SCIENTIFIC = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)?e[+-]?\d+\b")
_CURRENCY = "[$€£¥]"
#: Codes read before an amount (`usd 20`); any ISO 4217 code is read after one (`20 chf`).
_COMMON_CODES = frozenset(("usd", "eur", "gbp", "cad", "aud", "chf", "jpy", "inr", "nzd"))
_NUMBER = re.compile(
    r"(?:(?<![\d.,])(?P<sign>[+-])\s?|(?<![\w.,+-]))"
    rf"(?P<cur1>{_CURRENCY})?\s?"
    r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 2,000 and 1,250.50
    r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?(?![\d.])"  # 5.000: dots group thousands
    r"|\d{1,3}(?: \d{3})+(?![\d.,])"  # 5 000
    r"|\d+(?:\.\d+)?)"
    r"(?:\s?(?P<mult>[km])\b)?"
    r"(?:\s?(?P<pct>%))?"
    rf"(?:\s?(?P<cur2>{_CURRENCY}))?"
)
_UP_WORDS: tuple[str, ...] = (
    "at least",
    "more than",
    "above",
    "over",
    "increase",
    "grow",
    "raise",
    "boost",
)
_UP_WORDS += ("improve", "lift")
_DOWN_WORDS: tuple[str, ...] = (
    "at most",
    "less than",
    "below",
    "under",
    "reduce",
    "cut",
    "decrease",
    "lower",
)
_DOWN_WORDS += ("drop", "shrink", "down to")
_FILLER = frozenset(
    {
        *("by", "to", "from", "on", "of", "in", "via", "the", "our", "my", "we", "at", "for"),
        *("a", "an", "and", "get", "reach", "hit", "total", "per", "week", "weekly", "goal"),
        *("set", "new", "more", "make", "let's", "lets", "want"),
    }
)
_SCOPE_WORDS = frozenset(("from", "on", "via", "in"))
_UNDERSTOOD_ORDER = ("metric", "platform", "direction", "target", "deadline")
_PLATFORM_LIST = ", ".join(catalogue.PLATFORMS.values())


@dataclass(frozen=True, slots=True)
class _Number:
    value: float
    is_pct: bool
    sign: str
    #: `by 10%`: the number follows `by`, so a change word makes it a change, not a level.
    after_by: bool


@dataclass
class _Reading:
    """What has been read so far, to build either a spec or a refusal."""

    text: str
    understood: list[tuple[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def refuse(self) -> Refusal:
        said = dict(self.understood).get("metric", "").lower()
        examples = next((e for key, e in _EXAMPLES_FOR.items() if key in said), EXAMPLES)
        return Refusal(tuple(self.understood), tuple(self.problems), examples)

    def drop(self, start: int, end: int) -> None:
        self.text = " ".join((self.text[:start] + " " + self.text[end:]).split())


def _quote(text: str) -> str:
    """A piece of the user's text in a refusal, never longer than MAX_QUOTE."""
    text = text.strip()
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1] + "…"


def _custom_kinds(
    custom: Mapping[str, catalogue.Kind] | Iterable[str] | None,
) -> dict[str, catalogue.Kind]:
    if custom is None:
        return {}
    if isinstance(custom, Mapping):
        return {str(name).lower(): catalogue.Kind(kind) for name, kind in custom.items()}
    return {str(name).lower(): catalogue.Kind.OUTCOME for name in custom}


def parse_goal(
    text: str,
    today: date,
    custom: Mapping[str, catalogue.Kind] | Iterable[str] | None = None,
) -> GoalSpec | Refusal:
    """Read one goal line. `custom` is the team's declared metrics (name -> kind, or just
    names, taken as outcomes): a declared metric is a valid goal metric. Never raises."""
    try:
        return _parse(str(text), today, _custom_kinds(custom))
    except Exception:  # a grammar bug must never reach the user as a crash
        return Refusal((), ("I could not read that as a goal",))


def _parse(text: str, today: date, custom: dict[str, catalogue.Kind]) -> GoalSpec | Refusal:
    if len(text) > MAX_TEXT:
        return Refusal((), (f"a goal is one line of at most {MAX_TEXT} characters",))
    line = " ".join(text.replace("−", "-").replace("–", "-").split())
    line = _LEAD.sub("", line, count=1).strip().rstrip(".!")
    line = re.sub(r"\s?\b(?:percent|per cent|pct)\b", "%", line.lower())
    # `up 15%` and `down 5%` are signs
    line = re.sub(
        r"\b(?:(up)|down)(?:\s+by)?\s+(?=[$€£¥]?\d)", lambda m: "+" if m[1] else "-", line
    )
    reading = _Reading(line)
    if not reading.text:
        reading.problems.append("there is no goal in that message")
        return reading.refuse()
    deadline = _take_deadline(reading, today)
    _take_scientific(reading)
    number = _take_number(reading)
    direction = _take_direction(reading)
    metric = _take_metric(reading, custom)
    platform = _take_platform(reading)
    _check_leftovers(reading)
    if metric:
        reading.understood.append(("metric", metric_label(metric)))
    if platform:
        reading.understood.append(("platform", catalogue.PLATFORMS[platform]))
    reading.understood.sort(key=lambda item: _UNDERSTOOD_ORDER.index(item[0]))
    if deadline is None and not any("deadline" in p or "date" in p for p in reading.problems):
        reading.problems.append("I found no deadline (add one like `by Mar 31` or `in 8 weeks`)")
    if number is None and not any("number" in p or "notation" in p for p in reading.problems):
        reading.problems.append("I found no target (a number like `+15%` or `to 2,000`)")
    if reading.problems or metric is None or number is None or deadline is None:
        return reading.refuse()
    return _spec(reading, metric, platform, direction, number, deadline)


def _spec(
    reading: _Reading,
    metric: str,
    platform: str | None,
    direction: str | None,
    number: _Number,
    deadline: date,
) -> GoalSpec | Refusal:
    if number.sign == "-" and not number.is_pct:
        reading.problems.append(f"a negative target (-{number.value:,.10g}) makes no sense")
    elif number.value <= 0:
        reading.problems.append("a target of zero or less makes no sense")
    if is_ratio(metric) and cost_outcome(metric) is None and not number.is_pct:
        label = metric_label(metric)
        reading.problems.append(f"{label} is a percentage: say it with % (`{label} above 1.5%`)")
    if number.is_pct and number.value > MAX_PERCENT:
        reading.problems.append("a percentage above 1,000% makes no sense")
    sign_direction = {"+": INCREASE, "-": REDUCE}.get(number.sign)
    if direction and sign_direction and direction != sign_direction:
        reading.problems.append("the goal says both up and down")
    if reading.problems:
        return reading.refuse()
    direction = sign_direction or direction
    direction = direction or (REDUCE if lower_is_better(metric) else INCREASE)
    kind, target = _kind_and_target(metric, number)
    if kind == RELATIVE and direction == REDUCE and target >= 1:
        reading.problems.append("a reduction of 100% or more makes no sense")
        return reading.refuse()
    return GoalSpec(metric, kind, round(target, 10), deadline, platform, direction)


def _kind_and_target(metric: str, number: _Number) -> tuple[str, float]:
    """`+15%` of anything is a change; a percentage of a rate without a change sign or
    `by` is its level (`CTR 1.5%`); an amount of a ratio is its level (`cost per signup 20`)."""
    if number.is_pct:
        is_change = number.sign != "" or number.after_by
        if is_ratio(metric) and cost_outcome(metric) is None and not is_change:
            return RATE, number.value / 100
        return RELATIVE, number.value / 100
    return (RATE if is_ratio(metric) else ABSOLUTE), number.value


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
                impossible = _impossible_date(when)
                if impossible is None:
                    continue
                reading.problems.append(f"the deadline {impossible} does not exist")
                reading.drop(match.start(), match.end())
                return None
            shown = f"{day:%b} {day.day}, {day.year}"
            if day < today:
                reading.problems.append(f"the deadline {shown} is in the past")
            else:
                reading.understood.append(("deadline", shown))
            reading.drop(match.start(), match.end())
            return day
    if found := re.search(r"\b(?:by|before|until)\s+(\S+)$", reading.text):
        tail = found.group(1)
        if not _NUMBER.fullmatch(tail) and not _SCIENTIFIC.fullmatch(tail):
            reading.problems.append(f"I could not read `{_quote(tail)}` as a date")
            reading.drop(found.start(), found.end())
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


def _impossible_date(text: str) -> str | None:
    """`Feb 30` or `2027-02-30`: written as a date, but no such day; None otherwise."""
    text = " ".join(text.lower().replace(",", " ").split())
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        return text
    m = re.fullmatch(rf"({_MONTH})\.? (\d{{1,2}})(?:st|nd|rd|th)?(?: (\d{{4}}))?", text)
    m = m or re.fullmatch(rf"(\d{{1,2}})(?:st|nd|rd|th)? ({_MONTH})(?: (\d{{4}}))?", text)
    if m is None:
        return None
    first, second, year = m.groups()
    month_text, day_text = (first, second) if first in _MONTHS else (second, first)
    shown = f"{calendar.month_abbr[_MONTHS[month_text]]} {int(day_text)}"
    return f"{shown}, {year}" if year else shown


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


# --- number, direction, platform, metric --------------------------------------------------


def _take_scientific(reading: _Reading) -> None:
    found = _SCIENTIFIC.search(reading.text)
    if found is None:
        return
    reading.problems.append(
        f"`{_quote(found.group(0))}` is scientific notation, which I do not read: write the "
        "number out (`1,000,000,000`) or with k or m (`2k`, `1.5m`)"
    )
    reading.text = " ".join(_SCIENTIFIC.sub(" ", reading.text).split())


def _take_number(reading: _Reading) -> _Number | None:
    matches = list(_NUMBER.finditer(reading.text))
    if not matches:
        return None
    if len(matches) > 1:
        shown = ", ".join(f"`{_quote(m.group(0))}`" for m in matches[:2])
        reading.problems.append(f"I found more than one number ({shown}): a goal has one target")
        reading.text = " ".join(_NUMBER.sub(" ", reading.text).split())
        return None
    match = matches[0]
    value = _number_value(match.group("num"))
    value *= {"k": 1_000, "m": 1_000_000}.get(match.group("mult") or "", 1)
    is_pct = match.group("pct") is not None
    sign = match.group("sign") or ""
    after_by = re.search(r"\bby\s*$", reading.text[: match.start()]) is not None
    shown = f"{sign}{_number(value)}%" if is_pct else f"{sign}{_grouped(value)}"
    reading.understood.append(("target", shown))
    start, end = match.start(), match.end()
    # a currency code written out: `5000 eur`, `usd 20`
    after = re.match(r"\s*([a-z]{3})\b", reading.text[end:])
    before = re.search(r"\b([a-z]{3})\s*$", reading.text[:start])
    if after and not is_pct and normalise_currency(after.group(1)):
        end += after.end()
    elif before and not sign and before.group(1) in _COMMON_CODES:
        start = before.start()
    reading.drop(start, end)
    return _Number(value, is_pct, sign, after_by)


def _number_value(text: str) -> float:
    """`2,000`, `1,250.50`, `5.000` (dots grouping thousands), `5.000,5`, `5 000`, `1.5`."""
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        return float(text.replace(",", ""))
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", text):
        return float(text.replace(".", "").replace(",", "."))
    return float(text.replace(" ", ""))


def _take_direction(reading: _Reading) -> str | None:
    """`above`, `at least`, `increase`... -> up; `below`, `at most`, `reduce`... -> down;
    None when the line has no direction word (the sign or the metric decides)."""
    found = set()
    for words, direction in ((_UP_WORDS, INCREASE), (_DOWN_WORDS, REDUCE)):
        for word in words:
            pattern = rf"\b{word}\b"
            if re.search(pattern, reading.text):
                found.add(direction)
                reading.text = " ".join(re.sub(pattern, " ", reading.text).split())
    if len(found) > 1:
        reading.problems.append("the goal says both up and down")
        return None
    chosen = found.pop() if found else None
    if chosen:
        reading.understood.append(("direction", "down" if chosen == REDUCE else "up"))
    return chosen


def _take_platform(reading: _Reading) -> str | None:
    words = reading.text.split()
    found: list[tuple[int, int, str]] = []
    for size in (2, 1):
        for start in range(len(words) - size + 1):
            platform = catalogue.canonical_platform(" ".join(words[start : start + size]))
            taken = any(a <= start < b or a < start + size <= b for a, b, _ in found)
            if platform and not taken:
                found.append((start, start + size, platform))
    if len({p for _, _, p in found}) > 1:
        names = " and ".join(catalogue.PLATFORMS[p] for _, _, p in found[:2])
        reading.problems.append(f"a goal covers one platform or all of them, not {names}")
    spans = {i for a, b, _ in found for i in range(a, b)}
    words = [w for i, w in enumerate(words) if i not in spans]
    for index, word in enumerate(words[:-1]):
        unknown = words[index + 1].strip(":,;")
        if word in _SCOPE_WORDS and unknown not in _FILLER and not _starts_metric(unknown):
            reading.problems.append(
                f"`{_quote(unknown)}` is not a platform I know ({_PLATFORM_LIST})"
            )
            words[index + 1] = ""
    reading.text = " ".join(w for w in words if w)
    return found[0][2] if found else None


def _starts_metric(word: str) -> bool:
    return word == "cost" or any(phrase.split()[0] == word for phrase in catalogue._BY_PHRASE)


def _resolve(phrase: str, custom: Mapping[str, catalogue.Kind]) -> str | None:
    """A metric phrase -> the catalogue's name or a declared metric (`trial start` ->
    `trial_starts`); None when neither."""
    found = catalogue.resolve_metric(phrase)
    if found:
        return found
    key = "_".join(phrase.replace("-", " ").split())
    return next((name for name in (key, key + "s") if name in custom), None)


def _take_metric(reading: _Reading, custom: dict[str, catalogue.Kind]) -> str | None:
    words = [w.strip(":,;") for w in reading.text.split()]
    words = [w for w in words if w]
    best: tuple[int, int, str] | None = None  # (start, end, metric)
    not_outcome = None
    for start in range(len(words)):
        for end in range(min(len(words), start + 6), start, -1):
            phrase = " ".join(words[start:end])
            metric = _resolve(phrase, custom)
            if words[start : start + 2] == ["cost", "per"] and end > start + 2:
                outcome = _resolve(" ".join(words[start + 2 : end]), custom)
                if outcome and catalogue.is_outcome(outcome, custom):
                    metric = cost_metric(outcome)
                elif outcome:
                    not_outcome = not_outcome or " ".join(words[start + 2 : end])
            if metric and (best is None or end - start > best[1] - best[0]):
                best = (start, end, metric)
    if not_outcome and (best is None or cost_outcome(best[2]) is None):
        reading.problems.append(
            f"`{_quote(not_outcome)}` is not an outcome: cost per works with outcomes "
            "such as signups, orders, leads or donations"
        )
        reading.text = ""
        return None
    if best is None:
        rest = " ".join(w for w in words if w not in _FILLER)
        if rest:
            reading.problems.append(
                f"`{_quote(rest)}` is not a metric I know (try signups, donations, revenue, "
                "link clicks, reactions, engagement rate, cost per signup...)"
            )
        else:
            reading.problems.append("I found no metric (say which: signups, donations...)")
        reading.text = ""
        return None
    start, end, metric = best
    reading.text = " ".join(words[:start] + words[end:])
    return metric


def _check_leftovers(reading: _Reading) -> None:
    rest = [w for w in reading.text.split() if w.strip(":,;+-") not in _FILLER and w.strip("+-")]
    if rest:
        reading.problems.append(
            f"I did not understand `{_quote(' '.join(rest))}` (a platform is one of "
            f"{_PLATFORM_LIST})"
        )


# --- rendering ---------------------------------------------------------------------------


def render_goal(spec: GoalSpec) -> str:
    """The canonical text of a goal; `parse_goal(render_goal(s), today, custom) == s`."""
    label = metric_label(spec.metric).lower()
    scope = f"{spec.platform} " if spec.platform else ""
    deadline = f"by {spec.deadline.isoformat()}"
    reduce = spec.direction == REDUCE
    if spec.kind == RELATIVE:
        return f"{scope}{label} {'-' if reduce else '+'}{_number(spec.target * 100)}% {deadline}"
    if spec.kind == RATE:
        money = cost_outcome(spec.metric) is not None
        value = _number(spec.target) if money else f"{_number(spec.target * 100)}%"
        return f"{scope}{label} {'below' if reduce else 'above'} {value} {deadline}"
    word = "to" if reduce == lower_is_better(spec.metric) else ("below" if reduce else "above")
    return f"{scope}{label} {word} {_number(spec.target)} {deadline}"


def _number(value: float) -> str:
    """Plain digits, never scientific notation: `1500000`, `1.5`."""
    return f"{value:.10f}".rstrip("0").rstrip(".")


def _grouped(value: float) -> str:
    return f"{value:,.10f}".rstrip("0").rstrip(".")


def _percent(fraction: float) -> str:
    return f"{_number(round(fraction * 100, 4))}%"


def describe(spec: GoalSpec, currency: str = DEFAULT_CURRENCY) -> str:
    """A goal as a sentence for people: `Instagram signups +15% by Mar 31, 2027`,
    `cost per order below $20 by Mar 31, 2027`; money in `currency`."""
    label = metric_label(spec.metric)
    scope = f"{catalogue.PLATFORMS[spec.platform]} " if spec.platform else ""
    when = f"by {spec.deadline:%b} {spec.deadline.day}, {spec.deadline.year}"
    reduce = spec.direction == REDUCE
    if spec.kind == RELATIVE:
        return f"{scope}{label} {'−' if reduce else '+'}{_percent(spec.target)} {when}"
    if is_money_metric(spec.metric):
        amount = format_money(spec.target, currency, compact=False)
    elif spec.kind == RATE:
        amount = _percent(spec.target)
    else:
        amount = _grouped(spec.target)
    verbs = {RATE: ("above", "below")}.get(spec.kind, ("to", "at most"))
    verb = verbs[1] if reduce else verbs[0]
    return f"{scope}{label} {verb} {amount} {when}"
