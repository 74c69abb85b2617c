"""SQL for manual coding: segments and documents by name, codings, memos, rejections, events, undo.

Every change made by a person is recorded as an event whose payload carries an ``effect``:
``{table: {"added": [ids], "removed": [ids]}}`` for the soft-deletable tables ``codings``,
``memos`` and ``rejections``. "added" rows were made to stand (inserted or restored),
"removed" rows were soft-deleted. Undoing an event applies the inverse effect and is itself an
event whose payload names the event it undoes (``undoes``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from casekit.errors import CodingError
from casekit.store.codings import AUTO_CODER, NewCoding
from casekit.store.db import Store, utc_now

__all__ = [
    "EFFECT_TABLES",
    "UNDO_ACTION",
    "DocumentRow",
    "EventRow",
    "SegmentRow",
    "apply_effect",
    "auto_codings_in_span",
    "coding_keys",
    "coding_rows",
    "coding_states",
    "document_segments",
    "effect_conflicts",
    "effective_events",
    "find_codings",
    "get_document",
    "get_event",
    "get_memo",
    "get_segment",
    "insert_codings",
    "insert_memo",
    "insert_rejections",
    "invert_effect",
    "known_coders",
    "list_codes",
    "list_documents",
    "list_events",
    "list_memos",
    "load_position",
    "manual_coding_keys",
    "rejected_spans",
    "save_position",
    "segment_codings",
    "units_of_document",
]

# Tables whose rows an event can add or remove (all carry ``deleted_at``).
EFFECT_TABLES = ("codings", "memos", "rejections")
UNDO_ACTION = "undo"

Effect = dict[str, dict[str, list[int]]]


@dataclass(frozen=True)
class DocumentRow:
    """A document as manual coding needs it (``attributes`` parsed from JSON)."""

    id: int
    name: str
    doc_type: str
    language: str
    text: str
    attributes: dict[str, Any]


@dataclass(frozen=True)
class SegmentRow:
    """A segment with the name of its document."""

    id: int
    key: str
    document_id: int
    document: str
    unit: str
    idx: int
    start: int
    end: int
    speaker: str | None
    label: str | None
    text: str


@dataclass(frozen=True)
class EventRow:
    """One entry of the event log, payload parsed."""

    id: int
    at: str
    actor: str
    action: str
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def effect(self) -> Effect | None:
        return self.payload.get("effect")


# -- documents and segments ------------------------------------------------------------------
def _document(row: sqlite3.Row) -> DocumentRow:
    return DocumentRow(
        id=row["id"],
        name=row["name"],
        doc_type=row["doc_type"],
        language=row["language"],
        text=row["text"],
        attributes=json.loads(row["attributes"]),
    )


def get_document(store: Store, name: str) -> DocumentRow | None:
    """The document called ``name``, or None."""
    row = store.con.execute(
        "SELECT id, name, doc_type, language, text, attributes FROM documents WHERE name = ?",
        (name,),
    ).fetchone()
    return None if row is None else _document(row)


def list_documents(store: Store) -> list[DocumentRow]:
    """Every document, sorted by name."""
    rows = store.query(
        "SELECT id, name, doc_type, language, text, attributes FROM documents ORDER BY name"
    )
    return [_document(r) for r in rows]


_SEGMENT_SQL = (
    "SELECT s.id, s.key, s.document_id, d.name AS document, s.unit, s.idx, s.start, s.end, "
    "s.speaker, s.label, s.text FROM segments s JOIN documents d ON d.id = s.document_id"
)


def _segment(row: sqlite3.Row) -> SegmentRow:
    return SegmentRow(**{k: row[k] for k in row.keys()})  # noqa: SIM118 - sqlite3.Row


def get_segment(store: Store, key: str) -> SegmentRow | None:
    """The segment with this key (e.g. ``gz-prov-01/t14``), or None."""
    row = store.con.execute(_SEGMENT_SQL + " WHERE s.key = ?", (key,)).fetchone()
    return None if row is None else _segment(row)


def document_segments(store: Store, document_id: int, unit: str) -> list[SegmentRow]:
    """Segments of one unit of a document in reading order."""
    rows = store.query(
        _SEGMENT_SQL + " WHERE s.document_id = ? AND s.unit = ? ORDER BY s.idx",
        (document_id, unit),
    )
    return [_segment(r) for r in rows]


def units_of_document(store: Store, document_id: int) -> set[str]:
    """The units a document was segmented into."""
    rows = store.query("SELECT DISTINCT unit FROM segments WHERE document_id = ?", (document_id,))
    return {r[0] for r in rows}


# -- codes -------------------------------------------------------------------------------------
def list_codes(store: Store) -> list[dict[str, Any]]:
    """The project's codes sorted by id; keys ``id, parent, family, name_zh, name_en, definition``."""
    rows = store.query(
        "SELECT id, parent, family, name_zh, name_en, definition FROM codes ORDER BY id"
    )
    return [dict(r) for r in rows]


# -- codings -----------------------------------------------------------------------------------
def insert_codings(
    con: sqlite3.Connection,
    codings: Sequence[NewCoding],
    *,
    coder: str,
    codebook_version: str,
    now: str | None = None,
) -> list[int]:
    """Inside the caller's transaction: insert manual codings of ``coder``; return their ids."""
    now = now or utc_now()
    ids = []
    for c in codings:
        cur = con.execute(
            "INSERT INTO codings(segment_id, code, start, end, source, coder, rule, matched_text, "
            "codebook_version, memo, created_at) VALUES (?, ?, ?, ?, 'manual', ?, ?, ?, ?, ?, ?)",
            (
                c.segment_id,
                c.code,
                c.start,
                c.end,
                coder,
                c.rule,
                c.matched_text,
                codebook_version,
                c.memo,
                now,
            ),
        )
        ids.append(int(cur.lastrowid or 0))
    return ids


_CODING_SQL = (
    "SELECT c.id, c.segment_id, s.key AS segment, s.unit, d.name AS document, "
    "s.document_id AS doc_id, s.start AS seg_start, c.code, "
    "COALESCE(k.name_zh, '') AS name_zh, COALESCE(k.name_en, '') AS name_en, c.coder, c.source, "
    "c.rule, c.start, c.end, substr(d.text, c.start + 1, c.end - c.start) AS text, c.memo, "
    "c.created_at FROM codings c JOIN segments s ON s.id = c.segment_id "
    "JOIN documents d ON d.id = s.document_id LEFT JOIN codes k ON k.id = c.code"
)


def coding_rows(
    store: Store,
    *,
    document: str | None = None,
    codes: Sequence[str] | None = None,
    coders: Sequence[str] | None = None,
    source: str | None = None,
) -> list[dict[str, Any]]:
    """Standing codings as dicts, sorted by document, start, code, coder, end, id.

    Keys: ``id, segment_id, segment, unit, document, doc_id, seg_start, code, name_zh,
    name_en, coder, source, rule, start, end, text, memo, created_at`` (``start``/``end``
    and the segment's ``seg_start`` are offsets into the document text).
    """
    where = ["c.deleted_at IS NULL"]
    params: list[Any] = []
    if document is not None:
        where.append("d.name = ?")
        params.append(document)
    if codes is not None:
        where.append(f"c.code IN ({','.join('?' * len(codes))})")
        params += list(codes)
    if coders is not None:
        where.append(f"c.coder IN ({','.join('?' * len(coders))})")
        params += list(coders)
    if source is not None:
        where.append("c.source = ?")
        params.append(source)
    rows = store.query(
        _CODING_SQL
        + " WHERE "
        + " AND ".join(where)
        + " ORDER BY d.name, c.start, c.code, c.coder, c.end, c.id",
        tuple(params),
    )
    return [dict(r) for r in rows]


def segment_codings(store: Store, segment: SegmentRow) -> list[dict[str, Any]]:
    """Standing codings (manual and automatic) that overlap the segment's span, any unit.

    Automatic codings are often made on another unit (paragraphs) than the one a coder
    works on (turns), so they are found by offsets, not by segment id.
    """
    rows = store.query(
        _CODING_SQL + " WHERE c.deleted_at IS NULL AND s.document_id = ? AND "
        "((c.start < ? AND c.end > ?) OR (c.start = c.end AND c.start >= ? AND c.start < ?)) "
        "ORDER BY c.start, c.code, c.coder, c.end, c.id",
        (segment.document_id, segment.end, segment.start, segment.start, segment.end),
    )
    return [dict(r) for r in rows]


def auto_codings_in_span(store: Store, segment: SegmentRow) -> list[dict[str, Any]]:
    """Standing automatic codings overlapping the segment (the session's suggestions)."""
    return [r for r in segment_codings(store, segment) if r["source"] == "auto"]


def find_codings(
    store: Store,
    *,
    segment_id: int,
    code: str,
    coder: str | None = None,
    start: int | None = None,
    end: int | None = None,
) -> list[dict[str, Any]]:
    """Standing manual codings of ``code`` on a segment (of one coder, at one span when given)."""
    sql = _CODING_SQL + (
        " WHERE c.deleted_at IS NULL AND c.source = 'manual' AND c.segment_id = ? AND c.code = ?"
    )
    params: list[Any] = [segment_id, code]
    if coder is not None:
        sql += " AND c.coder = ?"
        params.append(coder)
    if start is not None and end is not None:
        sql += " AND c.start = ? AND c.end = ?"
        params += [start, end]
    return [dict(r) for r in store.query(sql + " ORDER BY c.start, c.id", tuple(params))]


def coding_keys(
    con: sqlite3.Connection, document_ids: Iterable[int], source: str
) -> set[tuple[int, int, int, str, str]]:
    """``(document_id, start, end, code, coder)`` of standing codings of ``source`` in documents."""
    ids = sorted(set(document_ids))
    if not ids:
        return set()
    rows = con.execute(
        "SELECT s.document_id, c.start, c.end, c.code, c.coder FROM codings c "
        "JOIN segments s ON s.id = c.segment_id WHERE c.deleted_at IS NULL AND "
        f"c.source = ? AND s.document_id IN ({','.join('?' * len(ids))})",
        (source, *ids),
    ).fetchall()
    return {tuple(r) for r in rows}  # type: ignore[misc]


def manual_coding_keys(
    con: sqlite3.Connection, document_ids: Iterable[int]
) -> set[tuple[int, int, int, str, str]]:
    """``(document_id, start, end, code, coder)`` of standing manual codings in documents."""
    return coding_keys(con, document_ids, "manual")


def coding_states(con: sqlite3.Connection, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """``id -> {id, coder, source, deleted_at}`` for the codings that exist among ``ids``."""
    if not ids:
        return {}
    rows = con.execute(
        "SELECT id, coder, source, deleted_at FROM codings WHERE id IN "
        f"({','.join('?' * len(ids))})",
        tuple(ids),
    ).fetchall()
    return {r["id"]: dict(r) for r in rows}


def known_coders(store: Store) -> list[str]:
    """Names of everyone who has made a manual coding (even a removed one) or a memo, sorted."""
    rows = store.query(
        "SELECT coder FROM codings WHERE source = 'manual' UNION "
        "SELECT author FROM memos UNION SELECT coder FROM rejections ORDER BY 1"
    )
    return [r[0] for r in rows if r[0] != AUTO_CODER]


# -- memos -------------------------------------------------------------------------------------
def insert_memo(
    con: sqlite3.Connection, *, target_type: str, target: str, author: str, text: str
) -> int:
    """Inside the caller's transaction: add a memo; return its id."""
    cur = con.execute(
        "INSERT INTO memos(target_type, target, author, text, created_at) VALUES (?, ?, ?, ?, ?)",
        (target_type, target, author, text, utc_now()),
    )
    return int(cur.lastrowid or 0)


_MEMO_SQL = "SELECT id, target_type, target, author, text, created_at, deleted_at FROM memos"


def get_memo(store: Store, memo_id: int) -> dict[str, Any] | None:
    """One memo (standing or removed), or None."""
    row = store.con.execute(_MEMO_SQL + " WHERE id = ?", (memo_id,)).fetchone()
    return None if row is None else dict(row)


def list_memos(
    store: Store,
    *,
    target_type: str | None = None,
    targets: Sequence[str] | None = None,
    author: str | None = None,
) -> list[dict[str, Any]]:
    """Standing memos sorted by creation; keys ``id, target_type, target, author, text, created_at``."""
    where = ["deleted_at IS NULL"]
    params: list[Any] = []
    if target_type is not None:
        where.append("target_type = ?")
        params.append(target_type)
    if targets is not None:
        where.append(f"target IN ({','.join('?' * len(targets))})")
        params += list(targets)
    if author is not None:
        where.append("author = ?")
        params.append(author)
    rows = store.query(
        _MEMO_SQL + " WHERE " + " AND ".join(where) + " ORDER BY created_at, id", tuple(params)
    )
    return [{k: r[k] for k in r.keys() if k != "deleted_at"} for r in rows]  # noqa: SIM118


# -- rejected suggestions ----------------------------------------------------------------------
def insert_rejections(
    con: sqlite3.Connection, *, coder: str, document_id: int, spans: Iterable[tuple[str, int, int]]
) -> list[int]:
    """Inside the caller's transaction: record rejected ``(code, start, end)`` suggestions."""
    now = utc_now()
    ids = []
    for code, start, end in spans:
        cur = con.execute(
            "INSERT INTO rejections(coder, document_id, code, start, end, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (coder, document_id, code, start, end, now),
        )
        ids.append(int(cur.lastrowid or 0))
    return ids


def rejected_spans(store: Store, *, coder: str, document_id: int) -> set[tuple[str, int, int]]:
    """``(code, start, end)`` of the automatic codings this coder rejected in a document."""
    rows = store.query(
        "SELECT code, start, end FROM rejections WHERE coder = ? AND document_id = ? "
        "AND deleted_at IS NULL",
        (coder, document_id),
    )
    return {(r[0], r[1], r[2]) for r in rows}


# -- session positions -------------------------------------------------------------------------
def load_position(store: Store, *, coder: str, scope: str) -> str | None:
    """The segment key where ``coder``'s last session over ``scope`` stopped."""
    value = store.scalar(
        "SELECT segment FROM session_positions WHERE coder = ? AND scope = ?", (coder, scope)
    )
    return None if value is None else str(value)


def save_position(store: Store, *, coder: str, scope: str, segment: str) -> None:
    """Remember where ``coder`` is (its own small transaction; not an event: nothing changed)."""
    with store.transaction() as con:
        con.execute(
            "INSERT INTO session_positions(coder, scope, segment, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(coder, scope) DO UPDATE SET segment = excluded.segment, "
            "updated_at = excluded.updated_at",
            (coder, scope, segment, utc_now()),
        )


# -- events and undo ---------------------------------------------------------------------------
def _event(row: sqlite3.Row) -> EventRow:
    try:
        payload = json.loads(row["payload"])
    except json.JSONDecodeError:
        payload = {}
    return EventRow(row["id"], row["at"], row["actor"], row["action"], payload)


def list_events(
    store: Store,
    *,
    actor: str | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[EventRow]:
    """Events newest first; ``action`` matches a prefix (``coding`` finds ``coding.add``)."""
    sql = "SELECT id, at, actor, action, payload FROM events"
    where: list[str] = []
    params: list[Any] = []
    if actor is not None:
        where.append("actor = ?")
        params.append(actor)
    if action is not None:
        where.append("(action = ? OR action LIKE ? ESCAPE '\\')")
        escaped = action.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params += [action, escaped + ".%"]
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY id DESC"
    if limit is not None:
        sql += " LIMIT ?"
        params.append(limit)
    return [_event(r) for r in store.query(sql, tuple(params))]


def get_event(con: sqlite3.Connection, event_id: int) -> EventRow | None:
    """One event by id, or None."""
    row = con.execute(
        "SELECT id, at, actor, action, payload FROM events WHERE id = ?", (event_id,)
    ).fetchone()
    return None if row is None else _event(row)


def effective_events(con: sqlite3.Connection) -> tuple[list[EventRow], dict[int, bool]]:
    """Every undoable event in order, and whether each is in effect now.

    An event is undoable when its payload has an ``effect``. Undoing event *t* takes *t* out
    of effect; undoing that undo puts *t* back, and so on down the chain.
    """
    rows = con.execute(
        "SELECT id, at, actor, action, payload FROM events "
        "WHERE json_extract(payload, '$.effect') IS NOT NULL ORDER BY id"
    ).fetchall()
    events = [_event(r) for r in rows]
    by_id = {e.id: e for e in events}
    in_effect: dict[int, bool] = {}

    def set_state(event_id: int, value: bool) -> None:
        # Iterative: a long chain of undo-of-undo must not hit the recursion limit.
        while event_id in by_id:
            in_effect[event_id] = value
            event = by_id[event_id]
            if event.action != UNDO_ACTION:
                return
            event_id = int(event.payload.get("undoes", 0))
            value = not value

    for event in events:
        set_state(event.id, True)
    return events, in_effect


def invert_effect(effect: Effect) -> Effect:
    """The effect that reverts ``effect``: added rows removed and removed rows restored."""
    return {
        table: {"added": list(change.get("removed", [])), "removed": list(change.get("added", []))}
        for table, change in effect.items()
    }


def effect_conflicts(con: sqlite3.Connection, effect: Effect) -> list[str]:
    """Why ``effect`` cannot be applied now: rows missing, or not in the state it expects.

    Applying an effect expects every row it adds to be soft-deleted now and every row it
    removes to be standing; anything else means a later change touched the row.
    """
    problems = []
    for table, change in effect.items():
        if table not in EFFECT_TABLES:
            problems.append(f"unknown table {table!r} in the event")
            continue
        singular = table[:-1]
        for want_deleted, key in ((True, "added"), (False, "removed")):
            ids = change.get(key, [])
            if not ids:
                continue
            rows = con.execute(
                f"SELECT id, deleted_at FROM {table} WHERE id IN ({','.join('?' * len(ids))})",
                tuple(ids),
            ).fetchall()
            state = {r[0]: r[1] is not None for r in rows}
            for row_id in ids:
                if row_id not in state:
                    problems.append(f"{singular} {row_id} no longer exists")
                elif state[row_id] != want_deleted:
                    now = "removed" if state[row_id] else "standing"
                    problems.append(f"{singular} {row_id} is {now} already")
    return problems


def apply_effect(con: sqlite3.Connection, effect: Effect, *, now: str | None = None) -> None:
    """Inside the caller's transaction: make "added" rows stand and soft-delete "removed" ones."""
    now = now or utc_now()
    for table, change in effect.items():
        if table not in EFFECT_TABLES:
            raise CodingError(f"unknown table {table!r} in an event; the event log is damaged")
        added = change.get("added", [])
        removed = change.get("removed", [])
        if added:
            con.execute(
                f"UPDATE {table} SET deleted_at = NULL WHERE id IN ({','.join('?' * len(added))})",
                tuple(added),
            )
        if removed:
            con.execute(
                f"UPDATE {table} SET deleted_at = ? WHERE id IN ({','.join('?' * len(removed))})",
                (now, *removed),
            )
