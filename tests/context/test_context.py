"""Context: events (ACLED, GDELT, plain CSV) and decision calendars into the store."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

from feint.context import load_context
from feint.context.readers import GDELT_COLUMNS, detect_format
from feint.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "context"
EVENTS = DATA / "russian-military-actions-2022-2024.csv"
CALENDAR = DATA / "western-decisions-2022-2024.csv"

ACLED_COLUMNS = (
    "event_id_cnty,event_date,year,time_precision,disorder_type,event_type,sub_event_type,"
    "actor1,assoc_actor_1,inter1,actor2,assoc_actor_2,inter2,interaction,civilian_targeting,"
    "iso,region,country,admin1,admin2,admin3,location,latitude,longitude,geo_precision,source,"
    "source_scale,notes,fatalities,tags,timestamp"
).split(",")


def _starter_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(EVENTS.read_text("utf-8"))))


def _acled_export(tmp_path: Path) -> Path:
    """The starter events in the layout of an ACLED export, plus one broken row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, ACLED_COLUMNS)
    writer.writeheader()
    for n, row in enumerate(_starter_rows()[:5], start=1):
        writer.writerow({c: "" for c in ACLED_COLUMNS} | {
            "event_id_cnty": f"UKR{n:05d}", "event_date": row["event_date"],
            "year": row["event_date"][:4], "event_type": row["event_type"],
            "sub_event_type": row["sub_event_type"], "actor1": row["actor1"],
            "country": "Ukraine", "location": row["location"], "source": "Ukrainska Pravda",
            "notes": row["notes"], "fatalities": "3",
        })  # fmt: skip
    writer.writerow({c: "" for c in ACLED_COLUMNS} | {"event_id_cnty": "UKR99999",
                     "event_date": "sometime", "actor1": "x", "event_type": "Battles"})  # fmt: skip
    path = tmp_path / "acled.csv"
    path.write_text(out.getvalue(), "utf-8")
    return path


def _gdelt_row(event_id: str, day: str, actor: str, target: str, code: str, url: str) -> str:
    cols = [""] * GDELT_COLUMNS
    cols[0], cols[1], cols[6], cols[16] = event_id, day.replace("-", ""), actor, target
    cols[26], cols[27], cols[28] = code, code[:3], code[:2]
    cols[52], cols[60] = "Kyiv, Ukraine", url
    return "\t".join(cols)


def _gdelt_file(tmp_path: Path) -> Path:
    rows = [
        _gdelt_row("1001", "2024-05-24", "RUSSIA", "UKRAINE", "036", "https://example.org/a"),
        _gdelt_row("1002", "2024-05-25", "RUSSIA", "UKRAINE", "195", "https://example.org/b"),
        _gdelt_row("1003", "2024-05-25", "RUSSIA", "FRANCE", "042", "https://example.org/c"),
        "1004\t20240526\ttoo few columns",
    ]
    path = tmp_path / "20240526.export.CSV"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


def test_the_starter_files_load_whole(store: Store) -> None:
    report = load_context(store, [str(EVENTS)], [str(CALENDAR)])
    n_events, n_decisions = len(_starter_rows()), len(CALENDAR.read_text("utf-8").splitlines()) - 1
    assert (report.events, report.decisions, report.rejected) == (n_events, n_decisions, [])
    row = store.query(
        "SELECT date::VARCHAR, actor, type, sub_type, place, description, kind FROM events "
        "ORDER BY date LIMIT 1"
    ).rows[0]
    assert row == ("2022-02-24", "Russian armed forces", "Battles", "Invasion", "Ukraine",
                   "Full-scale invasion of Ukraine begins on several axes", "action")  # fmt: skip
    assert (
        store.query("SELECT count(DISTINCT decision_id) FROM decisions").rows[0][0] == n_decisions
    )
    again = load_context(store, [str(EVENTS)], [str(CALENDAR)])
    assert (again.events, again.decisions, again.unchanged) == (0, 0, n_events + n_decisions)


def test_acled_exports_keep_their_ids_and_reject_bad_rows(store: Store, tmp_path: Path) -> None:
    path = _acled_export(tmp_path)
    assert detect_format(path.read_text("utf-8")) == "acled"
    report = load_context(store, [str(path)])
    assert report.events == 5
    assert [r.origin for r in report.rejected] == [f"{path}:7"]
    assert "not a date" in report.rejected[0].reason
    ids = {r[0] for r in store.query("SELECT event_id FROM events").rows}
    assert ids == {f"UKR{n:05d}" for n in range(1, 6)}
    assert store.query("SELECT max(fatalities), min(source) FROM events").rows[0] == (
        3, "Ukrainska Pravda")  # fmt: skip
    rejects = store.query("SELECT origin, reason FROM context_rejects").rows
    assert rejects and rejects[0][0].endswith(":7")


def test_gdelt_intent_becomes_official_claims_and_fighting_actions(
    store: Store, tmp_path: Path
) -> None:
    path = _gdelt_file(tmp_path)
    assert detect_format(path.read_text("utf-8")) == "gdelt"
    report = load_context(store, [str(path)])
    assert (report.events, report.statements) == (1, 1)  # 042 is neither: skipped
    assert len(report.rejected) == 1 and "61" in report.rejected[0].reason
    rows = dict(store.query("SELECT event_id, kind FROM events").rows)
    assert rows == {"gdelt-1001": "statement", "gdelt-1002": "action"}
    claim = store.query("SELECT claim_id, attr_id, channel FROM claims").rows
    assert claim == [("c-gdelt-1001", "gdelt-1001", "public_official")]
    text = store.query("SELECT description FROM events WHERE kind = 'statement'").rows[0][0]
    assert text == "RUSSIA expresses intent to meet or negotiate with UKRAINE"


def test_unreadable_files_are_named_and_the_rest_loads(store: Store, tmp_path: Path) -> None:
    no_dates = tmp_path / "nodates.csv"
    no_dates.write_text("actor,type\nRussia,strike\n", "utf-8")
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00\x01garbage")
    report = load_context(
        store, [str(tmp_path / "missing.csv"), str(no_dates), str(binary), str(EVENTS)]
    )
    reasons = {Path(r.origin).name: r.reason for r in report.rejected}
    assert "no such file" in reasons["missing.csv"]
    assert "no date column" in reasons["nodates.csv"]
    assert "UTF-8" in reasons["binary.csv"]
    assert report.events == len(_starter_rows())


def test_the_command_exits_1_and_lists_rejections(tmp_path: Path) -> None:
    db = str(tmp_path / "ctx.duckdb")
    proc = subprocess.run(
        [sys.executable, "-m", "feint", "context", "--db", db, "--events", str(EVENTS),
         "--events", str(tmp_path / "missing.csv"), "--decisions", str(CALENDAR)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert "missing.csv: no such file" in proc.stderr
    assert f"{len(_starter_rows())} event(s)" in proc.stdout
    none = subprocess.run([sys.executable, "-m", "feint", "context", "--db", db],
                          capture_output=True, text=True, check=False)  # fmt: skip
    assert none.returncode == 2 and "--events" in none.stderr
