"""`impact import` as a person runs it: encodings, account names in any case, money that may
be negative and counts that may not. Each test runs the real command in a process."""

from __future__ import annotations

import json
import sqlite3

from storage.db import make_engine, session_scope
from storage.metrics import ensure_team, get_or_create_connection

HEADER = "date,platform,account,metric,value,kind\n"


def points(impact) -> list[tuple]:
    with sqlite3.connect(impact.db) as db:
        return db.execute(
            "SELECT c.display_name, p.platform, p.metric, p.day, p.value FROM metric_points p "
            "JOIN connections c ON c.id = p.connection_id ORDER BY 1, 2, 3, 4"
        ).fetchall()


def connections(impact) -> list[tuple]:
    with sqlite3.connect(impact.db) as db:
        return db.execute(
            "SELECT external_id, display_name FROM connections ORDER BY id"
        ).fetchall()


def write(impact, name: str, data: bytes):
    path = impact.folder / name
    path.write_bytes(data)
    return str(path)


def test_a_windows_1252_file_is_read_as_such_and_says_so(impact):
    text = HEADER + "2026-11-09,instagram,Café Zürich,likes,120,\n"
    ran = impact("import", write(impact, "excel.csv", text.encode("cp1252")), "--team", "T1")
    assert ran.code == 0, ran.both
    assert "excel.csv is not UTF-8: read it as Windows-1252" in ran.out
    assert "Imported 1 metric row for 1 account: 1 new" in ran.out
    assert points(impact) == [("Café Zürich", "instagram", "reactions", "2026-11-09", 120.0)]


def test_a_utf8_file_with_a_bom_is_fine(impact):
    text = HEADER + "2026-11-09,instagram,Café,likes,120,\n"
    ran = impact(
        "import", write(impact, "bom.csv", b"\xef\xbb\xbf" + text.encode()), "--team", "T1"
    )
    assert ran.code == 0 and "Windows-1252" not in ran.out, ran.both
    assert connections(impact) == [("Café", "Café")]


def test_a_file_in_neither_encoding_is_refused_with_the_encoding_named(impact):
    data = (
        HEADER + "2026-11-09,instagram,a,likes,1,\n"
    ).encode() + b"2026-11-10,x,\x81\x9d,likes,2,\n"
    ran = impact("import", write(impact, "odd.csv", data), "--team", "T1")
    assert ran.code == 1
    assert "odd.csv is neither UTF-8 nor Windows-1252: byte 0x81 on line 3" in ran.err
    assert "CSV UTF-8" in ran.err
    assert points(impact) == []


def test_an_excel_workbook_or_utf16_file_is_named(impact):
    xlsx = impact("import", write(impact, "book.xlsx", b"PK\x03\x04rest"), "--team", "T1")
    assert xlsx.code == 1 and "is an Excel workbook (.xlsx), not a CSV file" in xlsx.err
    utf16 = impact("import", write(impact, "u.csv", HEADER.encode("utf-16")), "--team", "T1")
    assert utf16.code == 1 and "UTF-16" in utf16.err


def test_account_names_match_whatever_their_case(impact):
    text = (
        HEADER
        + "2026-11-09,instagram,IG-Main,likes,120,\n"
        + "2026-11-10,instagram,ig-main,likes,90,\n"
        + "2026-11-10,IG,IG-MAIN,comments,5,\n"
    )
    ran = impact("import", write(impact, "a.csv", text.encode()), "--team", "T1")
    assert "Imported 3 metric rows for 1 account: 3 new" in ran.out, ran.both
    assert connections(impact) == [("IG-Main", "IG-Main")]  # the first spelling seen
    again = impact(
        "import",
        write(impact, "b.csv", (HEADER + "2026-11-11,instagram,ig-MAIN,likes,7,\n").encode()),
        "--team",
        "T1",
    )
    assert "for 1 account: 1 new" in again.out
    assert connections(impact) == [("IG-Main", "IG-Main")]


def test_one_point_spelled_two_ways_with_two_values_is_a_bad_row(impact):
    text = (
        HEADER
        + "2026-11-09,instagram,IG-Main,likes,120,\n"
        + "2026-11-09,IG,ig-main,reactions,121,engagement\n"
    )
    ran = impact("import", write(impact, "a.csv", text.encode()), "--team", "T1")
    assert ran.code == 1
    assert "Nothing imported: 1 bad row." in ran.out
    assert "line 3: reactions for ig-main on 2026-11-09 appears twice" in ran.out
    assert points(impact) == []


def test_existing_duplicate_connections_stay_and_new_rows_go_to_the_match(impact):
    impact("connections", "--team", "T1")  # creates the tables
    engine = make_engine(f"sqlite:///{impact.db}")
    with session_scope(engine) as session:  # as an older Impact stored them: two connections
        ensure_team(session, "T1")
        for name in ("IG-Main", "ig-main"):
            get_or_create_connection(session, "T1", "csv", name, platform="instagram")
    engine.dispose()
    for day, name, value in (("2026-11-09", "IG-MAIN", 1), ("2026-11-10", "ig-main", 2)):
        text = HEADER + f"{day},instagram,{name},likes,{value},\n"
        ran = impact("import", write(impact, "a.csv", text.encode()), "--team", "T1")
        assert ran.code == 0, ran.both
    assert connections(impact) == [("IG-Main", "IG-Main"), ("ig-main", "ig-main")]
    assert points(impact) == [
        ("IG-Main", "instagram", "reactions", "2026-11-09", 1.0),  # no exact name: the oldest
        ("ig-main", "instagram", "reactions", "2026-11-10", 2.0),  # the exact name
    ]


def test_money_may_be_negative_counts_may_not(impact):
    good = (
        HEADER
        + "2026-11-09,instagram,shop,revenue,-40.5,\n"
        + "2026-11-09,,shop,refunds,-3,\n"
        + "2026-11-09,instagram,ads,spend,-12,cost\n"
        + "2026-11-10,,shop,donations,-7,money\n"
        + "2026-11-10,,crm,pledged,-250,money\n"
        + "2026-11-11,instagram,shop,revenue,80,money\n"
    )
    ran = impact("import", write(impact, "money.csv", good.encode()), "--team", "T1")
    assert ran.code == 0, ran.both
    assert "Imported 6 metric rows for 3 accounts: 6 new" in ran.out
    assert ("crm", "", "pledged", "2026-11-10", -250.0) in points(impact)
    bad = HEADER + "2026-11-12,instagram,shop,revenue,-1,\n2026-11-12,instagram,ga4,signups,-2,\n"
    refused = impact("import", write(impact, "bad.csv", bad.encode()), "--team", "T1")
    assert refused.code == 1
    assert "Nothing imported: 1 bad row." in refused.out
    assert "line 3: value -2 is negative, but signups is a count" in refused.out
    assert len(points(impact)) == 6  # the good revenue row of the bad file was not written


def test_spend_needs_a_platform_and_kinds_must_agree(impact):
    text = (
        HEADER
        + "2026-11-09,,ads,spend,12,\n"
        + "2026-11-09,instagram,shop,revenue,3,cost\n"
        + "2026-11-09,instagram,shop,signups,3,money\n"
    )
    ran = impact("import", write(impact, "k.csv", text.encode()), "--team", "T1")
    assert ran.code == 1 and "3 bad rows" in ran.out
    assert "line 2: spend is cost: it needs a platform" in ran.out
    assert "line 3: revenue is an outcome metric, not cost" in ran.out
    assert "line 4: signups is an outcome metric, not money" in ran.out


def test_a_declared_money_metric_counts_as_an_outcome_in_the_digest(impact):
    rows = [HEADER]
    for week_start, value in (
        ("2026-10-19", 100),
        ("2026-10-26", 120),
        ("2026-11-02", 90),
        ("2026-11-09", 150),
    ):
        rows.append(f"{week_start},instagram,ig,likes,50,\n")
        rows.append(f"{week_start},instagram,crm,pledged,{value},money\n")
    impact("import", write(impact, "p.csv", "".join(rows).encode()), "--team", "T1")
    ran = impact("digest", "--team", "T1", "--week", "2026-W46", "--json")
    assert ran.code == 0, ran.both
    data = json.loads(ran.out)
    (instagram,) = [p for p in data["platforms"] if p["platform"] == "instagram"]
    assert instagram["outcomes"]["pledged"] == 150
