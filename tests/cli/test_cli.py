"""The feint command as a user runs it: exit codes, output formats, help, demo."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import SEED, corpus_items

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "data" / "corpus"
RELATE_FLOORS = Path(__file__).resolve().parents[1] / "relate" / "corpus_floors.json"


def feint(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "feint", *args],
        input=stdin.decode("utf-8") if stdin is not None else None,
        capture_output=True,
        text=True,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )
    return proc


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "cli.duckdb")


def test_ingest_then_query_json_is_the_contract(tmp_path: Path, db: str) -> None:
    proc = feint("ingest", str(SEED), "--db", db, "--outlet", "kyivpost.com",
                 "--published", "2024-05-24")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "1 new document" in proc.stdout
    proc = feint(
        "query",
        "SELECT doc_id, source_path, url, outlet, title, published, text, raw_text, status, "
        "reason FROM documents",
        "--db", db, "--json",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    [row] = json.loads(proc.stdout)
    assert row["outlet"] == "kyivpost.com"
    assert row["published"] == "2024-05-24"
    assert row["status"] == "ok" and row["reason"] is None
    assert row["source_path"] == str(SEED)
    assert "JOIN US ON TELEGRAM" in row["raw_text"] and "JOIN US ON TELEGRAM" not in row["text"]
    assert len(row["doc_id"]) == 64


def test_rejections_exit_1_and_are_named(tmp_path: Path, db: str) -> None:
    good = tmp_path / "good.txt"
    good.write_text(corpus_items()[0]["text"], "utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    proc = feint("ingest", str(good), str(empty), "--db", db)
    assert proc.returncode == 1
    assert "1 rejected" in proc.stdout
    assert f"{empty}" in proc.stderr and "empty" in proc.stderr
    proc = feint("documents", "--db", db, "--status", "rejected", "--csv")
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert [r["source_path"] for r in rows] == [str(empty)]


def test_default_size_limit_is_20_mb(tmp_path: Path, db: str) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(20_000_001)
    proc = feint("ingest", str(big), "--db", db)
    assert proc.returncode == 1
    assert "too large" in proc.stderr and "20,000,000" in proc.stderr
    ok = feint("ingest", str(big), "--db", db, "--max-bytes", "30000000")
    assert "too large" not in ok.stderr  # read now, and refused as binary (all NULs)
    assert "binary" in ok.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["ingest", "x.txt", "--published", "not a date"], "not a date"),
        (["ingest", "https://example.org/a.html"], "--fetch"),
        (["query", "DELETE FROM documents"], "only reads"),
        (["query", "SELECT 1", "--json", "--csv"], "one of"),
        (["ingest", "x.txt", "--max-bytes", "0"], "positive"),
        (["ingest"], "Missing argument"),
    ],
)
def test_usage_errors_exit_2_with_a_reason(
    tmp_path: Path, db: str, args: list[str], words: str
) -> None:
    feint("ingest", str(SEED), "--db", db)  # so that the store exists
    proc = feint(*args, "--db", db)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert words in proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "args", [["extract"], ["relate"], ["assess", "-q", "Russia seeks a truce"]]
)
def test_stages_after_ingest_refuse_a_missing_store(tmp_path: Path, args: list[str]) -> None:
    proc = feint(*args, "--db", str(tmp_path / "none.duckdb"))
    assert proc.returncode == 2 and "feint ingest" in proc.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_query_on_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    proc = feint("query", "SELECT 1", "--db", str(tmp_path / "none.duckdb"))
    assert proc.returncode == 2
    assert "feint ingest" in proc.stderr
    assert not (tmp_path / "none.duckdb").exists()


def test_stdin_and_output_formats(db: str) -> None:
    text = corpus_items()[1]["text"].encode("utf-8")
    proc = feint("ingest", "-", "--db", db, "--outlet", "cde.news", stdin=text)
    assert proc.returncode == 0, proc.stderr
    sql = "SELECT source_path, outlet FROM documents"
    as_csv = feint("query", sql, "--db", db, "--csv").stdout
    assert as_csv.splitlines() == ["source_path,outlet", "<stdin>,cde.news"]
    as_table = feint("query", sql, "--db", db).stdout
    assert "<stdin>" in as_table and "1 row(s)" in as_table


def test_every_command_has_help_with_an_example() -> None:
    for command in (
        "ingest",
        "query",
        "documents",
        "demo",
        "extract",
        "relate",
        "judge",
        "context",
        "assess",
        "report",
        "serve",
    ):
        proc = feint(command, "--help")
        assert proc.returncode == 0
        assert "Example" in proc.stdout, command


def test_serve_refuses_a_missing_store_and_a_bad_port(tmp_path: Path) -> None:
    missing = feint("serve", "--db", str(tmp_path / "none.duckdb"))
    assert missing.returncode == 2 and "none.duckdb" in missing.stderr
    bad = feint("serve", "--db", str(tmp_path / "none.duckdb"), "--port", "70000")
    assert bad.returncode == 2 and "--port" in bad.stderr


@pytest.mark.model
@pytest.mark.slow
def test_demo_runs_the_flow_on_the_bundled_case(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    proc = feint("demo", "--out", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "89 new document" in proc.stdout
    assert "4 furniture line(s)" in proc.stdout
    assert "Claims:" in proc.stdout and "contradicts" in proc.stdout
    assert "Key judgements" in proc.stdout and "We assess that " in proc.stdout
    assert "confidence in this judgement" in proc.stdout
    # One session runs the flow: each model is loaded once (issue 15).
    loaded = re.search(r"Models loaded \(times each\): (.+)\.", proc.stdout)
    assert loaded is not None, proc.stdout
    counts = dict(part.rsplit(" ", 1) for part in loaded.group(1).split(", "))
    assert {"nlp", "judge", "embedder"} <= set(counts) and set(counts.values()) == {"1"}
    report = out / "report.html"
    assert f"Report: {report}" in " ".join(proc.stdout.split())
    html = report.read_text("utf-8")
    assert "We assess that " in html and 'id="h-timing"' in html and "<script" not in html
    db = str(out / "feint.duckdb")
    # Off a terminal (output captured, as here or in CI) each stage says as it finishes
    # what it did and how long it took, instead of nothing for minutes (issue 13).
    stages = re.findall(r"^(\w+): .+ in \d+\.\d s$", proc.stderr, re.MULTILINE)
    assert stages == ["ingest", "extract", "relate", "context", "assess", "report"], proc.stderr
    assert re.search(r"^ingest: 89 documents in ", proc.stderr, re.MULTILINE)
    assert re.search(r"^relate embed: \d+ claims in ", proc.stderr, re.MULTILINE)
    # The closing hint runs as printed: feint need not be on PATH (make demo puts it
    # in .venv/bin only).
    hint = next(line for line in proc.stdout.splitlines() if line.startswith("Explore it:"))
    words = shlex.split(hint.removeprefix("Explore it:"))
    program = words[: words.index("serve")]
    assert words[len(program) :] == ["serve", "--db", db], hint
    assert os.access(program[0], os.X_OK), hint
    helped = subprocess.run(
        [*program, "serve", "--help"],
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200"},
    )
    assert helped.returncode == 0 and "Example" in helped.stdout, helped.stderr
    proc = feint(
        "query", "SELECT count(*) AS n, min(published) AS first FROM documents",
        "--db", db, "--json",
    )  # fmt: skip
    assert json.loads(proc.stdout) == [{"n": 89, "first": "2022-03-29"}]
    counts = json.loads(feint("query", "SELECT (SELECT count(*) FROM claims) AS claims, "
                              "(SELECT count(*) FROM attributions) AS attributions",
                              "--db", db, "--json").stdout)[0]  # fmt: skip
    assert counts["claims"] == counts["attributions"] > 0

    # One entity per person across the store (issue 12): the ten people cited most are
    # each one entity, under one name.
    def rows(sql: str) -> list[dict[str, object]]:
        out: list[dict[str, object]] = json.loads(feint("query", sql, "--db", db, "--json").stdout)
        return out

    people = rows(
        "SELECT name, count(DISTINCT entity_id) AS n FROM entities WHERE kind IN "
        "('named_official', 'named_person') GROUP BY name ORDER BY sum(mentions) DESC LIMIT 10"
    )
    assert len(people) == 10 and all(p["n"] == 1 for p in people), people
    assert {"Vladimir Putin", "Dmitry Peskov", "Sergey Lavrov"} <= {p["name"] for p in people}
    surnames = rows(
        "SELECT e.name FROM entities e JOIN entities f ON e.entity_id <> f.entity_id "
        "AND f.name LIKE '% ' || e.name AND e.kind = f.kind WHERE e.name NOT LIKE '% %' "
        "AND e.kind IN ('named_official', 'named_person')"
    )
    assert surnames == [], surnames  # "Putin" joined "Vladimir Putin"
    pronouns = rows(
        "SELECT name FROM sources WHERE lower(name) IN ('he', 'she', 'it', 'they', 'we', "
        "'him', 'her', 'them', 'us', 'i', 'something', 'copy', 'that', 'this', 'all sides', "
        "'sides')"
    )
    assert pronouns == [], pronouns
    on_record = rows(
        "SELECT c.claim_id FROM claims c JOIN sources s USING (source_id) "
        "WHERE s.kind = 'named_official' AND c.channel = 'private_anonymous' "
        "AND c.attr_id IN (SELECT attr_id FROM attributions WHERE parent_id IS NULL)"
    )
    assert on_record == [], on_record  # an on-record named official is never anonymous
    _check_seed_reasoning_on_the_corpus(rows)
    # The corpus's gold contradictions and stances, scored on the demo's store.
    if not CORPUS.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"the demo corpus is missing at {CORPUS}")
        return
    proc = feint("eval", "contradictions", str(CORPUS), "--db", db, "--json")
    assert proc.returncode == 0, proc.stderr
    scores = json.loads(proc.stdout)
    floors = json.loads(RELATE_FLOORS.read_text("utf-8"))
    got = {
        "contradicts_recall": scores["contradicts"]["recall"],
        "contradicts_or_tension_recall": scores["contradicts_or_tension"]["recall"],
        "contradicts_stance_precision": scores["contradicts"]["stance_precision"],
        "stance_accuracy": scores["stance"]["accuracy"],
    }
    below = {k: (round(v, 3), floors[k]) for k, v in got.items() if v < floors[k]}
    assert not below, f"below the floors: {below}; scores: {scores}"
    # Precision first: no flood of contradictions between the gold-matched claims.
    assert scores["contradicts"]["predicted"] <= floors["contradicts_predicted_max"], scores


def _check_seed_reasoning_on_the_corpus(rows: Any) -> None:
    """Issue 13: on the seed and the corpus together the evidence rows still read as
    the reference assessment argues, each row from the side it names."""
    evidence = {
        r["kind"]: r
        for r in rows(
            "SELECT e.kind, e.refs, map_from_entries(list((h.role, r.rating))) AS rating "
            "FROM evidence e JOIN ratings r USING (evidence_id) "
            "JOIN hypotheses h USING (hypothesis_id) GROUP BY e.kind, e.refs"
        )
    }
    side = {
        r["claim_id"]: (r["channel"], r["affiliation"])
        for r in rows(
            "SELECT c.claim_id, c.channel, s.affiliation FROM claims c "
            "LEFT JOIN sources s ON s.source_id = c.source_id"
        )
    }

    def sides(kind: str) -> set[object]:
        return {side[c][1] for c in evidence[kind]["refs"] if c in side}

    # Leaks of readiness and rhetoric on the record, from Russia's side (a source with
    # no affiliation counts when its name names the actor: "Putin's aide").
    assert "Russian" in sides("claims:private_anonymous:support") <= {"Russian", None}
    assert "Russian" in sides("claims:public_official:oppose") <= {"Russian", None}
    assert "Russian" not in sides("claims:others:oppose")
    within = [k for k in ("conflicts:private_public", "conflicts:insiders") if k in evidence]
    assert within and all(evidence[k]["rating"]["genuine"] in ("I", "II") for k in within)
    assert set(evidence["conflicts:across"]["rating"].values()) == {"N"}
    saydo = evidence["saydo:talks_while_escalating"]
    offensive = rows("SELECT event_id FROM events WHERE date = '2024-05-10'")
    assert {e["event_id"] for e in offensive} & set(saydo["refs"])  # Kharkiv, May 2024
    assert saydo["rating"]["genuine"] == "II"


@pytest.mark.model
@pytest.mark.slow
def test_relate_from_the_command_line(db: str) -> None:
    feint("ingest", str(SEED), "--db", db)
    assert feint("extract", "--db", db).returncode == 0
    q = "Putin is willing to negotiate a ceasefire"
    proc = feint("relate", "--db", db, "--question", q, "--judge", "rules")
    assert proc.returncode == 0, proc.stderr
    assert "claim(s)" in proc.stdout and "pair(s) judged" in proc.stdout
    assert "tension" in proc.stdout and "Stance toward" in proc.stdout
    # The rules judge is the judge here: every judged row (and every stance) is its.
    rows = json.loads(
        feint(
            "query",
            "SELECT kind, method FROM relations WHERE kind <> 'repeats'",
            "--db",
            db,
            "--json",
        ).stdout
    )
    assert rows and all(r["method"] in ("rules", "rules stance") for r in rows)
    again = feint("relate", "--db", db, "--judge", "rules")
    assert "0 new" in again.stdout
    bad = feint("relate", "--db", db, "--judge", "oracle")
    assert bad.returncode == 2 and "No judge called 'oracle'" in bad.stderr


SPEAKERS = Path(__file__).resolve().parents[1] / "data" / "speakers"
SPEAKER_SCORES = ("found", "source", "resolved", "kind", "conduit", "content", "false_actions",
                  "titles")  # fmt: skip


@pytest.mark.model
def test_eval_speakers_scores_a_gold_folder(tmp_path: Path) -> None:
    subset = tmp_path / "speakers"  # four items of the set, to keep it quick
    subset.mkdir()
    for name in ("items.jsonl", "gold.jsonl"):
        lines = (SPEAKERS / name).read_text("utf-8").splitlines()[:4]
        (subset / name).write_text("\n".join(lines) + "\n", "utf-8")
    proc = feint("eval", "speakers", str(subset), "--json")
    assert proc.returncode == 0, proc.stderr
    scores = json.loads(proc.stdout)
    assert scores["items"] == 4 and scores["gold_attributions"] > 0
    assert all(0.0 <= scores[k] <= 1.0 for k in SPEAKER_SCORES), scores
    assert scores["found"] > 0.5 and all(set(m) >= {"id", "source", "content"}
                                         for m in scores["misses"])  # fmt: skip
    table = feint("eval", "speakers", str(subset), "--misses", "1")
    assert table.returncode == 0, table.stderr
    shown = " ".join(table.stdout.split())
    assert all(k in shown for k in SPEAKER_SCORES)
    assert f"{scores['found']:.3f}" in shown and f"{scores['titles']:.3f}" in shown
    assert (
        f"4 items, {scores['gold_attributions']} gold attributions; "
        f"{len(scores['misses'])} not found." in shown
    )
    if scores["misses"]:
        assert f"Not found: 1 of {len(scores['misses'])}" in shown
        assert scores["misses"][0]["id"] in shown


def test_eval_speakers_says_which_folder_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    proc = feint("eval", "speakers", str(tmp_path / "nowhere"))
    message = " ".join(proc.stderr.split())
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert f"{tmp_path / 'nowhere'}' does not exist" in message
    assert "feint eval speakers tests/data/speakers" in message
    empty = feint("eval", "speakers", str(tmp_path))
    assert empty.returncode == 2 and "no items.jsonl or gold.jsonl" in " ".join(
        empty.stderr.split()
    )
    assert "Example" in feint("eval", "speakers", "--help").stdout
    # An installed feint (no checkout around it) has no default set: say where to look.
    from typer.testing import CliRunner

    from feint.cli import evaluate
    from feint.cli.main import app

    monkeypatch.setattr(evaluate, "SPEAKERS_SET", tmp_path / "site-packages" / "speakers")
    result = CliRunner().invoke(app, ["eval", "speakers"], env={"COLUMNS": "200"})
    said = " ".join(result.output.split())
    assert result.exit_code == 2, said
    assert "No speakers set given" in said and "feint eval speakers PATH/TO/speakers" in said
