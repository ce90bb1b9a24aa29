"""Outcome webhooks through the real server: signature, replay of an id, bad bodies."""

from __future__ import annotations

import json
import time

import requests
from sqlmodel import select

from bot.core.catalogue import Kind
from bot.services.webhooks import create_feed, sign
from storage.db import session_scope
from storage.metrics import declare_metrics
from storage.tables import Connection, MetricPointRow


def deliver(harness, slug, secret, payload, *, timestamp=None, signature=None):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    ts = str(timestamp if timestamp is not None else int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Impact-Timestamp": ts,
        "X-Impact-Signature": signature or sign(secret, ts, body),
    }
    return requests.post(
        f"{harness.url}/webhooks/outcomes/{slug}", data=body, headers=headers, timeout=5
    )


def stored(harness):
    with session_scope(harness.runtime.engine) as s:
        return sorted(
            (p.metric, p.platform, str(p.day), p.value) for p in s.exec(select(MetricPointRow))
        )


def test_signed_events_are_summed_per_day_and_replays_count_once(harness):
    slug, secret = create_feed(harness.runtime, "T1", "Donorbox")
    event = {
        "metric": "donations",
        "value": 25,
        "date": "2026-11-10",
        "platform": "Instagram",
        "id": "d1",
    }
    assert deliver(harness, slug, secret, event).json() == {"ok": True}
    replay = deliver(harness, slug, secret, event)
    assert replay.status_code == 200 and replay.json()["duplicate"] is True
    assert deliver(harness, slug, secret, {**event, "id": "d2", "value": 10.5}).status_code == 200
    assert (
        deliver(
            harness, slug, secret, {"metric": "signups", "date": "2026-11-10", "id": "s1"}
        ).status_code
        == 200
    )
    assert stored(harness) == [
        ("donations", "instagram", "2026-11-10", 35.5),
        ("signups", "", "2026-11-10", 1.0),
    ]


def test_bad_signature_stale_timestamp_and_unknown_feed(harness):
    slug, secret = create_feed(harness.runtime, "T1", "Shop")
    event = {"metric": "orders", "value": 1, "id": "o1"}
    assert deliver(harness, slug, secret, event, signature="sha256=" + "0" * 64).status_code == 401
    assert (
        deliver(harness, slug, secret, event, timestamp=int(time.time()) - 900).status_code == 401
    )
    assert deliver(harness, slug, "wrong-secret", event).status_code == 401
    assert deliver(harness, "no-such-feed", secret, event).status_code == 404
    assert stored(harness) == []


def test_bad_bodies_get_400_with_the_reason(harness):
    slug, secret = create_feed(harness.runtime, "T1", "CRM")
    cases = [
        (b"{not json", "not JSON"),
        ({"metric": "signups", "value": 1}, "`id` is required"),
        ({"metric": "reactions", "value": 1, "id": "x"}, "not an outcome metric"),
        ({"metric": "signups", "value": -2, "id": "x"}, "must be a number"),
        ({"metric": "signups", "value": 1, "id": "x", "date": "10/11/2026"}, "ISO date"),
        ({"metric": "signups", "value": 1, "id": "x", "platform": "myspace"}, "unknown `platform`"),
    ]
    for payload, reason in cases:
        answer = deliver(harness, slug, secret, payload)
        assert answer.status_code == 400 and reason in answer.json()["error"], (
            payload,
            answer.text,
        )
    assert stored(harness) == []


def test_money_may_be_negative_counts_may_not_and_names_match_in_any_case(harness):
    slug, secret = create_feed(harness.runtime, "T1", "Shop")
    with session_scope(harness.runtime.engine) as s:  # as a CSV with kind money declares it
        declare_metrics(s, "T1", {"pledged": Kind.MONEY})
    day = {"date": "2026-11-10"}
    accepted = [
        {"metric": "revenue", "value": -40, "id": "r1", **day},
        {"metric": "Refunds", "value": -5.5, "id": "f1", **day},
        {"metric": "Pledged", "value": -250, "id": "p1", **day},
        {"metric": "pledged", "value": 100, "id": "p2", **day},
    ]
    for event in accepted:
        answer = deliver(harness, slug.upper(), secret, event)
        assert answer.status_code == 200, answer.text
    refused = deliver(harness, slug, secret, {"metric": "signups", "value": -2, "id": "s", **day})
    assert refused.status_code == 400
    assert "`signups` is a count" in refused.json()["error"]
    assert stored(harness) == [
        ("pledged", "", "2026-11-10", -150.0),
        ("refunds", "", "2026-11-10", -5.5),
        ("revenue", "", "2026-11-10", -40.0),
    ]
    with session_scope(harness.runtime.engine) as s:
        feed = s.exec(select(Connection).where(Connection.source == "webhook")).one()
        assert feed.last_sync_at is not None  # its freshness: the last event
