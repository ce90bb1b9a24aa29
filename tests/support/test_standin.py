"""The stand-in itself answers routes in order and records what it received."""

from __future__ import annotations

import requests

from tests.support.standin import Reply, StandIn


def test_one_shot_route_then_standing_route():
    with StandIn() as api:
        api.route("GET", "/x", {"ok": True})
        api.route("GET", "/x", Reply(429, {"error": "slow down"}, {"Retry-After": "1"}), times=1)
        first = requests.get(f"{api.url}/x?a=1", timeout=5)
        second = requests.get(f"{api.url}/x", timeout=5)
        assert (first.status_code, first.headers["Retry-After"]) == (429, "1")
        assert second.json() == {"ok": True}
        assert api.calls("GET", "/x")[0].query == {"a": ["1"]}
        assert requests.post(f"{api.url}/nowhere", timeout=5).status_code == 404
