"""PARC ACH matrices (``.achz``) in and out: the file PARC's ACH 2.0 tool saves.

Where the format comes from: no specification was found; the one open-source
reader found is Open Source ACH (Matthew Burton and Joshua Knowles, 2010, GPL-3),
``import_action.php`` in https://github.com/Burton/Analysis-of-Competing-Hypotheses
(also in its fork AABoyles/Analysis-of-Competing-Hypotheses), which imports "an
export file ... created by selecting Save As... from the File menu in the PARC ACH
application" (its ``import.php``). Read there, and only read (no code of it here):

- the file is compressed: the importer renames it ``.gz`` and runs ``gunzip``, which
  opens gzip and one-member zip files alike, so both are read here; feint writes gzip;
- the XML is UTF-16 with a byte-order mark (its ``utf16_to_utf8``); UTF-8 parses too;
- the root holds ``PROJECT-TITLE``, ``CLASSIFICATION``, ``LAST-INDEX``,
  ``COLOR-SCHEME`` and ``MATRIX``; ``MATRIX`` holds ``HYPOTHESIS`` elements (their
  ``NAME``) in column order and ``EVIDENCE`` elements with ``NAME``, ``NOTES``,
  ``LINK``, ``TYPE``, ``DATE`` (milliseconds since 1970, 0 for none), ``CODE`` (a
  free text field), ``FLAG`` (1 when flagged), ``CREDIBILITY`` (HIGH, MEDIUM, LOW)
  and ``VALUES``: one rating per hypothesis in column order, comma separated, from
  ``C C``, ``C``, ``N``, ``I``, ``I I``, ``NA``.

Not in that reader, so unverified: the root element's name (``ACH`` here; the
reader ignores it), the element for relevance (``RELEVANCE`` here, levels as for
credibility; a file without it reads as medium) and how PARC writes an unrated
cell (an empty entry here). What feint writes is what that importer reads; whether
PARC ACH itself opens it has not been tried.

Mapping: the title is the question; a hypothesis's ``NAME`` its label; an evidence
row's ``NAME`` its description, ``CODE`` its evidence id (how an exported row is
found again; the description is the fallback), ``TYPE`` its kind, ``NOTES`` the ids
it rests on. Imported ratings are the analyst's (kept on every ``assess`` re-run,
as ``set_rating``'s are); hypotheses and rows feint does not have are added (role
``other``; kind ``analyst``, ids ``...:H-achz-N`` and ``...:E-achz-N``). The
matrix is then scored again and its tables and judgements rewritten. The next
``assess`` run rebuilds hypotheses and evidence from the store (``matrix.save``
replaces the question's rows) and keeps the added ones (``matrix.keep_analysts``),
the hypotheses only when it is not given a hypotheses file of its own; their
ratings stay in the store.
"""

from __future__ import annotations

import gzip
import io
import re
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from feint.assess.ach import Evidence, Hypothesis, question_id
from feint.assess.matrix import (
    AssessReport,
    conclude,
    put_analyst_ratings,
    save,
    stored_report,
)
from feint.errors import UsageError
from feint.store import Store

_TO_PARC: Final = {"CC": "C C", "C": "C", "N": "N", "I": "I", "II": "I I", "NA": "NA"}
_FROM_PARC: Final = {**{v: k for k, v in _TO_PARC.items()}, "CC": "CC", "II": "II"}
_LEVELS: Final = ("low", "medium", "high")
_ROOT: Final = "ACH"  # unverified: see the module docstring
_REFS: Final = "feint refs: "
MAX_XML_BYTES: Final = 64 * 1024 * 1024
"""Largest XML accepted after decompression (a guard against zip bombs)."""
_NOT_XML: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True, slots=True)
class AchzEvidence:
    """One ``EVIDENCE`` element; ``values`` has a rating or None per hypothesis."""

    name: str
    code: str = ""
    type: str = ""
    notes: str = ""
    credibility: str | None = None  # low | medium | high; None when absent
    relevance: str | None = None
    values: tuple[str | None, ...] = ()


@dataclass(frozen=True, slots=True)
class AchzMatrix:
    """What an ``.achz`` file holds that feint uses."""

    title: str
    hypotheses: tuple[str, ...]
    evidence: tuple[AchzEvidence, ...]


@dataclass(slots=True)
class ImportReport:
    """What ``import_achz`` did; ``report`` is the matrix as now stored, scored."""

    path: str
    report: AssessReport
    ratings: int = 0
    added_hypotheses: list[str] = field(default_factory=list)
    added_evidence: list[str] = field(default_factory=list)


def read_achz(path: str | Path) -> AchzMatrix:
    """Parse an ``.achz`` file. Raises UsageError, naming the file, if it is not one."""
    p = Path(path)
    root = _parse(p, _decompress(p))
    matrix = root.find("MATRIX")
    if matrix is None:
        raise _bad(p, f"its <{root.tag}> holds no MATRIX element")
    hypotheses = tuple(_text(h, "NAME") for h in matrix.findall("HYPOTHESIS"))
    if not hypotheses or not all(hypotheses):
        raise _bad(p, "its MATRIX needs HYPOTHESIS elements, each with a NAME")
    evidence = []
    for n, e in enumerate(matrix.findall("EVIDENCE"), start=1):
        values = [_rating(p, n, v) for v in _text(e, "VALUES").split(",")]
        if len(values) > len(hypotheses):
            raise _bad(p, f"evidence {n} has {len(values)} VALUES for {len(hypotheses)} hypotheses")
        evidence.append(
            AchzEvidence(
                _text(e, "NAME") or f"evidence {n}",
                _text(e, "CODE"),
                _text(e, "TYPE"),
                _text(e, "NOTES"),
                _level(p, n, e, "CREDIBILITY"),
                _level(p, n, e, "RELEVANCE"),
                tuple(values) + (None,) * (len(hypotheses) - len(values)),
            )
        )
    return AchzMatrix(_text(root, "PROJECT-TITLE"), hypotheses, tuple(evidence))


def write_achz(matrix: AchzMatrix, path: str | Path) -> None:
    """Write ``matrix`` as gzip-compressed UTF-16 XML, as PARC ACH saves."""
    root = ET.Element(_ROOT)
    _sub(root, "PROJECT-TITLE", matrix.title)
    mx = ET.SubElement(root, "MATRIX")
    for label in matrix.hypotheses:
        _sub(ET.SubElement(mx, "HYPOTHESIS"), "NAME", label)
    for e in matrix.evidence:
        el = ET.SubElement(mx, "EVIDENCE")
        values = ",".join(_TO_PARC[v] if v else "" for v in e.values)
        fields = {"NAME": e.name, "NOTES": e.notes, "TYPE": e.type, "DATE": "0",
                  "CODE": e.code, "FLAG": "0",
                  "CREDIBILITY": (e.credibility or "medium").upper(),
                  "RELEVANCE": (e.relevance or "medium").upper(), "VALUES": values}  # fmt: skip
        for tag, value in fields.items():
            _sub(el, tag, value)
    ET.indent(root)
    text = '<?xml version="1.0" encoding="UTF-16"?>\n' + ET.tostring(root, encoding="unicode")
    data = gzip.compress(b"\xff\xfe" + text.encode("utf-16-le"), mtime=0)
    try:
        Path(path).write_bytes(data)
    except OSError as e:
        raise UsageError(f"Cannot write {str(path)!r} ({e}); check the path.") from e


def export_achz(store: Store, question: str, path: str | Path) -> AchzMatrix:
    """Save the stored matrix for ``question`` as a PARC ACH ``.achz`` file."""
    report = stored_report(store, question)
    if not report.hypotheses:
        raise UsageError(
            f"No ACH matrix for {report.question!r} in the store: run "
            f"'feint assess --question \"{report.question}\"' first."
        )
    matrix = AchzMatrix(
        report.question,
        tuple(h.label for h in report.hypotheses),
        tuple(
            AchzEvidence(
                e.description,
                e.evidence_id,
                e.kind,
                _REFS + ", ".join(e.refs),
                e.credibility,
                e.relevance,
                tuple(
                    report.matrix.get((h.hypothesis_id, e.evidence_id)) for h in report.hypotheses
                ),
            )
            for e in report.evidence
        ),
    )
    write_achz(matrix, path)
    return matrix


def import_achz(store: Store, path: str | Path, question: str | None = None) -> ImportReport:
    """Lay a PARC ACH matrix over the store's matrix for ``question`` (by default the
    file's title): its ratings become the analyst's, hypotheses and evidence rows
    the store lacks are added, and the matrix is scored and written again."""
    p = Path(path)
    m = read_achz(p)
    q = " ".join((question or m.title).split())
    if not q:
        raise UsageError(f"{str(p)!r} has no PROJECT-TITLE: give the question with --question.")
    qid = question_id(q)
    report = stored_report(store, q)
    out = ImportReport(str(p), report)
    hyps = {h.hypothesis_id: h for h in report.hypotheses}
    by_label = {" ".join(h.label.split()): h.hypothesis_id for h in report.hypotheses}
    columns: list[str] = []
    for n, label in enumerate(m.hypotheses, start=1):
        found = by_label.get(" ".join(label.split()))
        hid = _fresh(found, f"{qid}:H-achz-{n}", columns)
        if hid not in hyps:
            out.added_hypotheses.append(hid)
        hyps[hid] = Hypothesis(hid, label, hyps[hid].role if hid in hyps else "other")
        columns.append(hid)
    rows = {e.evidence_id: e for e in report.evidence}
    by_text = {e.description: e.evidence_id for e in report.evidence}
    seen: list[str] = []
    cells: dict[tuple[str, str], str] = {}
    for n, item in enumerate(m.evidence, start=1):
        found = item.code if item.code in rows else by_text.get(item.name)
        eid = _fresh(found, f"{qid}:E-achz-{n}", seen)
        seen.append(eid)
        old = rows.get(eid)
        if old is None:
            out.added_evidence.append(eid)
            kind = _analyst_kind(item.type)
            old = Evidence(eid, item.name, kind, "medium", "medium", _refs(item.notes))
        rows[eid] = replace(
            old,
            description=item.name,
            credibility=item.credibility or old.credibility,
            relevance=item.relevance or old.relevance,
        )
        cells.update({(h, eid): v for h, v in zip(columns, item.values, strict=True) if v})
    report.hypotheses, report.evidence = list(hyps.values()), list(rows.values())
    note = f"imported from {p.name}"
    for key, rating in cells.items():
        report.matrix[key], report.proposed_by[key], report.notes[key] = rating, "analyst", note
    with store.transaction():
        put_analyst_ratings(store, cells, note, q)
    # Ratings first: should the rewrite fail, the analyst's ratings are already kept.
    save(store, conclude(report, qid))
    out.ratings = len(cells)
    return out


def _decompress(p: Path) -> bytes:
    try:
        raw = p.read_bytes()
    except FileNotFoundError as e:
        raise UsageError(f"No file {str(p)!r}; check the path of the .achz file.") from e
    except OSError as e:
        raise UsageError(f"Cannot read {str(p)!r} ({e}).") from e
    try:
        if raw[:2] == b"\x1f\x8b":
            with gzip.GzipFile(fileobj=io.BytesIO(raw)) as f:
                data = f.read(MAX_XML_BYTES + 1)
        elif raw[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(raw)) as z:
                members = [i for i in z.infolist() if not i.is_dir()]
                if len(members) != 1:
                    raise _bad(p, f"it is a zip of {len(members)} files, not of one XML file")
                with z.open(members[0]) as f:
                    data = f.read(MAX_XML_BYTES + 1)
        else:
            raise _bad(p, "it is neither gzip- nor zip-compressed")
    except (OSError, EOFError, zlib.error, zipfile.BadZipFile) as e:
        raise _bad(p, f"it does not decompress ({e})") from e
    if len(data) > MAX_XML_BYTES:
        raise _bad(p, f"it holds more than {MAX_XML_BYTES} bytes of XML")
    return data


def _parse(p: Path, data: bytes) -> ET.Element:
    try:
        # Expat (2.4.1 and later) refuses entity expansion bombs, and ElementTree
        # never fetches external entities.
        return ET.fromstring(data)
    except ET.ParseError as e:
        raise _bad(p, f"its XML does not parse ({e})") from e


def _bad(p: Path, what: str) -> UsageError:
    return UsageError(
        f"Cannot read {str(p)!r} as a PARC ACH .achz file: {what}. Save the matrix from "
        "PARC ACH with File > Save As..., or from feint with --export-achz."
    )


def _text(el: ET.Element, tag: str) -> str:
    child = el.find(tag)
    return "" if child is None or child.text is None else child.text.strip()


def _rating(p: Path, n: int, value: str) -> str | None:
    token = " ".join(value.split())
    if not token:
        return None
    if token not in _FROM_PARC:
        known = ", ".join(_TO_PARC.values())
        raise _bad(p, f"evidence {n} has the rating {token!r}, not one of {known}")
    return _FROM_PARC[token]


def _level(p: Path, n: int, el: ET.Element, tag: str) -> str | None:
    value = _text(el, tag).lower()
    if value and value not in _LEVELS:
        raise _bad(p, f"evidence {n} has {tag} {value.upper()!r}, not HIGH, MEDIUM or LOW")
    return value or None


def _known(level: str | None) -> str:
    return level if level in _LEVELS else "medium"


def _analyst_kind(parc_type: str) -> str:
    if parc_type.startswith("analyst"):
        return parc_type
    return f"analyst:{parc_type}" if parc_type else "analyst"


def _refs(notes: str) -> tuple[str, ...]:
    head = _REFS.strip()
    line = next((x for x in notes.splitlines() if x.startswith(head)), head)
    return tuple(r for r in (x.strip() for x in line[len(head) :].split(",")) if r)


def _fresh(found: str | None, new: str, taken: list[str]) -> str:
    """``found`` unless already taken in this file (two items alike), else a new id."""
    if found is not None and found not in taken:
        return found
    out, n = new, 1
    while out in taken:
        n += 1
        out = f"{new}-{n}"
    return out


def _sub(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, tag).text = _NOT_XML.sub("", text)
