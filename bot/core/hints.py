"""Hints that name a next step: every command a hint names works for that source and team.

A source with a connector is connected with `/impact connect <source>`; any other source's
numbers come in by CSV import (`impact import FILE --team <the team's id>`), and outcomes
also by a signed webhook feed. Which sources have a connector is the shell's knowledge
(`integrations.registry`), passed in as `connectable`. Pure.
"""

from __future__ import annotations

from collections.abc import Collection

from bot.core import catalogue

#: Sources that only ever bring outcomes (a webhook feed can stand in for them).
OUTCOME_SOURCES = frozenset({"ga4", "stripe", "shopify", "hubspot"})
#: Example platforms named first when a hint suggests connecting a social account.
PREFERRED = ("instagram", "facebook", "linkedin")


def source_name(source: str) -> str:
    known = catalogue.SOURCES.get(source)
    return (
        catalogue.PLATFORMS.get(source)
        or {"ga4": "GA4"}.get(source)
        or (known.label if known else source.capitalize())
    )


def import_command(team_id: str | None) -> str:
    """The CSV import, with the team's real id when it is known."""
    return f"`impact import FILE --team {team_id or 'YOUR_TEAM_ID'}`"


def feed_command(team_id: str | None) -> str:
    return f"`impact feed create shop --team {team_id or 'YOUR_TEAM_ID'}`"


def webhook_instructions(team_id: str | None) -> str:
    """The answer to `/impact connect webhook`."""
    return (
        f"Create a signed outcome feed with {feed_command(team_id)} (any name instead of "
        "`shop`): it prints the URL and the secret your system signs events with."
    )


def source_hint(source: str, connectable: Collection[str], team_id: str | None) -> str:
    """How to bring in `source`'s numbers."""
    if source in connectable:
        return f"connect it with `/impact connect {source}`"
    text = (
        f"{source_name(source)} is not connectable from Slack yet: import its numbers from a "
        f"CSV with {import_command(team_id)}"
    )
    if source in OUTCOME_SOURCES:
        text += ", or send its outcomes to a webhook feed (`/impact connect webhook` says how)"
    return text + "."


def connect_examples(connectable: Collection[str]) -> list[str]:
    """Connectable social platforms, the usual ones first."""
    preferred = [p for p in PREFERRED if p in connectable]
    return preferred + [p for p in catalogue.PLATFORMS if p in connectable and p not in PREFERRED]


def no_data_hint(
    metric: str, platform: str | None, connectable: Collection[str], team_id: str | None
) -> str:
    """What would provide a goal's metric that has no data yet."""
    if catalogue.is_outcome(metric):
        ways = ["send outcomes to a webhook feed (`/impact connect webhook`)"]
        if "ga4" in connectable:
            ways.insert(0, "connect GA4 (`/impact connect ga4`)")
        ways.append(f"import a CSV ({import_command(team_id)})")
        return ", ".join(ways[:-1]) + " or " + ways[-1]
    if platform:
        if platform in connectable:
            return f"connect {source_name(platform)}: `/impact connect {platform}`"
        return (
            f"{source_name(platform)} is not connectable yet: import its numbers from a CSV "
            f"with {import_command(team_id)}"
        )
    examples = connect_examples(connectable)[:2]
    if not examples:
        return f"import a CSV with {import_command(team_id)}"
    named = " or ".join(f"`/impact connect {p}`" for p in examples)
    return f"connect a social account ({named}), or import a CSV with {import_command(team_id)}"


def sentence(text: str) -> str:
    """`text` with its first letter capitalised (and the rest, names and ids, kept)."""
    return text[:1].upper() + text[1:]


def nothing_to_sync(source: str | None, connectable: Collection[str], team_id: str | None) -> str:
    """After a sync that found nothing: how to get something to sync."""
    if source:
        return sentence(source_hint(source, connectable, team_id))
    examples = " or ".join(f"`/impact connect {p}`" for p in connect_examples(connectable)[:2])
    return f"Connect a source ({examples}), or import a CSV with {import_command(team_id)}."
