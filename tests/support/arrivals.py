"""Counting requests that arrived at a stand-in against a platform's budget (tests and
benches alike)."""

from __future__ import annotations

#: A token is taken just before its request is sent: on a loaded machine the request may
#: reach the platform this much later, so arrivals are counted over a window this shorter.
SENDING_SLACK = 0.25


def most_in_any(times: list[float], seconds: float) -> int:
    """The most requests that arrived within any `seconds`-long stretch."""
    ordered, most, first = sorted(times), 0, 0
    for last, at in enumerate(ordered):
        while at - ordered[first] >= seconds:
            first += 1
        most = max(most, last - first + 1)
    return most
