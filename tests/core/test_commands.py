"""The `/impact` parser: every subcommand of product.md §4 becomes a typed request, and a
bad input becomes a UsageError that says what was wrong and shows that subcommand's help."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core import catalogue
from bot.core import commands as cmd
from bot.core.errors import UsageError


@pytest.mark.parametrize(
    ("text", "request_"),
    [
        ("", cmd.Help()),
        ("help", cmd.Help()),
        ("help schedule", cmd.Help("schedule")),
        ("help nonsense", cmd.Help()),
        ("status", cmd.Status()),
        ("STATUS", cmd.Status()),
        ("metrics", cmd.Metrics(None, "7d")),
        ("metrics instagram 30d", cmd.Metrics("instagram", "30d")),
        ("metrics month ig", cmd.Metrics("instagram", "month")),
        ("goals", cmd.Goals()),
        ("goal add signups +15% by Mar 31", cmd.GoalAdd("signups +15% by Mar 31")),
        ("goal add", cmd.GoalAdd("")),
        ("digest", cmd.DigestPreview()),
        ("digest post", cmd.DigestPreview(post=True)),
        ("schedule", cmd.ScheduleShow()),
        ("schedule off", cmd.ScheduleOff()),
        ("schedule monday 09:00", cmd.ScheduleSet(0, 9, 0)),
        ("schedule fri 4:30pm Europe/Berlin", cmd.ScheduleSet(4, 16, 30, "Europe/Berlin")),
        ("schedule tue 8am quiet", cmd.ScheduleSet(1, 8, 0, None, quiet=True)),
        ("connect", cmd.Connect()),
        ("connect GA4", cmd.Connect("ga4")),
        ("connect facebook token", cmd.Connect("facebook", with_token=True)),
        ("sync", cmd.Sync()),
        ("sync instagram", cmd.Sync("instagram")),
    ],
)
def test_every_subcommand_parses(text, request_):
    assert cmd.parse_command(text) == request_


@pytest.mark.parametrize(
    ("text", "says", "help_of"),
    [
        ("frobnicate", "I don't know `frobnicate`", None),
        ("status now", "`status` takes nothing after it", "status"),
        ("metrics myspace", "`myspace` is neither a platform", "metrics"),
        ("goal remove 3", "Say `goal add`", "goal"),
        ("digest publish", "`digest publish` is not something I can do", "digest"),
        ("schedule someday 09:00", "`someday` is not a day of the week", "schedule"),
        ("schedule monday 25:00", "`25:00` is not a time", "schedule"),
        ("schedule monday", "Give a day and a time", "schedule"),
        ("connect myspace", "`myspace` is not a source I know", "connect"),
        ("connect facebook now", "`facebook now` is not a source I know", "connect"),
        ("sync facebook instagram", "is not a source I know", "sync"),
    ],
)
def test_bad_input_says_what_was_wrong_with_that_subcommands_help(text, says, help_of):
    with pytest.raises(UsageError) as caught:
        cmd.parse_command(text)
    assert says in caught.value.message
    if help_of:
        assert caught.value.help_line == "Usage: " + cmd.HELP_LINES[help_of]
    else:
        assert "/impact help" in caught.value.help_line


@pytest.mark.parametrize("source", [*catalogue.SOURCES, "webhook"])
def test_connect_and_sync_take_every_catalogue_source(source):
    """A source added to the catalogue is connectable and syncable by name at once: the
    parser has no list of its own to forget it in."""
    assert cmd.parse_command(f"connect {source}") == cmd.Connect(source)
    assert cmd.parse_command(f"sync {source.upper()}") == cmd.Sync(source)


def test_a_source_the_catalogue_lacks_is_refused_with_the_list():
    with pytest.raises(UsageError) as refused:
        cmd.parse_command("connect mastodon")
    said = refused.value.for_user()
    assert "`mastodon` is not a source I know" in said
    assert all(source in said for source in catalogue.SOURCES)


def test_goal_text_keeps_its_own_spacing_and_case():
    assert cmd.parse_command("goal add  Signups +15%  by Mar 31").text == "Signups +15%  by Mar 31"


@pytest.mark.parametrize(
    ("word", "expected"), [("9am", (9, 0)), ("12am", (0, 0)), ("12:30pm", (12, 30)), ("7", (7, 0))]
)
def test_times(word, expected):
    assert cmd.parse_time(word) == expected


@pytest.mark.parametrize("word", ["13pm", "24:00", "9:60", "noon"])
def test_not_times(word):
    assert cmd.parse_time(word) is None


def test_help_lists_every_subcommand():
    text = cmd.help_text()
    for line in cmd.HELP_LINES.values():
        assert line in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("settings", cmd.TeamSettings()),
        ("settings currency eur", cmd.TeamSettings(currency="EUR")),
        (
            "settings minutes-per-reply 2,5 country de currency GBP",
            cmd.TeamSettings(currency="GBP", country="DE", minutes_per_reply=2.5),
        ),
        ("settings minutes_per_reply 60", cmd.TeamSettings(minutes_per_reply=60.0)),
    ],
)
def test_settings_parse(text, expected):
    assert cmd.parse_command(text) == expected


@given(st.lists(st.text(max_size=12).filter(lambda w: w.strip() == w and w), max_size=6))
def test_settings_parse_or_explain_with_an_example(words):
    try:
        request = cmd.parse_settings(words)
    except UsageError as err:
        assert "/impact settings" in err.for_user()
    else:
        minutes = request.minutes_per_reply
        assert minutes is None or 0 < minutes <= cmd.MAX_MINUTES_PER_REPLY
        assert request.currency is None or len(request.currency) == 3
