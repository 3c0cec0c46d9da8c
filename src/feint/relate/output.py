"""What one relate run writes, in one transaction: claims, propositions, relations,
open pairs, stances and the run's record, with the rows they replace deleted first."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from feint.config import RelateOptions
from feint.relate.claims import Claim
from feint.relate.frames import Frame
from feint.relate.propositions import Cluster
from feint.relate.relations import Relation
from feint.store import Store
from feint.store.records import (
    ClaimRow,
    OpenPairRow,
    PropositionRow,
    Record,
    RelateRunRow,
    RelationRow,
    StanceRow,
)

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Output:
    """What one run writes (rows index ``claims``)."""

    claims: list[Claim]
    new: list[int]
    props: dict[str, Cluster]
    touched: set[str]  # propositions to write again
    emptied: set[str]  # propositions left with no member
    fresh: set[str]  # claim ids whose earlier rows (stances, relations) all go
    proposition_of: dict[int, str]
    stance_rows: dict[int, tuple[str, float, float]]
    relations: list[Relation]  # judged, touching a new claim
    open_pairs: list[tuple[str, str]]  # judged pairs neither contradicting nor corroborating
    moved: list[str]  # old claims whose tension rows are made again
    tension: list[Relation]  # those rows
    question: str | None
    question_rows: dict[int, tuple[str, float, float, str]]
    frames: list[Frame]  # every claim's frame
    framed: list[int]  # rows whose frame was read in this run (to store)


def _delete_touching(
    conn: duckdb.DuckDBPyConnection,
    kind: type[Record],
    ids: list[str],
    columns: tuple[str, ...],
    where: str = "TRUE",
) -> None:
    """Delete the rows of ``kind``'s table whose ``columns`` name one of ``ids`` (in a
    transaction). A semi-join on the unnested ids, not ``list_contains``: a hash join
    rather than a scan of the list per row, which counts when a new question moves
    every claim."""
    if ids:
        touching = " OR ".join(f"{c} IN (SELECT unnest(?::VARCHAR[]))" for c in columns)
        conn.execute(
            f"DELETE FROM {kind.TABLE} WHERE ({where}) AND ({touching})", [ids] * len(columns)
        )


def write(
    store: Store, out: Output, options: RelateOptions, embed_name: str, judge_name: str
) -> None:
    """Store one run's output in one transaction, and record the run.

    Deleted first: the rows of ``out.fresh`` claims (redone or gone) in claims,
    stances, relations and open pairs; the tension rows of ``out.moved`` claims; the
    propositions written again or left empty. Then the new rows go in.
    """
    claims = out.claims
    rows = sorted(set(out.new) | set(out.stance_rows))
    claim_rows = _claim_rows(out, rows)
    # Known claims that had no frame (a store related before version 9) get theirs.
    backfill = sorted(set(out.framed) - set(rows))
    prop_rows = _proposition_rows(out)
    relations = out.relations + out.tension
    fresh = sorted(out.fresh)
    with store.transaction() as conn:
        _delete_touching(conn, ClaimRow, [claims[r].claim_id for r in rows] + fresh, ("claim_id",))
        _delete_touching(conn, StanceRow, fresh, ("claim_id",))
        _delete_touching(conn, RelationRow, fresh, ("claim_a", "claim_b"))
        _delete_touching(conn, OpenPairRow, fresh, ("claim_a", "claim_b"))
        _delete_touching(conn, RelationRow, out.moved, ("claim_a", "claim_b"), "kind = 'tension'")
        store.insert(claim_rows)
        if backfill:
            _backfill_frames(conn, out, backfill)
        store.delete_where_in(PropositionRow, "proposition_id", sorted(out.touched | out.emptied))
        store.insert(prop_rows)
        store.insert(
            [
                RelationRow(x.claim_a, x.claim_b, x.kind, x.score, x.method, x.explanation)
                for x in relations
            ]
        )
        store.insert([OpenPairRow(a, b) for a, b in out.open_pairs])
        if out.question:
            store.insert(
                [
                    StanceRow(out.question, claims[r].claim_id, st, sc, judge_name, why[:200])
                    for r, (st, sc, _, why) in out.question_rows.items()
                ],
                on_conflict_skip=True,
            )
        _record_run(store, options, embed_name, judge_name, len(out.new), len(relations))


def _claim_rows(out: Output, rows: list[int]) -> list[ClaimRow]:
    """The claims rows of ``rows``."""
    claim_rows: list[ClaimRow] = []
    for r in rows:
        c = out.claims[r]
        st, sc, conf = out.stance_rows.get(r, (None, None, None))
        f = out.frames[r]
        claim_rows.append(
            ClaimRow(
                c.claim_id, c.attr_id, c.source_id, c.channel, out.proposition_of.get(r),
                st, sc, conf, c.content_hash, f.actor, f.when, f.polarity, f.event,
            )
        )  # fmt: skip
    return claim_rows


def _proposition_rows(out: Output) -> list[PropositionRow]:
    """The row of each proposition written again."""
    claims, props = out.claims, out.props
    return [
        PropositionRow(
            pid,
            claims[props[pid].label].content,
            len(props[pid].members),
            claims[props[pid].label].claim_id,
        )
        for pid in sorted(out.touched)
    ]


def _backfill_frames(conn: duckdb.DuckDBPyConnection, out: Output, rows: list[int]) -> None:
    """Store the frames of ``rows``, claims already stored (in a transaction)."""
    conn.execute(
        "UPDATE claims SET frame_actor = f.actor, frame_time = f.t, "
        "frame_polarity = f.pol, frame_event = f.ev FROM (SELECT "
        "unnest(?::VARCHAR[]) AS id, unnest(?::VARCHAR[]) AS actor, "
        "unnest(?::DATE[]) AS t, unnest(?::VARCHAR[]) AS pol, "
        "unnest(?::BOOLEAN[]) AS ev) f WHERE claims.claim_id = f.id",
        [
            [out.claims[r].claim_id for r in rows],
            [out.frames[r].actor for r in rows],
            [out.frames[r].when for r in rows],
            [out.frames[r].polarity for r in rows],
            [out.frames[r].event for r in rows],
        ],
    )


def _record_run(
    store: Store,
    options: RelateOptions,
    embed_name: str,
    judge_name: str,
    new_claims: int,
    relations: int,
) -> None:
    """Add the run's row to ``relate_runs`` (in the caller's transaction)."""
    run = store.query("SELECT coalesce(max(run_id), 0) + 1 FROM relate_runs").rows[0][0]
    finished = datetime.now(UTC).replace(tzinfo=None)
    store.insert(
        [RelateRunRow(run, finished, judge_name, embed_name, options.k, new_claims, relations)]
    )


def forget_claims(store: Store) -> None:
    """Delete relate's claims, propositions, relations and stances (``force``)."""
    with store.transaction() as conn:
        for kind in (PropositionRow, RelationRow, OpenPairRow, StanceRow):
            store.clear(kind)
        # Every claim but the statements context coded (their attr_id is an event).
        conn.execute("DELETE FROM claims WHERE attr_id NOT IN (SELECT event_id FROM events)")


def stamp_hashes(store: Store, rows: tuple[tuple[str, str], ...]) -> None:
    """Give claims made before schema 7 the hash of their attribution as it is now.

    Nothing records what they were made from, so they are taken to match: redoing
    every claim of an old store would judge every pair again. After re-extracting
    such a store, ``feint relate --force`` redoes them all.
    """
    with store.transaction() as conn:
        conn.execute(
            "UPDATE claims SET content_hash = h.hash FROM (SELECT unnest(?::VARCHAR[]) AS id, "
            "unnest(?::VARCHAR[]) AS hash) h WHERE claims.claim_id = h.id",
            [[c for c, _ in rows], [h for _, h in rows]],
        )
    log.info("%d claim(s) from before schema 7 stamped with their attribution's hash", len(rows))
