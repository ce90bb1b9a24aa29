"""`impact import`: a CSV file of metrics or posts into one team, all or nothing.

The file is streamed once. Rows are written in batches inside one transaction while no
error has been seen; the first bad row stops writing, checking goes on to report every bad
row, and the transaction is rolled back, so a file with any bad row imports nothing.
Upserts make a second import of the same file change nothing.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.core import catalogue, csvrows
from bot.core.catalogue import Kind
from bot.core.csvrows import MetricRow, PostRow, RowError
from bot.core.errors import UsageError
from storage.db import session_scope
from storage.metrics import (
    custom_kinds,
    declare_metrics,
    ensure_team,
    get_or_create_connection,
    upsert_point_tuples,
    upsert_posts,
)
from storage.tables import Connection, MetricPointRow
from storage.tables import PostRow as PostTable

SOURCE = "csv"
MAX_REPORTED = 200


@dataclass
class ImportReport:
    kind: str  # metrics | posts
    rows: int = 0
    new: int = 0
    changed: int = 0
    accounts: set[str] = field(default_factory=set)
    errors: list[RowError] = field(default_factory=list)
    more_errors: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unchanged(self) -> int:
        return self.rows - self.new - self.changed

    def summary(self) -> str:
        if not self.ok:
            lines = [f"Nothing imported: {len(self.errors) + self.more_errors} bad rows."]
            lines += [f"  {error}" for error in self.errors]
            if self.more_errors:
                lines.append(f"  ... and {self.more_errors} more")
            return "\n".join(lines)
        what = "metric rows" if self.kind == "metrics" else "posts"
        return (
            f"Imported {self.rows:,} {what} for {len(self.accounts)} "
            f"account{'s' if len(self.accounts) != 1 else ''}: {self.new:,} new, "
            f"{self.changed:,} changed, {self.unchanged:,} unchanged."
        )


class _Abort(Exception):
    """Raised inside the transaction to roll it back once the file had errors."""


def import_csv(engine: Engine, path: Path, team_id: str) -> ImportReport:
    """Import `path` into `team_id`. A bad header raises UsageError; bad rows are reported."""
    if not path.is_file():
        raise UsageError(f"{path} does not exist or is not a file.")
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        kind = csvrows.detect_format(header)
        report = ImportReport(kind)
        try:
            with session_scope(engine) as session:
                ensure_team(session, team_id)
                if kind == "metrics":
                    _import_metrics(session, team_id, reader, report)
                else:
                    _import_posts(session, team_id, reader, report)
                if not report.ok:
                    raise _Abort
        except _Abort:
            report.new = report.changed = 0
    return report


def _record(report: ImportReport, error: RowError) -> None:
    if len(report.errors) < MAX_REPORTED:
        report.errors.append(error)
    else:
        report.more_errors += 1


class _Accounts:
    """Connections of the file's accounts, created on first sight, one platform each."""

    def __init__(self, session: Session, team_id: str) -> None:
        self.session, self.team_id = session, team_id
        self.by_name: dict[str, Connection] = {}
        self.platform: dict[str, str] = {}

    def check(self, account: str, platform: str, engagement: bool) -> str | None:
        if not engagement:
            return None
        seen = self.platform.setdefault(account, platform)
        if seen != platform:
            return (
                f"account '{account}' already has {seen} rows; one account is one platform "
                f"(name the {platform} account differently)"
            )
        return None

    def get(self, account: str) -> Connection:
        connection = self.by_name.get(account)
        if connection is None:
            connection = get_or_create_connection(
                self.session,
                self.team_id,
                SOURCE,
                account,
                platform=self.platform.get(account),
                display_name=account,
            )
            self.by_name[account] = connection
        elif connection.platform is None and account in self.platform:
            connection.platform = self.platform[account]
        return connection


def _count(session: Session, table: Any, team_id: str) -> int:
    return int(
        session.execute(
            select(func.count()).select_from(table).where(table.c.team_id == team_id)
        ).scalar_one()
    )


def _import_metrics(session: Session, team_id: str, reader: Any, report: ImportReport) -> None:
    """Check and write metric rows: the checked rows stream straight into one upsert."""
    custom = custom_kinds(session, team_id)
    declared: dict[str, Kind] = {}
    before = _count(session, MetricPointRow.__table__, team_id)
    points = _checked_points(session, team_id, reader, report, custom, declared)
    affected = upsert_point_tuples(session, points, count_changes=True)
    if report.errors:
        return
    declare_metrics(session, team_id, declared)
    report.new = _count(session, MetricPointRow.__table__, team_id) - before
    report.changed = max(0, affected - report.new)


def _checked_points(
    session: Session,
    team_id: str,
    reader: Any,
    report: ImportReport,
    custom: dict[str, Kind],
    declared: dict[str, Kind],
) -> Iterator[tuple[int, str, str, str, str, float]]:
    """Point tuples of the good rows, until the first bad row; every row is checked.

    Each distinct (platform, account, metric, kind) and each distinct date is fully parsed
    once. Later rows with ones already seen take a fast path that only converts and checks
    the value. Each combination keeps the values it has seen in a list indexed by day number
    (`_SeenValues`), so catching a point given twice costs one list index. That keeps a
    million-row import close to the rate of a plain insert.
    """
    accounts = _Accounts(session, team_id)
    # raw (platform, account, metric[, kind]) -> (values seen by day number, connection id,
    # metric, platform)
    combos: dict[tuple[str, ...], tuple[Any, int, str, str]] = {}
    slots = _SeenValues()
    dates: dict[str, tuple[str, int]] = {}  # raw date -> ISO date, day number
    rows = 0
    writing = True
    inf = math.inf
    for fields in reader:
        width = len(fields)
        if width == 5:
            raw_day, platform, account, metric, raw_value = fields
            combo = combos.get((platform, account, metric))
        elif width == 6:
            raw_day, platform, account, metric, raw_value, kind = fields
            combo = combos.get((platform, account, metric, kind))
        else:
            combo = None
        known = dates.get(raw_day) if combo is not None else None
        value = -1.0
        if known is not None:
            try:
                value = float(raw_value)
            except ValueError:
                value = -1.0  # not a number: the full parse below says so
        if not 0 <= value < inf:  # also NaN, and every row the fast path did not take
            if not fields or not any(f.strip() for f in fields):
                continue
            row = csvrows.parse_metric_row(reader.line_num, fields, {**custom, **declared})
            if isinstance(row, MetricRow):
                row = _check_combo(row, accounts, declared, custom)
            if isinstance(row, RowError):
                _record(report, row)
                writing = False
                continue
            raw = _combo_key(fields)
            combo = combos.get(raw)
            if combo is None:
                connection_id = accounts.get(row.account).id or 0
                combo = combos[raw] = (slots.new(), connection_id, row.metric, row.platform)
            known = dates.get(fields[0])
            if known is None:
                known = dates[fields[0]] = (row.day.isoformat(), len(dates))
            value = row.value
        seen, connection_id, metric, platform = combo
        day, number = known
        try:
            previous = seen[number]
        except IndexError:  # a list that must grow
            previous = None
            if not slots.grow(seen, number):
                seen = slots.as_dict(seen)
                combos[_combo_key(fields)] = (seen, connection_id, metric, platform)
        except KeyError:  # a dict (past the memory cap)
            previous = None
        if previous is None:
            seen[number] = value
        else:
            if previous != value:
                problem = (
                    f"{metric} for {fields[2].strip()} on {day} appears twice with different "
                    f"values ({previous:g} and {value:g}): keep one"
                )
                _record(report, RowError(reader.line_num, problem))
                writing = False
            else:
                rows += 1  # the very same row again: written once
            continue
        rows += 1
        if writing:
            yield (connection_id, team_id, metric, platform, day, value)
    report.rows = rows
    report.accounts = set(accounts.by_name)


def _combo_key(fields: list[str]) -> tuple[str, ...]:
    """(platform, account, metric[, kind]) as written: the key the fast path builds inline."""
    return tuple(fields[1:4] + fields[5:6])


class _SeenValues:
    """Per-combination stores of the values seen, by day number: lists while the lists of
    all combinations together stay under CAP slots (a list index is several times cheaper
    than a dict lookup), dicts after that (memory grows with rows, not combinations × dates,
    for the rare sparse file with thousands of combinations and dates)."""

    CAP = 8_000_000  # slots of 8 bytes: 64 MB

    def __init__(self) -> None:
        self.slots = 0

    def new(self) -> list[float | None] | dict[int, float]:
        return [] if self.slots < self.CAP else {}

    def grow(self, seen: list[float | None], number: int) -> bool:
        """Make room for `number` (doubling, so a file in date order grows rarely); False
        when that would pass the cap."""
        more = max(number + 1, 2 * len(seen), 64) - len(seen)
        if self.slots + more > self.CAP:
            return False
        seen.extend([None] * more)
        self.slots += more
        return True

    def as_dict(self, seen: list[float | None]) -> dict[int, float]:
        self.slots -= len(seen)
        return {number: value for number, value in enumerate(seen) if value is not None}


def _check_combo(
    row: MetricRow, accounts: _Accounts, declared: dict[str, Kind], custom: dict[str, Kind]
) -> MetricRow | RowError:
    problem = accounts.check(row.account, row.platform, row.kind is not Kind.OUTCOME)
    if problem:
        return RowError(row.line, problem)
    if row.metric not in catalogue.METRICS and custom.get(row.metric) is not row.kind:
        declared[row.metric] = row.kind
    return row


def _import_posts(session: Session, team_id: str, reader: Any, report: ImportReport) -> None:
    accounts = _Accounts(session, team_id)
    seen: set[tuple[str, str]] = set()
    rows: dict[str, list[PostRow]] = {}
    before = _count(session, PostTable.__table__, team_id)
    for line, fields in enumerate(reader, start=2):
        if not fields or not any(f.strip() for f in fields):
            continue
        row = csvrows.parse_post_row(line, fields)
        if isinstance(row, PostRow):
            key = (row.account, row.post.external_id)
            if key in seen:
                row = RowError(line, f"post {row.post.external_id} appears twice")
            else:
                seen.add(key)
                problem = accounts.check(row.account, row.post.platform, True)
                if problem:
                    row = RowError(line, problem)
        if isinstance(row, RowError):
            _record(report, row)
            continue
        report.rows += 1
        report.accounts.add(row.account)
        rows.setdefault(row.account, []).append(row)
    if report.errors:
        return
    affected = 0
    for account, posts in rows.items():
        affected += upsert_posts(
            session, accounts.get(account), [p.post for p in posts], count_changes=True
        )
    report.new = _count(session, PostTable.__table__, team_id) - before
    report.changed = max(0, affected - report.new)
