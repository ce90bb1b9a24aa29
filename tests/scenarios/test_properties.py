"""Properties of the judgement over many generated teams.

- Stationary noise raises (almost) no alarm: under 2% of platform-weeks, counted over many
  seeds (`make bench` prints the same figure).
- Every number in an insight's sentence is one of the insight's JSON numbers, as shown
  (a percentage of a fraction, a rounded value, a compact money amount).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from tests.scenarios import noise
from tests.scenarios import test_scenarios as scenarios
from tests.scenarios.history import judge

NUMBER = re.compile(r"(?P<sign>[+−-])?(?P<cur>[$€£])?(?P<num>\d[\d,]*(?:\.\d+)?)(?P<suf>[km%×]?)")
#: Numbers that are words of the sentence, not measurements ("per 1,000 interactions",
#: "1 order per 10 clicks").
CONSTANTS = {1.0, 1000.0}


def test_stationary_noise_raises_under_two_percent_false_alarms():
    run = noise.run(range(100))
    assert run.platform_weeks >= 2500
    assert run.rate < 0.02, f"{run.false_alarms} alarms in {run.platform_weeks} platform-weeks"
    # and never the change alarm a person would act on at once
    fired = [
        i
        for d in run.digests
        for i in d.insights
        if i.type == "engagement_without_outcome" and not i.numbers.get("lag_checked")
    ]
    assert len(fired) / run.platform_weeks < 0.01


def _numbers(value: Any) -> Iterator[float]:
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        yield float(value)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _numbers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _numbers(item)


def _explained(token: re.Match[str], values: list[float]) -> bool:
    text = token.group("num").replace(",", "")
    decimals = len(text.split(".")[1]) if "." in text else 0
    shown = float(text)
    if token.group("sign") in ("−", "-"):
        shown = -shown
    suffix = token.group("suf")
    scale = {"k": 1_000, "m": 1_000_000}.get(suffix, 1)
    shown *= scale
    tolerance = 0.5 * 10**-decimals * scale + 1e-9
    if abs(shown) in CONSTANTS and not suffix:
        return True
    for value in values:
        candidates = [value * 100] if suffix == "%" else [value, value * 100]
        if token.group("sign") is None:
            candidates += [abs(c) for c in candidates]
        if any(abs(c - shown) <= tolerance for c in candidates):
            return True
    return False


def _check(insight: dict[str, Any]) -> list[str]:
    values = list(_numbers({k: v for k, v in insight.items() if k not in ("message", "action")}))
    return [m.group(0) for m in NUMBER.finditer(insight["message"]) if not _explained(m, values)]


def test_every_number_in_a_message_is_in_the_json():
    messages = 0
    histories = [
        {
            ("instagram", "interactions"): [*scenarios.INTERACTIONS, 20910],
            ("instagram", "signups"): [14, 14, 13, 15, 14, 14, 15, 13, 14, 14, 14, 14, 16.1],
        },
        scenarios._share_gap_history(13),
        {
            ("linkedin", "interactions"): [*scenarios.LINKEDIN, 1500],
            ("linkedin", "signups"): [*scenarios.LAGGED, 35],
        },
    ]
    digests = [judge(h) for h in histories]
    digests += noise.run(range(40)).digests
    for digest in digests:
        data = digest.to_json()
        for insight in [*data["insights"], *data["standing"]]:
            unexplained = _check(insight)
            assert not unexplained, (insight["message"], unexplained, json.dumps(insight))
            messages += 1
    assert messages > 20
