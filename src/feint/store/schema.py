"""The store's schema, as an ordered list of migrations.

Migration N brings a store from version N-1 to N. A store records the versions it
has in ``schema_version``; opening it for writing applies the missing ones in one
transaction each. Never edit a migration that has shipped: add a new one.

The tables follow DESIGN.md ("Data model"): one row is one thing, and every
derived row keeps the ids it came from, down to a document and a character span.
Stages that are not built yet still get their tables now, so that the contract
columns later issues rely on exist from the first store on.
"""

from __future__ import annotations

from typing import Final

# Version 1: every table of DESIGN.md with the columns the issues' contracts name.
_V1: Final[tuple[str, ...]] = (
    """
    CREATE TABLE documents (
        doc_id       VARCHAR PRIMARY KEY,  -- sha256 of normalised text; rejected: of input+reason
        source_path  VARCHAR,              -- file path, 'file.jsonl:17', URL or '<stdin>'
        url          VARCHAR,
        outlet       VARCHAR,
        title        VARCHAR,
        published    DATE,
        ingested_at  TIMESTAMP NOT NULL,
        language     VARCHAR,
        text         VARCHAR,              -- raw_text less the furniture lines; spans point here
        raw_text     VARCHAR,              -- the decoded input before furniture removal
        furniture    JSON,                 -- removed lines: raw offsets, text, rule that fired
        format       VARCHAR,              -- text, html, jsonl, csv, json, feed, warc, url
        meta         JSON,                 -- input fields feint has no column for (e.g. an item id)
        status       VARCHAR NOT NULL CHECK (status IN ('ok', 'rejected')),
        reason       VARCHAR,              -- why it was rejected, naming the input and the fix
        duplicate_of VARCHAR               -- for a rejected duplicate: the doc_id it repeats
    )
    """,
    """
    CREATE TABLE sources (
        source_id   VARCHAR PRIMARY KEY,
        name        VARCHAR,
        kind        VARCHAR,
        count       INTEGER,
        affiliation VARCHAR,
        access      VARCHAR
    )
    """,
    """
    CREATE TABLE attributions (
        attr_id       VARCHAR PRIMARY KEY,
        doc_id        VARCHAR NOT NULL,
        parent_id     VARCHAR,
        source_id     VARCHAR,
        source_text   VARCHAR, source_start INTEGER, source_end INTEGER,
        cue_text      VARCHAR, cue_start INTEGER, cue_end INTEGER, cue_lemma VARCHAR,
        content_text  VARCHAR, content_start INTEGER, content_end INTEGER,
        conduit_text  VARCHAR, conduit_start INTEGER, conduit_end INTEGER,
        polarity      VARCHAR,
        hedged        BOOLEAN,
        time_text     VARCHAR,
        time_resolved DATE
    )
    """,
    """
    CREATE TABLE extract_errors (
        doc_id  VARCHAR PRIMARY KEY,
        stage   VARCHAR NOT NULL,
        error   VARCHAR NOT NULL,
        failed_at TIMESTAMP NOT NULL
    )
    """,
    """
    CREATE TABLE propositions (
        proposition_id VARCHAR PRIMARY KEY,
        label          VARCHAR,
        size           INTEGER
    )
    """,
    """
    CREATE TABLE claims (
        claim_id       VARCHAR PRIMARY KEY,
        attr_id        VARCHAR NOT NULL,
        source_id      VARCHAR,
        channel        VARCHAR,
        proposition_id VARCHAR,
        stance         VARCHAR,
        stance_score   DOUBLE,
        confidence     DOUBLE
    )
    """,
    """
    CREATE TABLE relations (
        claim_a     VARCHAR NOT NULL,
        claim_b     VARCHAR NOT NULL,
        kind        VARCHAR NOT NULL,
        score       DOUBLE,
        method      VARCHAR,
        explanation VARCHAR
    )
    """,
    """
    CREATE TABLE events (
        event_id    VARCHAR PRIMARY KEY,
        date        DATE,
        actor       VARCHAR,
        type        VARCHAR,
        description VARCHAR,
        source      VARCHAR,
        place       VARCHAR
    )
    """,
    """
    CREATE TABLE decisions (
        date     DATE,
        audience VARCHAR,
        decision VARCHAR,
        kind     VARCHAR
    )
    """,
    """
    CREATE TABLE grades (
        source_id   VARCHAR,
        claim_id    VARCHAR,
        reliability VARCHAR,
        credibility INTEGER,
        rationale   VARCHAR
    )
    """,
    """
    CREATE TABLE saydo (
        actor     VARCHAR,
        claim_ids VARCHAR[],
        event_ids VARCHAR[],
        lag_days  INTEGER,
        direction VARCHAR
    )
    """,
    """
    CREATE TABLE timing (
        proposition_id VARCHAR,
        channel        VARCHAR,
        window_days    INTEGER,
        precursor_rate DOUBLE,
        p_value        DOUBLE,
        n_surges       INTEGER,
        n_decisions    INTEGER
    )
    """,
    """
    CREATE TABLE hypotheses (
        hypothesis_id VARCHAR PRIMARY KEY,
        question      VARCHAR,
        label         VARCHAR,
        is_deception  BOOLEAN
    )
    """,
    """
    CREATE TABLE evidence (
        evidence_id VARCHAR PRIMARY KEY,
        description VARCHAR,
        kind        VARCHAR,
        credibility VARCHAR,
        relevance   VARCHAR,
        refs        VARCHAR[]
    )
    """,
    """
    CREATE TABLE ratings (
        hypothesis_id VARCHAR,
        evidence_id   VARCHAR,
        rating        VARCHAR,
        proposed_by   VARCHAR
    )
    """,
    """
    CREATE TABLE judgements (
        judgement_id     VARCHAR PRIMARY KEY,
        question         VARCHAR,
        text             VARCHAR,
        band             VARCHAR,
        probability_low  DOUBLE,
        probability_high DOUBLE,
        confidence       VARCHAR,
        evidence_ids     VARCHAR[]
    )
    """,
)

# Version 2: extraction bookkeeping. Which documents were extracted, by which model
# (so `feint extract` is idempotent and `--force` redoes), the rule that found each
# attribution, and the document each per-document source belongs to.
_V2: Final[tuple[str, ...]] = (
    """
    CREATE TABLE extract_runs (
        doc_id         VARCHAR PRIMARY KEY,
        model          VARCHAR NOT NULL,
        extractor      VARCHAR NOT NULL,
        extracted_at   TIMESTAMP NOT NULL,
        n_attributions INTEGER NOT NULL
    )
    """,
    "ALTER TABLE attributions ADD COLUMN method VARCHAR",
    "ALTER TABLE attributions ADD COLUMN source_name VARCHAR",
    "ALTER TABLE sources ADD COLUMN doc_id VARCHAR",
)

# Version 3: relating claims. Cached embeddings (so a re-run embeds only new texts),
# each claim's stance toward a user's question, the claim that labels a proposition,
# and a record of each relate run with the judge and model it used.
_V3: Final[tuple[str, ...]] = (
    """
    CREATE TABLE embeddings (
        text_key VARCHAR NOT NULL,   -- sha256 of the text, first 32 hex digits
        model    VARCHAR NOT NULL,
        dim      INTEGER NOT NULL,
        vector   BLOB NOT NULL,      -- float32, little-endian, L2-normalised
        PRIMARY KEY (text_key, model)
    )
    """,
    """
    CREATE TABLE stances (
        question    VARCHAR NOT NULL,
        claim_id    VARCHAR NOT NULL,
        stance      VARCHAR NOT NULL CHECK (stance IN ('support', 'oppose', 'neutral')),
        score       DOUBLE,          -- P(entailment) - P(contradiction), -1..1
        method      VARCHAR,
        explanation VARCHAR,
        PRIMARY KEY (question, claim_id)
    )
    """,
    "ALTER TABLE propositions ADD COLUMN label_claim VARCHAR",
    """
    CREATE TABLE relate_runs (
        run_id      INTEGER PRIMARY KEY,
        finished_at TIMESTAMP NOT NULL,
        judge       VARCHAR NOT NULL,
        embed_model VARCHAR NOT NULL,
        k           INTEGER NOT NULL,
        new_claims  INTEGER NOT NULL,
        relations   INTEGER NOT NULL
    )
    """,
)

# Version 4: context. Events keep their sub-type, fatalities, whether they are an
# action or a coded statement, and the file line they came from; decisions get an id
# (so evidence can cite one); rows that could not be read are kept with the reason.
_V4: Final[tuple[str, ...]] = (
    "ALTER TABLE events ADD COLUMN sub_type VARCHAR",
    "ALTER TABLE events ADD COLUMN fatalities INTEGER",
    "ALTER TABLE events ADD COLUMN kind VARCHAR",  # action | statement
    "ALTER TABLE events ADD COLUMN origin VARCHAR",  # file:line
    "ALTER TABLE decisions ADD COLUMN decision_id VARCHAR",
    "ALTER TABLE decisions ADD COLUMN origin VARCHAR",
    "CREATE UNIQUE INDEX decisions_id ON decisions (decision_id)",
    """
    CREATE TABLE context_rejects (
        origin      VARCHAR NOT NULL,  -- file, or file:line
        reason      VARCHAR NOT NULL,
        rejected_at TIMESTAMP NOT NULL
    )
    """,
)

# Version 5: say-do rows say which channel, month, question and window they are for;
# timing rows which question, the surge days, how many decisions were preceded, the
# null's size, and a plain note when there is too little to conclude anything.
_V5: Final[tuple[str, ...]] = (
    "ALTER TABLE saydo ADD COLUMN channel VARCHAR",
    "ALTER TABLE saydo ADD COLUMN period VARCHAR",  # YYYY-MM of the claims
    "ALTER TABLE saydo ADD COLUMN window_days INTEGER",
    "ALTER TABLE saydo ADD COLUMN question VARCHAR",
    "ALTER TABLE timing ADD COLUMN question VARCHAR",
    "ALTER TABLE timing ADD COLUMN surge_days DATE[]",
    "ALTER TABLE timing ADD COLUMN n_preceded INTEGER",
    "ALTER TABLE timing ADD COLUMN n_permutations INTEGER",
    "ALTER TABLE timing ADD COLUMN note VARCHAR",
)

# Version 6: the ACH matrix per question. Hypotheses keep their role, score, rank and
# probability; evidence its question, weight, diagnosticity and sensitivity; ratings
# a note (what the other proposer said); judgements the confidence sentence.
_V6: Final[tuple[str, ...]] = (
    "ALTER TABLE hypotheses ADD COLUMN role VARCHAR",
    "ALTER TABLE hypotheses ADD COLUMN score DOUBLE",
    "ALTER TABLE hypotheses ADD COLUMN rank INTEGER",
    "ALTER TABLE hypotheses ADD COLUMN probability DOUBLE",
    "ALTER TABLE evidence ADD COLUMN question VARCHAR",
    "ALTER TABLE evidence ADD COLUMN weight DOUBLE",
    "ALTER TABLE evidence ADD COLUMN diagnosticity INTEGER",
    "ALTER TABLE evidence ADD COLUMN sensitivity VARCHAR",
    "ALTER TABLE ratings ADD COLUMN question VARCHAR",
    "ALTER TABLE ratings ADD COLUMN note VARCHAR",
    "ALTER TABLE judgements ADD COLUMN confidence_text VARCHAR",
    "ALTER TABLE judgements ADD COLUMN made_at TIMESTAMP",
)

# Version 7: later relate runs. Each claim made from a document keeps a hash of what
# relate read from its attribution (content, polarity, source, channel, conduit,
# parent), so that after `feint extract --force` relate sees which claims changed
# under it and redoes them; claims of older stores get theirs on the next relate run.
# The pairs the judge found neither contradicting nor corroborating are kept, so that
# when stances change (a question asked later) relate can make their tension rows
# again without judging them twice. A store related before version 7 has none of
# them: `feint relate --force` once, and later questions find all their tension.
_V7: Final[tuple[str, ...]] = (
    "ALTER TABLE claims ADD COLUMN content_hash VARCHAR",
    """
    CREATE TABLE open_pairs (
        claim_a VARCHAR NOT NULL,  -- as in relations: the pair's claims, judged both ways
        claim_b VARCHAR NOT NULL
    )
    """,
)

# Version 8: whether an attribution's content has a predicate (a verb or an
# auxiliary). "a ceasefire without Ukraine" names a topic and asserts nothing, so
# relate does not judge it against other claims. NULL (extracted before version 8)
# counts as having one, as before.
_V8: Final[tuple[str, ...]] = ("ALTER TABLE attributions ADD COLUMN predicate BOOLEAN",)

# Version 9: each claim's frame (relate/frames.py): the actor its content is about
# (an actor group such as RUSSIA, or an unknown actor's own name; NULL when the
# holder is a pronoun or a common noun), the date it refers to, its polarity, and
# whether it recounts an act done rather than an intention or a position.
# Relations gain the kind 'shift' (no schema change: kind is free text): one actor's
# position contradicted by its own later one, more than the frame window apart.
_V9: Final[tuple[str, ...]] = (
    "ALTER TABLE claims ADD COLUMN frame_actor VARCHAR",
    "ALTER TABLE claims ADD COLUMN frame_time DATE",
    "ALTER TABLE claims ADD COLUMN frame_polarity VARCHAR",
    "ALTER TABLE claims ADD COLUMN frame_event BOOLEAN",
)

# Version 10: one entity per real-world source across the store (issue 12). Sources
# keep their per-document rows, with the title the text gives and the entity they
# are; an unresolved pronoun is a source of kind 'unresolved' with no name.
_V10: Final[tuple[str, ...]] = (
    """
    CREATE TABLE entities (
        entity_id   VARCHAR PRIMARY KEY,
        name        VARCHAR NOT NULL,
        kind        VARCHAR,
        affiliation VARCHAR,
        role        VARCHAR,
        mentions    INTEGER NOT NULL
    )
    """,
    "ALTER TABLE sources ADD COLUMN role VARCHAR",
    "ALTER TABLE sources ADD COLUMN entity_id VARCHAR",
)

MIGRATIONS: Final[tuple[tuple[int, tuple[str, ...]], ...]] = (
    (1, _V1), (2, _V2), (3, _V3), (4, _V4), (5, _V5), (6, _V6), (7, _V7), (8, _V8),
    (9, _V9), (10, _V10),
)  # fmt: skip
"""(version, statements) in order; the last version is what this feint writes."""

LATEST_VERSION: Final[int] = MIGRATIONS[-1][0]
