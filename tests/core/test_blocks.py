"""Block Kit rendering escapes data and keeps Slack's limits."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.blocks import escape, link, render_digest
from bot.core.digest import compose_digest
from bot.core.insights import Insight
from bot.core.model import PostRecord
from bot.core.periods import IsoWeek

WEEK = IsoWeek.parse("2026-W46")


def test_escape_and_links():
    assert escape("a < b & c > d") == "a &lt; b &amp; c &gt; d"
    assert link("https://x.test/p?a=1|2", "<b>|") == "<https://x.test/p?a=1%7C2|&lt;b&gt;¦>"
    assert link("javascript:alert(1)", "x") == "x"


def test_data_is_escaped_and_the_message_stays_within_limits():
    post = PostRecord(
        "p1",
        "instagram",
        datetime(2026, 11, 10, tzinfo=UTC),
        "https://www.instagram.com/p/1/",
        "<!channel> & friends",
        reactions=500,
    )
    series = {("instagram", "interactions"): {WEEK: 500.0}, ("instagram", "signups"): {WEEK: 1.0}}
    digest = compose_digest(
        team="T", channel="C", week=WEEK, series=series, posts=[post], goals=[], connections=[]
    )
    many = [Insight("weak_link", "instagram", "x" * 4000, "do it") for _ in range(60)]
    crowded = compose_digest(
        team="T", channel="C", week=WEEK, series=series, posts=[post], goals=[], connections=[]
    )
    object.__setattr__(crowded, "insights", many)
    text = str(render_digest(digest))
    assert "<!channel>" not in text and "&lt;!channel&gt; &amp; friends" in text
    blocks = render_digest(crowded)["blocks"]
    assert len(blocks) == 50
    assert all(
        len(b["text"]["text"]) <= 3000 for b in blocks if "text" in b and b["type"] == "section"
    )
    assert "Reply in this thread" in str(blocks[-1])


def test_period_label_in_header():
    digest = compose_digest(
        team="T",
        channel="C",
        week=WEEK,
        series={("x", "interactions"): {WEEK: 5.0}},
        posts=[],
        goals=[],
        connections=[],
    )
    assert render_digest(digest)["blocks"][0]["text"]["text"] == "Impact digest · Nov 9–15"
    assert date(2026, 11, 9) == WEEK.start
