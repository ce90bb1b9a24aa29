"""`impact import`: a CSV file of metrics or posts into one team, all or nothing.

The file is streamed once. Rows are written in batches inside one transaction while no
error has been seen; the first bad row stops writing, checking goes on to report every bad
row, and the transaction is rolled back, so a file with any bad row imports nothing.
Upserts make a second import of the same file change nothing.
"""

from __future__ import annotations

import codecs
import csv
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from bot.core import catalogue, csvrows
from bot.core.catalogue import Kind
from bot.core.csvrows import MetricRow, PostRow, RowError
from bot.core.errors import UsageError
from bot.core.wording import plural
from storage import connections, teams
from storage.db import Engine, Session, session_scope
from storage.metrics import (
    count_points,
    count_posts,
    custom_kinds,
    declare_metrics,
    store_posts,
    upsert_point_tuples,
)

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
    #: Said before the summary, e.g. that the file was read as Windows-1252.
    note: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def unchanged(self) -> int:
        return self.rows - self.new - self.changed

    def summary(self) -> str:
        lines = [self.note] if self.note else []
        if not self.ok:
            bad = len(self.errors) + self.more_errors
            lines.append(f"Nothing imported: {plural(bad, 'bad row')}.")
            lines += [f"  {error}" for error in self.errors]
            if self.more_errors:
                lines.append(f"  ... and {self.more_errors:,} more")
            return "\n".join(lines)
        what = "metric row" if self.kind == "metrics" else "post"
        lines.append(
            f"Imported {plural(self.rows, what)} for {plural(len(self.accounts), 'account')}: "
            f"{self.new:,} new, {self.changed:,} changed, {self.unchanged:,} unchanged."
        )
        return "\n".join(lines)


class _Abort(Exception):
    """Raised inside the transaction to roll it back once the file had errors."""


def import_csv(
    engine: Engine, path: Path, team_id: str, *, now: datetime | None = None
) -> ImportReport:
    """Import `path` into `team_id`. A bad header, a file that is not CSV or not text in
    UTF-8 or Windows-1252 raise UsageError; bad rows are reported. `now` is recorded as the
    import time of the file's connections ("imported Nov 20")."""
    if not path.is_file():
        raise UsageError(f"{path} does not exist or is not a file.")
    encoding, note = text_encoding(path)
    with path.open(newline="", encoding=encoding) as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, [])
        except csv.Error as err:
            raise UsageError(f"line 1 of {path.name} cannot be read as CSV: {err}.") from None
        kind = csvrows.detect_format(header)
        report = ImportReport(kind, note=note)
        try:
            with session_scope(engine) as session:
                teams.ensure(session, team_id)
                if kind == "metrics":
                    accounts = _import_metrics(session, team_id, reader, report)
                else:
                    accounts = _import_posts(session, team_id, reader, report)
                if not report.ok:
                    raise _Abort
                accounts.mark_imported(now or datetime.now(UTC))
        except _Abort:
            report.new = report.changed = 0
        except csv.Error as err:  # rolled back: the file is not CSV past some line
            report.new = report.changed = 0
            _record(report, RowError(reader.line_num, f"cannot be read as CSV: {err}"))
    return report


#: How much of a file is decoded at a time while its encoding is checked.
_CHUNK = 1 << 20


def text_encoding(path: Path) -> tuple[str, str | None]:
    """(codec to open `path` with, a note for the person or None).

    UTF-8 (with or without a BOM) is read as is. A file that is not UTF-8 but decodes cleanly
    as Windows-1252 (an Excel export) is read as that, and the note says so. Anything else
    raises UsageError naming the encoding; the whole file is checked before a row is read.
    """
    with path.open("rb") as handle:
        head = handle.read(4)
        if head.startswith(b"PK\x03\x04"):
            raise UsageError(
                f"{path.name} is an Excel workbook (.xlsx), not a CSV file.",
                "In Excel: File > Save As > CSV UTF-8 (Comma delimited), then import that file.",
            )
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            raise UsageError(
                f"{path.name} is encoded as UTF-16, which Impact does not read.",
                "Save it as CSV UTF-8 (Excel: File > Save As > CSV UTF-8) and import again.",
            )
        handle.seek(0)
        if _decode_error(handle, "utf-8-sig") is None:
            return "utf-8-sig", None
        handle.seek(0)
        failed = _decode_error(handle, "cp1252")
    if failed is None:
        return "cp1252", f"{path.name} is not UTF-8: read it as Windows-1252 (an Excel export)."
    byte, line = failed
    raise UsageError(
        f"{path.name} is neither UTF-8 nor Windows-1252: byte 0x{byte:02x} on line {line} is "
        "not text in either encoding, so nothing was imported.",
        "Save the file as CSV UTF-8 (Excel: File > Save As > CSV UTF-8) and import again.",
    )


def _decode_error(handle: BinaryIO, encoding: str) -> tuple[int, int] | None:
    """(first byte that does not decode, its line number), or None when all of it decodes."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 1
    while True:
        chunk = handle.read(_CHUNK)
        try:
            decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as err:
            data = err.object if isinstance(err.object, bytes) else chunk
            return data[err.start], lines + data[: err.start].count(b"\n")
        if not chunk:
            return None
        lines += chunk.count(b"\n")


def _record(report: ImportReport, error: RowError) -> None:
    if len(report.errors) < MAX_REPORTED:
        report.errors.append(error)
    else:
        report.more_errors += 1


class _Accounts:
    """Connections of the file's accounts, one platform each. Names match case-insensitively
    (`IG-Main` is `ig-main`): an existing connection of that name takes the rows (the exact
    spelling first, else the oldest), else one is created under the first spelling seen."""

    def __init__(self, session: Session, team_id: str) -> None:
        self.session, self.team_id = session, team_id
        self.by_key: dict[str, int] = {}  # connection ids
        self.platform: dict[str, str] = {}
        self._stored: dict[str, int] | None = None

    @staticmethod
    def key(account: str) -> str:
        return account.strip().casefold()

    def check(self, account: str, platform: str, engagement: bool) -> str | None:
        if not engagement:
            return None
        seen = self.platform.setdefault(self.key(account), platform)
        if seen != platform:
            return (
                f"account '{account}' already has {seen} rows; one account is one platform "
                f"(name the {platform} account differently)"
            )
        return None

    def get(self, account: str) -> int:
        """The id of the account's connection (found or created)."""
        key = self.key(account)
        connection_id = self.by_key.get(key)
        if connection_id is None:
            connection_id = self._stored_match(account)
            if connection_id is None:
                connection_id = connections.ensure_connection(
                    self.session,
                    self.team_id,
                    SOURCE,
                    account,
                    platform=self.platform.get(key),
                    display_name=account,
                )
            self.by_key[key] = connection_id
        if key in self.platform:
            connections.give_platform(self.session, connection_id, self.platform[key])
        return connection_id

    def _stored_match(self, account: str) -> int | None:
        if self._stored is None:
            stored = connections.accounts_of(self.session, self.team_id, SOURCE)
            self._stored = {name: c.id for name, c in stored.items()}
        if account in self._stored:
            return self._stored[account]
        matches = [c for name, c in self._stored.items() if self.key(name) == self.key(account)]
        return min(matches) if matches else None

    def mark_imported(self, when: datetime) -> None:
        """Record the import time on every connection the file wrote to: their freshness."""
        connections.mark_imported(self.session, list(self.by_key.values()), when)


def _import_metrics(session: Session, team_id: str, reader: Any, report: ImportReport) -> _Accounts:
    """Check and write metric rows: the checked rows stream straight into one upsert."""
    custom = custom_kinds(session, team_id)
    declared: dict[str, Kind] = {}
    accounts = _Accounts(session, team_id)
    before = count_points(session, team_id)
    points = _checked_points(accounts, team_id, reader, report, custom, declared)
    affected = upsert_point_tuples(session, points, count_changes=True)
    if report.errors:
        return accounts
    declare_metrics(session, team_id, declared)
    report.new = count_points(session, team_id) - before
    report.changed = max(0, affected - report.new)
    return accounts


def _checked_points(
    accounts: _Accounts,
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
    # raw (platform, account, metric[, kind]) -> [values seen by day number, connection id,
    # metric, platform], shared by every spelling of the same point (`IG`/`instagram`,
    # `IG-Main`/`ig-main`, with or without a kind)
    combos: dict[tuple[str, ...], list[Any]] = {}
    points_of: dict[tuple[int, str, str], list[Any]] = {}
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
                connection_id = accounts.get(row.account)
                point = (connection_id, row.metric, row.platform)
                combo = points_of.get(point)
                if combo is None:
                    combo = points_of[point] = [slots.new(), *point]
                combos[raw] = combo
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
                seen = combo[0] = slots.as_dict(seen)
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
    report.accounts = set(accounts.by_key)


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
    problem = accounts.check(row.account, row.platform, row.kind not in csvrows.OUTCOME_KINDS)
    if problem:
        return RowError(row.line, problem)
    if row.metric not in catalogue.METRICS and custom.get(row.metric) is not row.kind:
        declared[row.metric] = row.kind
    return row


def _import_posts(session: Session, team_id: str, reader: Any, report: ImportReport) -> _Accounts:
    accounts = _Accounts(session, team_id)
    seen: set[tuple[str, str]] = set()
    rows: dict[str, list[PostRow]] = {}
    before = count_posts(session, team_id)
    for line, fields in enumerate(reader, start=2):
        if not fields or not any(f.strip() for f in fields):
            continue
        row = csvrows.parse_post_row(line, fields)
        if isinstance(row, PostRow):
            key = (accounts.key(row.account), row.post.external_id)
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
        report.accounts.add(accounts.key(row.account))
        rows.setdefault(accounts.key(row.account), []).append(row)
    if report.errors:
        return accounts
    affected = 0
    for posts in rows.values():
        affected += store_posts(
            session, accounts.get(posts[0].account), [p.post for p in posts], count_changes=True
        )
    report.new = count_posts(session, team_id) - before
    report.changed = max(0, affected - report.new)
    return accounts
