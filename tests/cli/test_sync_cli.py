"""`impact sync` says per connection what happened: points, days covered, or the error."""

from __future__ import annotations

import re

from storage.crypto import generate_key
from tests.integrations.test_sync import daily_insights
from tests.support.standin import Reply, StandIn, json_file

TOKEN_INPUT = b"1234\nEAAsecretToken123456789012345\n"


def test_sync_reports_points_and_days_then_an_expired_token(impact):
    with StandIn() as api:
        api.route("GET", "/v23.0/1234", json_file("facebook/page.json"))
        api.route("GET", "/v23.0/1234/insights", daily_insights)
        api.route("GET", "/v23.0/1234/published_posts", Reply(200, {"data": []}))
        env = {"IMPACT_SECRET_KEY": generate_key(), "IMPACT_FACEBOOK_BASE_URL": api.url}
        connected = impact("connect", "facebook", "--team", "T1", stdin=TOKEN_INPUT, **env)
        assert connected.code == 0, connected.both
        synced = impact("sync", "--team", "T1", "--since", "2026-06-01", **env)
        assert synced.code == 0, synced.both
        found = re.search(
            r"River Keepers \(facebook\): ok, ([\d,]+) points stored over (\d+) days "
            r"\(2026-06-01 to (\d{4}-\d\d-\d\d)\), 0 posts",
            synced.out,
        )
        assert found, synced.out
        assert int(found[1].replace(",", "")) > 0 and int(found[2]) > 100
        again = impact("sync", "--team", "T1", **env)
        assert "River Keepers (facebook): ok, already up to date" in again.out, again.both
        api.reset()
        expired_reply = json_file("facebook/error_token_expired.json", 400)
        api.route("GET", "/v23.0/1234/insights", expired_reply)
        expired = impact("sync", "--team", "T1", "--since", "2026-11-01", **env)
    assert expired.code == 1, expired.both
    assert "River Keepers (facebook): needs reauth:" in expired.out
    assert "impact connect facebook" in expired.out or "/impact connect facebook" in expired.out
    assert "EAAsecret" not in expired.both


def test_a_csv_only_team_and_a_mistyped_team_are_explained(impact):
    path = impact.folder / "m.csv"
    path.write_text("date,platform,account,metric,value\n2026-11-09,instagram,IG-Main,likes,3\n")
    impact("import", str(path), "--team", "T1")
    csv_only = impact("sync", "--team", "T1")
    assert csv_only.code == 0, csv_only.both
    assert "nothing to sync: no connected source with credentials" in csv_only.out
    assert "IG-Main (csv): not synced, imported " in csv_only.out
    assert "impact import FILE --team T1" in csv_only.out
    typo = impact("sync", "--team", "T2")
    assert typo.code == 1
    assert "no team T2 in this database (teams here: T1)" in typo.err


def test_connect_with_a_bad_key_file_or_key_event_says_so_before_asking(impact):
    key = impact.folder / "key.json"
    key.write_text("{not json")
    bad_key = impact("connect", "ga4", "--team", "T1", "--service-account", str(key))
    assert bad_key.code == 2 and "is not a JSON key file" in bad_key.err
    bad_event = impact("connect", "ga4", "--team", "T1", "--key-event", "sign_up")
    assert bad_event.code == 2 and "'sign_up' is not EVENT=METRIC" in bad_event.err


def test_a_second_feed_of_the_same_name_in_any_case_is_refused(impact):
    env = {"IMPACT_SECRET_KEY": generate_key()}
    first = impact("feed", "create", "Donorbox", "--team", "T1", **env)
    assert first.code == 0 and "/webhooks/outcomes/donorbox-" in first.out, first.both
    again = impact("feed", "create", "donorbox", "--team", "T1", **env)
    assert again.code == 1
    assert (
        "team T1 already has a feed named 'Donorbox' (POST /webhooks/outcomes/donorbox-"
        in again.err
    )
    listed = impact("connections", "--team", "T1")
    assert listed.out.count("Donorbox") == 1 and "no events yet" in listed.out
