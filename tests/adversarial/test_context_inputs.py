"""Bad cells in event files and decision calendars (issue 14 item 2).

One bad cell costs its row, never the file: the row becomes a ``context_rejects`` row
that names the file, the line and the field, the rest of the file loads, a re-run
adds no second copy, and the command exits 1 (some rejected), never with a traceback.
Each bad file is made at test time from the real starter files in tests/data/context:
their header and real rows, with one cell corrupted.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from feint.context import load_context
from feint.context.readers import GDELT_COLUMNS
from feint.store import Store

DATA = Path(__file__).resolve().parents[1] / "data" / "context"
EVENTS = DATA / "russian-military-actions-2022-2024.csv"
CALENDAR = DATA / "western-decisions-2022-2024.csv"
# Over the csv module's default field limit (131,072 characters).
HUGE = "x" * 200_000
BAD_LINE = 3  # the header is line 1: the second real row, the one corrupted, is line 3


def _real(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header and the first three rows of a real starter file."""
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8"))))
    return rows[0], rows[1:4]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), "utf-8")
    return path


def _events_file(
    tmp_path: Path, field: str, value: str, *, acled: bool = False, name: str = "events.csv"
) -> Path:
    """Three real events with a fatalities column (and ACLED's event_id_cnty when
    ``acled``), the second one's ``field`` set to ``value``."""
    header, rows = _real(EVENTS)
    header, rows = [*header, "fatalities"], [[*r, "3"] for r in rows]
    if acled:
        header = ["event_id_cnty", *header]
        rows = [[f"UKR{n:05d}", *r] for n, r in enumerate(rows, start=1)]
    rows[1][header.index(field)] = value
    return _write(tmp_path / name, header, rows)


def _calendar_file(tmp_path: Path, field: str, value: str) -> Path:
    header, rows = _real(CALENDAR)
    rows[1][header.index(field)] = value
    return _write(tmp_path / "calendar.csv", header, rows)


# GDELT 2.0 columns the reader uses, by the codebook's names.
_GDELT = {
    "GLOBALEVENTID": 0, "SQLDATE": 1, "Actor1Name": 6, "Actor2Name": 16,
    "EventCode": 26, "EventRootCode": 28, "ActionGeo_FullName": 52, "SOURCEURL": 60,
}  # fmt: skip


def _gdelt_file(tmp_path: Path, column: str, value: str) -> Path:
    """Three GDELT 2.0 rows (fighting, CAMEO 195) on the dates of three real events,
    the second one's ``column`` set to ``value``."""
    _, real = _real(EVENTS)
    lines = []
    for n, row in enumerate(real, start=1):
        cols = [""] * GDELT_COLUMNS
        cols[_GDELT["GLOBALEVENTID"]] = f"100{n}"
        cols[_GDELT["SQLDATE"]] = row[0].replace("-", "")
        cols[_GDELT["Actor1Name"]], cols[_GDELT["Actor2Name"]] = "RUSSIA", "UKRAINE"
        cols[_GDELT["EventCode"]], cols[27], cols[_GDELT["EventRootCode"]] = "195", "195", "19"
        cols[_GDELT["ActionGeo_FullName"]] = row[4]
        cols[_GDELT["SOURCEURL"]] = f"https://example.org/{n}"
        if n == 2:
            cols[_GDELT[column]] = value
        lines.append("\t".join(cols))
    path = tmp_path / "20240526.export.CSV"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return path


def _only_reject(store: Store, report_rejected: list[object], path: Path, field: str) -> str:
    """The one reject's reason, after checking it names the line and the field, and
    that context_rejects holds it and nothing else."""
    assert [getattr(r, "origin", None) for r in report_rejected] == [f"{path}:{BAD_LINE}"]
    reason = str(getattr(report_rejected[0], "reason", ""))
    assert field in reason, reason
    assert len(reason) < 500, "the reason must not repeat a huge cell"
    rows = store.query("SELECT origin, reason FROM context_rejects").rows
    assert rows == [(f"{path}:{BAD_LINE}", reason)]
    return reason


BAD_COUNTS = [
    pytest.param("²", id="superscript-two"),  # str.isdigit says yes, int() says no
    pytest.param("٣", id="arabic-indic-three"),  # int() reads it as 3
    pytest.param("３", id="fullwidth-three"),
    pytest.param("99999999999999999999999", id="overflow"),  # past DuckDB's INTEGER
    pytest.param("2147483648", id="int32-max-plus-one"),
    pytest.param("-3", id="negative"),
    pytest.param("3.5", id="fraction"),
    pytest.param("1e3", id="exponent"),
    pytest.param("many", id="word"),
    pytest.param(HUGE, id="huge"),
]


@pytest.mark.parametrize("acled", [False, True], ids=["plain", "acled"])
@pytest.mark.parametrize("value", BAD_COUNTS)
def test_a_bad_fatalities_cell_rejects_its_row_and_the_rest_loads(
    store: Store, tmp_path: Path, value: str, acled: bool
) -> None:
    path = _events_file(tmp_path, "fatalities", value, acled=acled)
    report = load_context(store, [str(path)])
    assert report.events == 2
    _only_reject(store, report.rejected, path, "fatalities")
    assert store.query("SELECT count(*) FROM events WHERE fatalities = 3").rows == [(2,)]


@pytest.mark.parametrize(
    ("value", "stored"), [("0", 0), ("2147483647", 2147483647), ("007", 7), ("", None)]
)
def test_good_counts_load(store: Store, tmp_path: Path, value: str, stored: int | None) -> None:
    path = _events_file(tmp_path, "fatalities", value, acled=True)
    report = load_context(store, [str(path)])
    assert (report.events, report.rejected) == (3, [])
    row = store.query("SELECT fatalities FROM events WHERE event_id = 'UKR00002'").rows
    assert row == [(stored,)]


BAD_DATES = [
    pytest.param("2022-04-08junk", id="trailing-junk"),
    pytest.param("2022-02-30", id="no-such-day"),
    pytest.param("2022", id="year-only"),  # dateparser makes it 1 December 2022
    pytest.param("April 2022", id="month-only"),
    pytest.param("1649376000", id="unix-seconds"),  # dateparser reads it as 2022-04-08
    pytest.param("٢٠٢٢-٠٤-٠٨", id="arabic-indic-digits"),
    pytest.param("２０２２-04-08", id="fullwidth-digits"),
    pytest.param("8 April ²⁰²²", id="superscript-year"),
    pytest.param(HUGE, id="huge"),
]


@pytest.mark.parametrize("acled", [False, True], ids=["plain", "acled"])
@pytest.mark.parametrize("value", BAD_DATES)
def test_a_bad_event_date_rejects_its_row(
    store: Store, tmp_path: Path, value: str, acled: bool
) -> None:
    path = _events_file(tmp_path, "event_date", value, acled=acled)
    report = load_context(store, [str(path)])
    assert report.events == 2
    _only_reject(store, report.rejected, path, "event_date")


@pytest.mark.parametrize(
    "value", ["2022-04-08", "2022-04-08T10:00:00Z", "8 April 2022", "08 Apr 2022", "April 8, 2022"]
)
def test_full_dates_in_iso_or_words_load(store: Store, tmp_path: Path, value: str) -> None:
    path = _events_file(tmp_path, "event_date", value)
    report = load_context(store, [str(path)])
    assert (report.events, report.rejected) == (3, [])
    dates = {r[0] for r in store.query("SELECT date FROM events").rows}
    assert date(2022, 4, 8) in dates


@pytest.mark.parametrize(
    ("field", "acled"),
    [("notes", False), ("notes", True), ("actor1", False), ("location", True),
     ("sub_event_type", False), ("event_id_cnty", True)],
)  # fmt: skip
def test_a_field_over_the_csv_limit_rejects_its_row(
    store: Store, tmp_path: Path, field: str, acled: bool
) -> None:
    path = _events_file(tmp_path, field, HUGE, acled=acled)
    report = load_context(store, [str(path)])
    assert report.events == 2
    reason = _only_reject(store, report.rejected, path, field)
    assert "200,000" in reason


def test_a_huge_cell_over_several_lines_costs_only_its_row(store: Store, tmp_path: Path) -> None:
    """The csv module stops at its field limit mid-row; the rows after a huge quoted
    cell that spans lines must still load, with their own line numbers."""
    path = _events_file(tmp_path, "notes", f"{HUGE}\nsecond line\n{HUGE}")
    bad_after = path.read_text("utf-8") + "sometime,Russian armed forces,Battles,,Kyiv,x,1\n"
    path.write_text(bad_after, "utf-8")
    report = load_context(store, [str(path)])
    assert report.events == 2
    origins = [r.origin for r in report.rejected]
    assert origins == [f"{path}:{BAD_LINE}", f"{path}:{BAD_LINE + 4}"]
    assert "notes" in report.rejected[0].reason
    assert "event_date" in report.rejected[1].reason


def test_a_huge_column_name_does_not_stop_the_file(store: Store, tmp_path: Path) -> None:
    """The header is read by the same rule: a column feint does not use may be named
    anything, at any length."""
    header, rest = _events_file(tmp_path, "fatalities", "1").read_text("utf-8").split("\n", 1)
    path = tmp_path / "events.csv"
    path.write_text(f"{header},{HUGE}\n{rest}", "utf-8")
    report = load_context(store, [str(path)])
    assert (report.events, report.rejected) == (3, [])


def test_a_row_with_more_cells_than_the_header_is_rejected(store: Store, tmp_path: Path) -> None:
    """An unquoted comma shifts the cells after it: the row is not read askew."""
    path = _events_file(tmp_path, "notes", "placeholder")
    path.write_text(path.read_text("utf-8").replace("placeholder", "one, two"), "utf-8")
    report = load_context(store, [str(path)])
    assert report.events == 2
    _only_reject(store, report.rejected, path, "header")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        pytest.param("SQLDATE", "2024ab01", id="letters"),  # read as 2024-04-01 before
        pytest.param("SQLDATE", "20220230", id="no-such-day"),
        pytest.param("SQLDATE", "２０２２0408", id="fullwidth"),
        pytest.param("SQLDATE", "2022048", id="seven-digits"),
        pytest.param("SQLDATE", "202204081", id="nine-digits"),
        pytest.param("SQLDATE", "2022-4-8", id="dashes"),
        pytest.param("GLOBALEVENTID", "", id="empty-id"),
        pytest.param("GLOBALEVENTID", "１００２", id="fullwidth-id"),
        pytest.param("GLOBALEVENTID", "99999999999999999999999", id="id-overflow"),
        pytest.param("EventCode", "19²", id="superscript-code"),
        pytest.param("SOURCEURL", "https://example.org/" + HUGE, id="huge-url"),
        pytest.param("Actor1Name", HUGE, id="huge-actor"),
    ],
)
def test_a_bad_gdelt_cell_rejects_its_row(
    store: Store, tmp_path: Path, column: str, value: str
) -> None:
    path = _gdelt_file(tmp_path, column, value)
    report = load_context(store, [str(path)])
    assert report.events == 2
    assert [r.origin for r in report.rejected] == [f"{path}:2"]
    assert column in report.rejected[0].reason, report.rejected[0].reason
    assert len(report.rejected[0].reason) < 500
    assert store.query("SELECT count(*) FROM context_rejects").rows == [(1,)]


def test_gdelt_2024ab01_is_not_read_as_the_first_of_april(store: Store, tmp_path: Path) -> None:
    path = _gdelt_file(tmp_path, "SQLDATE", "2024ab01")
    load_context(store, [str(path)])
    dates = {r[0] for r in store.query("SELECT date FROM events").rows}
    assert date(2024, 4, 1) not in dates
    assert store.query("SELECT event_id FROM events ORDER BY 1").rows == [
        ("gdelt-1001",), ("gdelt-1003",)]  # fmt: skip


@pytest.mark.parametrize(
    ("field", "value"),
    [pytest.param("date", "2022-04-26junk", id="date-junk"),
     pytest.param("date", "2022", id="date-year-only"),
     pytest.param("date", "２０２２-04-26", id="date-fullwidth"),
     pytest.param("decision", HUGE, id="decision-huge"),
     pytest.param("audience", HUGE, id="audience-huge")],
)  # fmt: skip
def test_a_bad_calendar_cell_rejects_its_row(
    store: Store, tmp_path: Path, field: str, value: str
) -> None:
    path = _calendar_file(tmp_path, field, value)
    report = load_context(store, decisions=[str(path)])
    assert report.decisions == 2
    _only_reject(store, report.rejected, path, field)


def test_rerunning_a_file_does_not_repeat_its_rejects(store: Store, tmp_path: Path) -> None:
    bad = _events_file(tmp_path, "fatalities", "²")
    other = _events_file(tmp_path, "fatalities", "-1", name="other.csv")
    missing = tmp_path / "missing.csv"
    load_context(store, [str(bad), str(other), str(missing)])
    again = load_context(store, [str(bad), str(missing)])
    assert len(again.rejected) == 2  # still reported on each run...
    rows = sorted(store.query("SELECT origin FROM context_rejects").rows)
    assert rows == sorted([(f"{bad}:3",), (f"{other}:3",), (str(missing),)])  # ...stored once
    # Fixed and loaded again, the file's rejects go; the other files' stay.
    _events_file(tmp_path, "fatalities", "2")
    fixed = load_context(store, [str(bad)])
    assert (fixed.events, fixed.rejected) == (1, [])
    rows = sorted(store.query("SELECT origin FROM context_rejects").rows)
    assert rows == sorted([(f"{other}:3",), (str(missing),)])


def _feint(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "feint", *args], capture_output=True, text=True, check=False
    )


def test_the_command_reports_bad_cells_without_a_traceback(tmp_path: Path) -> None:
    header, rows = _real(EVENTS)
    header, rows = [*header, "fatalities"], [[*r, "3"] for r in rows]
    rows[0][-1], rows[1][-1], rows[2][header.index("notes")] = "²", "99999999999999999999999", HUGE
    fifth = list(csv.reader(io.StringIO(EVENTS.read_text("utf-8"))))[5]
    path = _write(tmp_path / "events.csv", header, [*rows, [*fifth, "1"]])
    db = str(tmp_path / "ctx.duckdb")
    proc = _feint("context", "--db", db, "--events", str(path))
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode == 1, proc.stderr
    summary = " ".join(proc.stdout.split())
    assert "1 event(s)" in summary and "3 rejected" in summary, summary
    said = " ".join(proc.stderr.split())
    for line, field in ((2, "fatalities"), (3, "fatalities"), (4, "notes")):
        assert f"{path}:{line}: {field}" in said, said
    again = _feint("context", "--db", db, "--events", str(path))
    assert again.returncode == 1 and "Traceback" not in again.stderr
    count = _feint("query", "SELECT count(*) AS n FROM context_rejects", "--json", "--db", db)
    assert '"n": 3' in count.stdout


def test_a_crash_exits_3_not_1(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Exit 1 means some rows were rejected and the rest loaded; a failure of feint
    itself must not look like that."""
    from typer.testing import CliRunner

    import feint.context
    from feint.cli.main import app

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(feint.context, "load_context", broken)
    db = str(tmp_path / "ctx.duckdb")
    result = CliRunner().invoke(app, ["context", "--db", db, "--events", str(EVENTS)])
    assert result.exit_code == 3, result.output
    helped = CliRunner().invoke(app, ["context", "--help"], env={"COLUMNS": "200"})
    said = " ".join(helped.output.split())
    assert "Exit status" in said and "3" in said
