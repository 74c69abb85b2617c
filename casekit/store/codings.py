"""Writing and reading codes and codings in the store (automatic and manual)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from casekit.store.db import Store, utc_now

__all__ = [
    "AUTO_CODER",
    "CodeRow",
    "NewCoding",
    "autocode_done",
    "insert_code",
    "replace_auto_codings",
    "sync_codes",
]

# The coder name recorded on automatic codings.
AUTO_CODER = "rules"


@dataclass(frozen=True)
class CodeRow:
    """A code as the store keeps it."""

    id: str
    parent: str | None
    family: str
    name_zh: str
    name_en: str
    definition: str
    codebook: str


@dataclass(frozen=True)
class NewCoding:
    """A coding to insert; offsets are into the document text."""

    segment_id: int
    code: str
    start: int
    end: int
    rule: str | None = None
    matched_text: str = ""
    memo: str | None = None


def insert_code(con: sqlite3.Connection, code: CodeRow) -> None:
    """Inside the caller's transaction: add a code."""
    con.execute(
        "INSERT INTO codes(id, parent, family, name_zh, name_en, definition, codebook) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            code.id,
            code.parent,
            code.family,
            code.name_zh,
            code.name_en,
            code.definition,
            code.codebook,
        ),
    )


def sync_codes(store: Store, codes: Sequence[CodeRow]) -> dict[str, int]:
    """Make the ``codes`` table match a codebook: insert new codes, update changed ones.

    Codes of the same codebook that are no longer in it are removed unless codings still use
    them (those stay, so analyses and ``casekit doctor`` can show them); codes that came from
    elsewhere (another codebook, a REFI-QDA import) are left alone. Returns counts per change kind.
    """
    wanted = {c.id: c for c in codes}
    counts = {"added": 0, "updated": 0, "removed": 0}
    with store.transaction() as con:
        existing = {row["id"]: row for row in con.execute("SELECT * FROM codes")}
        for code in codes:
            values = (
                code.parent,
                code.family,
                code.name_zh,
                code.name_en,
                code.definition,
                code.codebook,
                code.id,
            )
            old = existing.get(code.id)
            if old is None:
                insert_code(con, code)
                counts["added"] += 1
            elif (
                tuple(
                    old[k]
                    for k in (
                        "parent",
                        "family",
                        "name_zh",
                        "name_en",
                        "definition",
                        "codebook",
                        "id",
                    )
                )
                != values
            ):
                con.execute(
                    "UPDATE codes SET parent = ?, family = ?, name_zh = ?, name_en = ?, definition = ?, "
                    "codebook = ? WHERE id = ?",
                    values,
                )
                counts["updated"] += 1
        synced = {c.codebook for c in codes}
        for code_id in existing.keys() - wanted.keys():
            if existing[code_id]["codebook"] not in synced:
                continue
            used = con.execute(
                "SELECT 1 FROM codings WHERE code = ? LIMIT 1", (code_id,)
            ).fetchone()
            if not used:
                con.execute("DELETE FROM codes WHERE id = ?", (code_id,))
                counts["removed"] += 1
        if any(counts.values()):
            Store.log_event(con, "codebook", "codes.sync", counts)
    return counts


def autocode_done(store: Store, codebook_version: str, unit: str) -> dict[int, str]:
    """Documents whose stored automatic codings are current: ``document_id -> sha256``."""
    rows = store.query(
        "SELECT a.document_id, d.sha256 FROM autocode_state a JOIN documents d ON d.id = a.document_id "
        "WHERE a.codebook_version = ? AND a.unit = ? AND a.sha256 = d.sha256",
        (codebook_version, unit),
    )
    return {row[0]: row[1] for row in rows}


def replace_auto_codings(
    con: sqlite3.Connection,
    *,
    document_id: int,
    codebook: str,
    codebook_version: str,
    unit: str,
    sha256: str,
    codings: Iterable[NewCoding],
) -> int:
    """Inside the caller's transaction: swap one document's automatic codings for new ones.

    Every automatic coding of the document made from the same codebook id (any version) is
    replaced; manual codings are never touched. Returns the number inserted.
    """
    con.execute(
        # "+source" keeps SQLite off the (source, coder) index, which would scan every
        # automatic coding of the project for each document; the segment index finds the
        # document's few codings directly.
        "DELETE FROM codings WHERE +source = 'auto' AND segment_id IN "
        "(SELECT id FROM segments WHERE document_id = ?) AND code IN "
        "(SELECT id FROM codes WHERE codebook = ?)",
        (document_id, codebook),
    )
    now = utc_now()
    rows: list[tuple[Any, ...]] = [
        (
            c.segment_id,
            c.code,
            c.start,
            c.end,
            AUTO_CODER,
            c.rule,
            c.matched_text,
            codebook_version,
            now,
        )
        for c in codings
    ]
    con.executemany(
        "INSERT INTO codings(segment_id, code, start, end, source, coder, rule, matched_text, "
        "codebook_version, created_at) VALUES (?, ?, ?, ?, 'auto', ?, ?, ?, ?, ?)",
        rows,
    )
    con.execute(
        "INSERT INTO autocode_state(document_id, codebook, codebook_version, unit, sha256, n_codings, coded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(document_id) DO UPDATE SET codebook = excluded.codebook, "
        "codebook_version = excluded.codebook_version, unit = excluded.unit, sha256 = excluded.sha256, "
        "n_codings = excluded.n_codings, coded_at = excluded.coded_at",
        (document_id, codebook, codebook_version, unit, sha256, len(rows), now),
    )
    return len(rows)
