"""Reading signing headers that anyone on the internet can send: a malformed value is a bad
signature (401), never an exception.

Both Slack (`X-Slack-Request-Timestamp`) and our outcome webhooks (`X-Impact-Timestamp`)
send Unix seconds as ASCII digits; signatures are ASCII hex with a prefix.
"""

from __future__ import annotations

import hmac

#: Unix seconds fit in 10 digits until the year 2286; anything much longer is not a time.
MAX_TIMESTAMP_DIGITS = 12


def unix_seconds(raw: str | None) -> int | None:
    """The timestamp as an int, or None when it is missing, empty, not plain ASCII digits
    (no sign, no exponent, no Unicode digits) or absurdly long."""
    if not raw or len(raw) > MAX_TIMESTAMP_DIGITS or not raw.isascii() or not raw.isdigit():
        return None
    return int(raw)


def fresh(raw: str | None, now: float, max_skew: float) -> bool:
    """True when `raw` is a well-formed timestamp within `max_skew` seconds of `now`."""
    seconds = unix_seconds(raw)
    return seconds is not None and abs(now - seconds) <= max_skew


def same_signature(given: str | None, expected: str) -> bool:
    """Constant-time comparison that is simply False for a missing or non-ASCII value."""
    if not given or not given.isascii():
        return False
    return hmac.compare_digest(given.encode("ascii"), expected.encode("ascii"))
