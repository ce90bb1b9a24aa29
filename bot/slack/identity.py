"""Whose data a request is about: the team its installation is stored under.

Enterprise Grid and Slack Connect payloads name teams in several places: an org-wide
install is one installation for every workspace of the org (stored under the enterprise
id, `bot.slack.installation`); a modal opened from a Slack Connect channel carries the
installing workspace in `view.app_installed_team_id` and the user's in `team.id` (Bolt
already prefers the first); an org-wide `app_home_opened` has no team at all. Every
listener asks `team_of` instead of reading `team_id` from the payload.
"""

from __future__ import annotations

from slack_bolt import BoltContext


def team_of(context: BoltContext) -> str:
    """The installation's team for this request ('' when nothing names one)."""
    if context.is_enterprise_install and context.enterprise_id:
        return context.enterprise_id
    if context.team_id:
        return context.team_id
    result = context.authorize_result
    if result is not None and (result.team_id or result.enterprise_id):
        return result.team_id or result.enterprise_id or ""
    return context.enterprise_id or ""
