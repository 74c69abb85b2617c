"""The project store's schema: ordered, named migrations. This file is the one place it is defined.

Tables
------
schema_migrations  version, name, applied_at — one row per applied migration.
documents          one row per ingested file: ``name`` (the document id, the file stem), ``path``
                   (relative to the project root), ``sha256`` of the raw bytes, the normalised
                   ``text``, ``language`` (zh/en), ``doc_type``, source ``encoding``,
                   ``cr_positions`` (JSON list of offsets in ``text`` where a CR was removed, so
                   offsets from tools that count CRLF can be mapped), ``attributes`` (JSON, from
                   the manifest), ``ingested_at``.
segments           addressable units of a document: ``key`` (stable id, e.g. ``gz-prov-01/t14``),
                   ``unit`` (turn/paragraph/sentence/article), ``idx`` (1-based within the unit),
                   ``start``/``end`` code-point offsets into the document text (``text[start:end]
                   == segments.text``), ``speaker`` (turns), ``label`` (article markers).
codes              the codes of the codebook(s) used in the project (id, parent, family, names).
codings            one row per coding: ``segment_id``, ``code``, ``start``/``end`` (document
                   offsets, inside the segment), ``source`` (manual/auto), ``coder`` (a person's
                   name, or ``rules`` for automatic coding), ``rule`` (rule id for auto codings),
                   ``matched_text``, ``codebook_version`` (content hash), ``memo``, ``created_at``,
                   ``deleted_at`` (NULL while the coding stands; codings are never hard-deleted
                   by hand).
memos              memos on the project, a document, a code or a segment.
events             the append-only log: every change by a person or a run, with a JSON payload
                   from which it can be undone.
autocode_state     per document: which codebook version, unit and text the stored automatic
                   codings were made from, so a rerun skips documents already done and a run
                   killed half-way is completed by the next.
session_positions  (migration 3) per coder and session scope (``document|unit``), the segment key
                   where the coder's interactive coding session stopped, so reopening resumes.
rejections         (migration 3) automatic suggestions a coder rejected in a session: document,
                   code and span of the automatic coding; soft-deleted (``deleted_at``) by undo.
refi_objects       (migration 4) what a REFI-QDA import must remember so a later export gives
                   the other tool back its own objects: per ``kind`` (code, family, document,
                   user) and casekit ``key`` (code id, family name, document name, coder), the
                   other tool's ``guid``; for codes also the ``name``, ``color`` and
                   ``description`` as written there; ``origin`` is the imported file's name.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "initial",
        """
        CREATE TABLE documents (
            id           INTEGER PRIMARY KEY,
            name         TEXT NOT NULL UNIQUE,
            path         TEXT NOT NULL UNIQUE,
            sha256       TEXT NOT NULL,
            text         TEXT NOT NULL,
            language     TEXT NOT NULL,
            doc_type     TEXT NOT NULL DEFAULT 'document',
            encoding     TEXT NOT NULL,
            cr_positions TEXT NOT NULL DEFAULT '[]',
            attributes   TEXT NOT NULL DEFAULT '{}',
            ingested_at  TEXT NOT NULL
        );
        CREATE TABLE segments (
            id          INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            key         TEXT NOT NULL UNIQUE,
            unit        TEXT NOT NULL,
            idx         INTEGER NOT NULL,
            start       INTEGER NOT NULL,
            end         INTEGER NOT NULL,
            speaker     TEXT,
            label       TEXT,
            text        TEXT NOT NULL,
            UNIQUE (document_id, unit, idx),
            CHECK (end > start)
        );
        CREATE INDEX segments_doc_unit ON segments(document_id, unit, start);
        CREATE TABLE codes (
            id         TEXT PRIMARY KEY,
            parent     TEXT,
            family     TEXT NOT NULL,
            name_zh    TEXT NOT NULL DEFAULT '',
            name_en    TEXT NOT NULL DEFAULT '',
            definition TEXT NOT NULL DEFAULT '',
            codebook   TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE codings (
            id               INTEGER PRIMARY KEY,
            segment_id       INTEGER NOT NULL REFERENCES segments(id),
            code             TEXT NOT NULL,
            start            INTEGER NOT NULL,
            end              INTEGER NOT NULL,
            source           TEXT NOT NULL CHECK (source IN ('manual', 'auto')),
            coder            TEXT NOT NULL,
            rule             TEXT,
            matched_text     TEXT NOT NULL DEFAULT '',
            codebook_version TEXT NOT NULL DEFAULT '',
            memo             TEXT,
            created_at       TEXT NOT NULL,
            deleted_at       TEXT,
            CHECK (end >= start)
        );
        CREATE INDEX codings_segment ON codings(segment_id);
        CREATE INDEX codings_code ON codings(code);
        CREATE INDEX codings_source_coder ON codings(source, coder);
        CREATE TABLE memos (
            id          INTEGER PRIMARY KEY,
            target_type TEXT NOT NULL CHECK (target_type IN ('project', 'document', 'code', 'segment')),
            target      TEXT NOT NULL DEFAULT '',
            author      TEXT NOT NULL,
            text        TEXT NOT NULL,
            created_at  TEXT NOT NULL,
            deleted_at  TEXT
        );
        CREATE TABLE events (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            at      TEXT NOT NULL,
            actor   TEXT NOT NULL,
            action  TEXT NOT NULL,
            payload TEXT NOT NULL DEFAULT '{}'
        );
        """,
    ),
]

MIGRATIONS.append(
    (
        2,
        "autocode_state",
        """
        CREATE TABLE autocode_state (
            document_id      INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            codebook         TEXT NOT NULL,
            codebook_version TEXT NOT NULL,
            unit             TEXT NOT NULL,
            sha256           TEXT NOT NULL,
            n_codings        INTEGER NOT NULL,
            coded_at         TEXT NOT NULL
        );
        """,
    )
)

MIGRATIONS.append(
    (
        3,
        "manual_coding",
        """
        CREATE TABLE session_positions (
            coder      TEXT NOT NULL,
            scope      TEXT NOT NULL,
            segment    TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (coder, scope)
        );
        CREATE TABLE rejections (
            id          INTEGER PRIMARY KEY,
            coder       TEXT NOT NULL,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            code        TEXT NOT NULL,
            start       INTEGER NOT NULL,
            end         INTEGER NOT NULL,
            created_at  TEXT NOT NULL,
            deleted_at  TEXT
        );
        CREATE INDEX rejections_coder_document ON rejections(coder, document_id);
        """,
    )
)

MIGRATIONS.append(
    (
        4,
        "refi_exchange",
        """
        CREATE TABLE refi_objects (
            kind        TEXT NOT NULL CHECK (kind IN ('code', 'family', 'document', 'user')),
            key         TEXT NOT NULL,
            guid        TEXT NOT NULL,
            name        TEXT,
            color       TEXT,
            description TEXT,
            origin      TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (kind, key)
        );
        CREATE INDEX refi_objects_guid ON refi_objects(kind, guid);
        """,
    )
)

SCHEMA_VERSION = MIGRATIONS[-1][0]
