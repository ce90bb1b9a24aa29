"""GET /metrics on the served app after real Slack traffic: what a dashboard would show."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from bot.metrics import ack_kind
from tests.slack.conftest import sign, wait_for
from tests.support.scrape import names, scrape, value


def acks(samples, **labels):
    return value(samples, "impact_ack_seconds_count", **labels)


def test_an_ack_and_the_job_behind_it_are_counted_and_timed(harness):
    url = f"{harness.url}/metrics"
    before = scrape(url)
    assert acks(before, kind="command", name="goal") is None  # nothing acked yet
    assert value(before, "impact_job_seconds_count", actor="answer_slack") == 0.0
    assert value(before, "impact_database_up") == 1.0
    assert value(before, "impact_queue_depth", queue="answers") == 0.0

    assert harness.command("goal add vibes +15% by Mar 31").status_code == 200
    assert "`vibes` is not a metric" in harness.responses()[0]["text"]  # the job answered

    # the job is counted when it finishes, a moment after its answer reached Slack
    after = wait_for(
        lambda: (
            (s := scrape(url))
            and value(s, "impact_job_seconds_count", actor="answer_slack") == 1.0
            and s
        )
    )
    assert acks(after, kind="command", name="goal") == 1.0
    ack_seconds = value(after, "impact_ack_seconds_sum", kind="command", name="goal")
    assert ack_seconds is not None and 0 < ack_seconds < 3  # inside Slack's three seconds
    # the histogram's buckets agree with the count: the ack sits in one of them
    assert value(after, "impact_ack_seconds_bucket", kind="command", name="goal", le="3.0") == 1.0
    job_seconds = value(after, "impact_job_seconds_sum", actor="answer_slack")
    assert job_seconds is not None and job_seconds > 0
    assert value(after, "impact_job_wait_seconds_count", actor="answer_slack") == 1.0
    assert value(after, "impact_job_failures_total", actor="answer_slack") == 0.0
    assert value(after, "impact_queue_depth", queue="answers") == 0.0  # taken and done


def test_what_people_type_never_becomes_a_label_and_refusals_are_counted_apart(harness):
    url = f"{harness.url}/metrics"
    harness.command("hunter2 my-password")  # an unknown subcommand, answered in the ack
    harness.command("")  # help
    body = urlencode({"command": "/impact", "text": "help"}).encode()
    stale = harness.post(body, "application/x-www-form-urlencoded", signed=sign(body, 1))
    assert stale.status_code == 401

    samples = scrape(url)
    assert acks(samples, kind="command", name="other") == 1.0
    assert acks(samples, kind="command", name="help") == 1.0
    assert "hunter2" not in json.dumps(sorted(map(str, samples)))
    assert value(samples, "impact_slack_refused_total", status="401") == 1.0
    # the refused request is not an ack
    assert sum(v for (n, _), v in samples.items() if n == "impact_ack_seconds_count") == 2.0


def test_the_page_has_every_family_a_dashboard_needs(harness):
    samples = scrape(f"{harness.url}/metrics")
    expected = {
        "impact_database_up",
        "impact_queue_depth",
        "impact_digests_posted_total",
        "process_cpu_seconds_total",
    }
    assert expected <= names(samples)
    assert value(samples, "impact_digests_posted_total") == 0.0


def test_ack_kinds_name_what_slack_sent():
    def form(**fields):
        return urlencode(fields).encode()

    assert ack_kind(form(command="/impact", text="Digest post")) == ("command", "digest")
    assert ack_kind(form(command="/impact", text="")) == ("command", "help")
    assert ack_kind(form(command="/impact", text="? goal")) == ("command", "help")
    assert ack_kind(form(command="/impact", text="rm -rf /")) == ("command", "other")
    assert ack_kind(form(payload=json.dumps({"type": "block_actions"}))) == (
        "interaction",
        "block_actions",
    )
    assert ack_kind(form(payload=json.dumps({"type": "Robert'); DROP"}))) == (
        "interaction",
        "other",
    )
    assert ack_kind(form(payload="{not json")) == ("interaction", "other")
    event = {"type": "event_callback", "event": {"type": "app_mention"}}
    assert ack_kind(json.dumps(event).encode()) == ("event", "app_mention")
    assert ack_kind(b'{"type": "url_verification"}') == ("event", "url_verification")
    assert ack_kind(b"{broken") == ("other", "other")
    assert ack_kind(form(ssl_check="1", token="x")) == ("other", "ssl_check")
