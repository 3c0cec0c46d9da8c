"""One typed record per table: the only place a table's columns are listed.

A stage that writes a table builds these records and hands them to
``Store.insert``, which takes the table's name and its column list from the record's
class, so no writer retypes either. ``tests/test_records.py`` checks that each
record's fields are its table's columns, in the table's order, against a freshly
migrated store, so a migration that adds a column fails there until its record
follows.

``documents`` is the one table without a record here: ``DocumentRow`` (in
``store.store``) is its record, less ``ingested_at``, which the store stamps itself.
``schema_version`` belongs to the store's migrations.

Each record names the one module that writes its table (``Owner:`` in the
docstring), as ARCHITECTURE.md's table list does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar, Protocol


class Record(Protocol):
    """What ``Store.insert`` needs of a record class: a table and dataclass fields."""

    TABLE: ClassVar[str]
    __dataclass_fields__: ClassVar[dict[str, Any]]


# -- extract ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttributionRow:
    """An attribution: who said (cue) what (content), through whom, when.

    Spans are character offsets into the document's text. Owner: extract/stage.py.
    """

    TABLE: ClassVar[str] = "attributions"
    attr_id: str
    doc_id: str
    parent_id: str | None
    source_id: str | None
    source_text: str | None
    source_start: int | None
    source_end: int | None
    cue_text: str | None
    cue_start: int | None
    cue_end: int | None
    cue_lemma: str | None
    content_text: str | None
    content_start: int | None
    content_end: int | None
    conduit_text: str | None
    conduit_start: int | None
    conduit_end: int | None
    polarity: str | None
    hedged: bool | None
    time_text: str | None
    time_resolved: date | None
    method: str | None
    source_name: str | None
    predicate: bool | None


@dataclass(frozen=True, slots=True)
class SourceRow:
    """A source as one document names it, with its profile. Owner: extract/stage.py
    (``entity_id`` is set by extract/entities.py when entities are rebuilt)."""

    TABLE: ClassVar[str] = "sources"
    source_id: str
    name: str | None
    kind: str | None
    count: int | None
    affiliation: str | None
    access: str | None
    doc_id: str | None
    role: str | None
    entity_id: str | None = None


@dataclass(frozen=True, slots=True)
class ExtractRunRow:
    """That a document was extracted, by which model and extractor. Owner: extract/stage.py."""

    TABLE: ClassVar[str] = "extract_runs"
    doc_id: str
    model: str
    extractor: str
    extracted_at: datetime
    n_attributions: int


@dataclass(frozen=True, slots=True)
class ExtractErrorRow:
    """Why a document could not be extracted. Owner: extract/stage.py."""

    TABLE: ClassVar[str] = "extract_errors"
    doc_id: str
    stage: str
    error: str
    failed_at: datetime


@dataclass(frozen=True, slots=True)
class EntityRow:
    """A named speaker across documents. Owner: extract/entities.py."""

    TABLE: ClassVar[str] = "entities"
    entity_id: str
    name: str
    kind: str | None
    affiliation: str | None
    role: str | None
    mentions: int


# -- relate ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """An attribution as a claim: its channel, proposition, stance and frame.

    Owner: relate/output.py; context/load.py adds the claims of coded statements
    (channel only; relate fills in the rest).
    """

    TABLE: ClassVar[str] = "claims"
    claim_id: str
    attr_id: str
    source_id: str | None
    channel: str | None
    proposition_id: str | None = None
    stance: str | None = None
    stance_score: float | None = None
    confidence: float | None = None
    content_hash: str | None = None
    frame_actor: str | None = None
    frame_time: date | None = None
    frame_polarity: str | None = None
    frame_event: bool | None = None


@dataclass(frozen=True, slots=True)
class PropositionRow:
    """A cluster of claims that say the same thing. Owner: relate/output.py."""

    TABLE: ClassVar[str] = "propositions"
    proposition_id: str
    label: str | None
    size: int | None
    label_claim: str | None


@dataclass(frozen=True, slots=True)
class RelationRow:
    """A judged relation between two claims. Owner: relate/output.py."""

    TABLE: ClassVar[str] = "relations"
    claim_a: str
    claim_b: str
    kind: str
    score: float | None
    method: str | None
    explanation: str | None


@dataclass(frozen=True, slots=True)
class OpenPairRow:
    """A judged pair that neither contradicts nor corroborates. Owner: relate/output.py."""

    TABLE: ClassVar[str] = "open_pairs"
    claim_a: str
    claim_b: str


@dataclass(frozen=True, slots=True)
class StanceRow:
    """A claim's stance towards the case's question. Owner: relate/output.py."""

    TABLE: ClassVar[str] = "stances"
    question: str
    claim_id: str
    stance: str
    score: float | None
    method: str | None
    explanation: str | None


@dataclass(frozen=True, slots=True)
class RelateRunRow:
    """One relate run: models, k and what it added. Owner: relate/output.py."""

    TABLE: ClassVar[str] = "relate_runs"
    run_id: int
    finished_at: datetime
    judge: str
    embed_model: str
    k: int
    new_claims: int
    relations: int


@dataclass(frozen=True, slots=True)
class EmbeddingRow:
    """A text's embedding under one model, as float32 bytes. Owner: relate/embed.py."""

    TABLE: ClassVar[str] = "embeddings"
    text_key: str
    model: str
    dim: int
    vector: bytes


# -- context ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventRow:
    """A dated event of the deeds record, as context/readers.py reads it.

    Owner: context/load.py.
    """

    TABLE: ClassVar[str] = "events"
    event_id: str
    date: date
    actor: str
    type: str
    description: str
    source: str | None
    place: str | None
    sub_type: str | None
    fatalities: int | None
    kind: str  # "action" or "statement" (a coded statement, also stored as a claim)
    origin: str  # file:line


@dataclass(frozen=True, slots=True)
class DecisionRow:
    """A decision of the calendar that claims might be timed to, as
    context/readers.py reads it. Owner: context/load.py."""

    TABLE: ClassVar[str] = "decisions"
    date: date
    audience: str
    decision: str
    kind: str | None
    decision_id: str
    origin: str  # file:line


@dataclass(frozen=True, slots=True)
class ContextRejectRow:
    """A context input row (event or decision) that was not loaded, and why.

    Owner: context/load.py.
    """

    TABLE: ClassVar[str] = "context_rejects"
    origin: str
    reason: str
    rejected_at: datetime


# -- assess ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class GradeRow:
    """An Admiralty grade: a source's reliability, a claim's credibility.

    Owner: assess/grades.py.
    """

    TABLE: ClassVar[str] = "grades"
    source_id: str | None
    claim_id: str | None
    reliability: str | None
    credibility: int | None
    rationale: str | None


@dataclass(frozen=True, slots=True)
class SayDoRow:
    """An actor's words set against its deeds in one period. Owner: assess/saydo.py."""

    TABLE: ClassVar[str] = "saydo"
    actor: str | None
    claim_ids: Sequence[str] | None
    event_ids: Sequence[str] | None
    lag_days: int | None
    direction: str | None
    channel: str | None
    period: str | None
    window_days: int | None
    question: str | None


@dataclass(frozen=True, slots=True)
class TimingRow:
    """Whether a proposition's surges precede decisions. Owner: assess/timing.py."""

    TABLE: ClassVar[str] = "timing"
    proposition_id: str | None
    channel: str | None
    window_days: int | None
    precursor_rate: float | None
    p_value: float | None
    n_surges: int | None
    n_decisions: int | None
    question: str | None
    surge_days: Sequence[date] | None
    n_preceded: int | None
    n_permutations: int | None
    note: str | None


@dataclass(frozen=True, slots=True)
class HypothesisRow:
    """A hypothesis of the ACH matrix, with its score and rank. Owner: assess/matrix.py."""

    TABLE: ClassVar[str] = "hypotheses"
    hypothesis_id: str
    question: str | None
    label: str | None
    is_deception: bool | None
    role: str | None
    score: float | None
    rank: int | None
    probability: float | None


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """An evidence row of the ACH matrix and the store rows it rests on (``refs``).

    Owner: assess/matrix.py.
    """

    TABLE: ClassVar[str] = "evidence"
    evidence_id: str
    description: str | None
    kind: str | None
    credibility: str | None
    relevance: str | None
    refs: Sequence[str] | None
    question: str | None
    weight: float | None
    diagnosticity: int | None
    sensitivity: str | None


@dataclass(frozen=True, slots=True)
class RatingRow:
    """How consistent one evidence row is with one hypothesis, and who said so.

    Owner: assess/matrix.py.
    """

    TABLE: ClassVar[str] = "ratings"
    hypothesis_id: str | None
    evidence_id: str | None
    rating: str | None
    proposed_by: str | None
    question: str | None
    note: str | None


@dataclass(frozen=True, slots=True)
class JudgementRow:
    """An ICD 203 judgement: band, probability range, confidence and its evidence.

    Owner: assess/matrix.py.
    """

    TABLE: ClassVar[str] = "judgements"
    judgement_id: str
    question: str | None
    text: str | None
    band: str | None
    probability_low: float | None
    probability_high: float | None
    confidence: str | None
    evidence_ids: Sequence[str] | None
    confidence_text: str | None
    made_at: datetime | None
