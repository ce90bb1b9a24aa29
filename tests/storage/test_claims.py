"""The compare-and-set claims of storage's repositories, on each backend: two instances that
read the same row both try, in their own transactions, and exactly one wins. The digest
run's first claim (an insert) is raced on threads in tests/services/test_replicas.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from storage import connections, oauth_states, runs, syncs
from storage.db import session_scope
from storage.metrics import ensure_team, get_or_create_connection
from storage.oauth_states import LoginState
from tests.services.test_replicas import at_once

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)


def a_connection(engine, *, health: str = "ok", synced: datetime | None = None) -> int:
    with session_scope(engine) as session:
        ensure_team(session, "T1")
        row = get_or_create_connection(session, "T1", "instagram", "ig-1", platform="instagram")
        row.credentials_enc, row.health, row.last_sync_at = b"sealed", health, synced
        session.flush()
        return row.id or 0


def one_of_two(engine, claim) -> list[bool]:
    """`claim(session)` in two transactions, one after the other, on what both read first."""
    answers = []
    for _ in range(2):
        with session_scope(engine) as session:
            answers.append(claim(session))
    return answers


def test_a_sync_lease_goes_to_one_of_two_schedulers(engine):
    connection_id = a_connection(engine, synced=NOW)
    with session_scope(engine) as session:
        assert syncs.lease_candidates(session) == [(connection_id, NOW)]
    won = one_of_two(engine, lambda s: syncs.take_lease(s, connection_id, NOW, LATER))
    assert won == [True, False]
    with session_scope(engine) as session:
        assert syncs.lease_candidates(session) == [(connection_id, LATER)]


def test_a_never_synced_connection_is_leased_once(engine):
    connection_id = a_connection(engine, synced=None)
    won = one_of_two(engine, lambda s: syncs.take_lease(s, connection_id, None, NOW))
    assert won == [True, False]


def test_a_lease_on_threads_at_once_goes_to_one(engine):
    connection_id = a_connection(engine, synced=NOW)

    def take(_i: int) -> bool:
        with session_scope(engine) as session:
            return syncs.take_lease(session, connection_id, NOW, LATER)

    assert sorted(at_once(take, 4)) == [False, False, False, True]


def test_an_expired_token_is_announced_by_one_instance(engine):
    connection_id = a_connection(engine, health="needs_reauth")
    with session_scope(engine) as session:
        assert [f[0] for f in connections.unannounced_failures(session)] == [connection_id]
    won = one_of_two(engine, lambda s: connections.claim_announcement(s, connection_id, NOW))
    assert won == [True, False]
    with session_scope(engine) as session:
        assert connections.unannounced_failures(session) == []


def a_run(engine, week: str = "2026-W47") -> runs.Run:
    with session_scope(engine) as session:
        ensure_team(session, "T1")
        assert runs.claim_new(session, "T1", "C1", week, "dead", NOW) is not None
    with session_scope(engine) as session:
        run = runs.run_of(session, "T1", "C1", week)
    assert run is not None and run.status == runs.CLAIMED and run.attempts == 1
    return run


def test_a_claimed_run_is_claimed_again_by_no_one_but_a_takeover(engine):
    a_run(engine)
    with session_scope(engine) as session:
        assert runs.claim_new(session, "T1", "C1", "2026-W47", "other", NOW) is None


def test_a_stale_run_is_taken_over_by_one_of_two(engine):
    run = a_run(engine)
    won = one_of_two(engine, lambda s: runs.take_over(s, run, "new", LATER))
    assert won == [True, False]
    with session_scope(engine) as session:
        taken = runs.run_of(session, "T1", "C1", "2026-W47")
    assert taken is not None
    assert (taken.claimed_by, taken.attempts, taken.claimed_at) == ("new", 2, LATER)


def test_a_lost_run_is_queued_again_by_one_of_two_clocks(engine):
    run = a_run(engine)
    won = one_of_two(engine, lambda s: runs.requeue(s, run, LATER))
    assert won == [True, False]
    with session_scope(engine) as session:
        queued = runs.run_of(session, "T1", "C1", "2026-W47")
    assert queued is not None and queued.status == runs.QUEUED


def test_a_login_state_is_taken_once(engine):
    login = LoginState("facebook", "T1", "U1", "C1", None, b"sealed", LATER)
    with session_scope(engine) as session:
        oauth_states.add_state(session, "s1", login, NOW)
    taken = one_of_two(engine, lambda s: oauth_states.take_state(s, "s1", "facebook"))
    assert taken == [login, None]


def test_a_login_state_of_another_source_is_not_taken(engine):
    login = LoginState("facebook", "T1", "U1", "C1", None, None, LATER)
    with session_scope(engine) as session:
        oauth_states.add_state(session, "s1", login, NOW)
        assert oauth_states.take_state(session, "s1", "linkedin") is None
        assert oauth_states.take_state(session, "s1", "facebook") == login
