"""Check a project for damage and drift (``casekit doctor``) and repair what is safe to repair.

The checks read ``casekit.db`` through a plain SQLite connection, so they work on a store that
:class:`casekit.store.Store` refuses to open (damaged, or made by a newer casekit). Repairs
go through the store: each is one transaction and one ``doctor.repair`` event.

Checks, by ``Finding.check``:

``store``          the file is missing or not a SQLite database.
``integrity``      SQLite ``integrity_check`` and ``foreign_key_check``.
``schema``         the schema version: older (repair: migrate) or newer than this casekit.
``offsets``        standing codings whose span falls outside their segment (or the text).
``text``           standing codings whose recorded matched text is no longer the text at
                   their offsets.
``auto-batches``   documents whose ``autocode_state`` does not match their automatic codings.
``unknown-codes``  standing codings of codes the codebook no longer defines (codes brought in
                   by a REFI-QDA import, whose ``codes.codebook`` names the file, are defined).
``changed-files``  documents whose corpus file changed or vanished since ingest.
``orphan-memos``   standing memos on a document, segment or code that no longer exists.

Repairs (``fix=True``): the schema is migrated; stale automatic codings (outside their
segment, text changed, unknown code, batch mismatch) are deleted with their document's
``autocode_state``, so ``casekit autocode`` recreates them; orphan memos are soft-deleted
(undoable). Manual codings and changed files are only reported: deciding about them is the
researcher's.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from casekit.errors import CasekitError, StoreError
from casekit.store.db import BUSY_TIMEOUT_S
from casekit.store.schema import SCHEMA_VERSION

if TYPE_CHECKING:
    from casekit.project import Project

__all__ = [
    "CHECKS",
    "DoctorReport",
    "Finding",
    "check_project",
    "doctor_project",
    "repair_project",
]

CHECKS = (
    "store",
    "integrity",
    "schema",
    "offsets",
    "text",
    "auto-batches",
    "unknown-codes",
    "changed-files",
    "orphan-memos",
)
ACTOR = "doctor"
REPAIR_ACTION = "doctor.repair"
MAX_EXAMPLES = 5
# A document path with a scheme (``refi:file.qdpx/name``) was imported, not read from a file.
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """One problem: what is wrong, examples, how to fix it, and whether ``--fix`` can.

    ``ids`` are the rows concerned (codings, memos or documents, by ``check``).
    """

    check: str
    severity: str  # "error" or "warning"
    message: str
    fix: str
    fixable: bool = False
    examples: tuple[str, ...] = ()
    ids: tuple[int, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "check": self.check,
            "severity": self.severity,
            "message": self.message,
            "fix": self.fix,
            "fixable": self.fixable,
            "examples": list(self.examples),
            "count": len(self.ids),
        }


@dataclass
class DoctorReport:
    """The findings left after a doctor run, and the repairs it made (with ``fix``)."""

    path: str
    schema_version: int | None
    findings: list[Finding] = field(default_factory=list)
    repairs: list[str] = field(default_factory=list)
    checked: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.findings


def _plural(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


@contextmanager
def _connect(project: Project) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(project.db_path, timeout=BUSY_TIMEOUT_S)) as con:
        con.row_factory = sqlite3.Row
        yield con


def _schema_version(con: sqlite3.Connection) -> int:
    if not con.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'"
    ).fetchone():
        return 0
    return int(con.execute("SELECT MAX(version) FROM schema_migrations").fetchone()[0] or 0)


def _examples(rows: Sequence[sqlite3.Row], describe: Any) -> tuple[str, ...]:
    return tuple(describe(r) for r in rows[:MAX_EXAMPLES])


def _coding(row: sqlite3.Row) -> str:
    return f"{row['segment']} {row['code']} {row['start']}:{row['end']} ({row['coder']})"


_CODING_SQL = (
    "SELECT c.id, c.code, c.start, c.end, c.source, c.coder, c.matched_text, s.key AS segment, "
    "s.start AS seg_start, s.end AS seg_end, s.document_id, d.name AS document, "
    "LENGTH(d.text) AS length FROM codings c JOIN segments s ON s.id = c.segment_id "
    "JOIN documents d ON d.id = s.document_id WHERE c.deleted_at IS NULL"
)


def _split(rows: list[sqlite3.Row]) -> tuple[list[sqlite3.Row], list[sqlite3.Row]]:
    return [r for r in rows if r["source"] == "auto"], [r for r in rows if r["source"] != "auto"]


def _coding_findings(
    check: str, rows: list[sqlite3.Row], what: tuple[str, str], manual_fix: str
) -> list[Finding]:
    """Findings about codings: automatic ones (fixable) apart from manual ones (not).

    ``what`` is the predicate for one coding and for several.
    """
    auto, manual = _split(rows)
    out = []
    if auto:
        out.append(
            Finding(
                check,
                "warning",
                f"{_plural(len(auto), 'automatic coding')} {what[len(auto) != 1]}",
                "'casekit doctor --fix' removes them; 'casekit autocode' then recreates the "
                "documents' automatic codings",
                True,
                _examples(auto, _coding),
                tuple(r["id"] for r in auto),
            )
        )
    if manual:
        out.append(
            Finding(
                check,
                "error",
                f"{_plural(len(manual), 'manual coding')} {what[len(manual) != 1]}",
                manual_fix,
                False,
                _examples(manual, _coding),
                tuple(r["id"] for r in manual),
            )
        )
    return out


def _check_codings(con: sqlite3.Connection) -> list[Finding]:
    rows = con.execute(_CODING_SQL).fetchall()
    outside = [
        r
        for r in rows
        if r["start"] < r["seg_start"] or r["end"] > r["seg_end"] or r["end"] > r["length"]
    ]
    outside_ids = {r["id"] for r in outside}
    texts = {
        row[0]: row[1]
        for row in con.execute(
            "SELECT c.id, substr(d.text, c.start + 1, c.end - c.start) FROM codings c "
            "JOIN segments s ON s.id = c.segment_id JOIN documents d ON d.id = s.document_id "
            "WHERE c.deleted_at IS NULL AND c.matched_text != ''"
        )
    }
    changed = [
        r
        for r in rows
        if r["id"] not in outside_ids and r["id"] in texts and texts[r["id"]] != r["matched_text"]
    ]
    fix = (
        "look at each with 'casekit code show SEGMENT', then 'casekit code rm SEGMENT CODE "
        "--coder NAME' and code the passage again"
    )
    return _coding_findings(
        "offsets", outside, ("falls outside its segment", "fall outside their segment"), fix
    ) + _coding_findings(
        "text",
        changed,
        ("no longer matches the text it was made on", "no longer match the text they were made on"),
        fix,
    )


def _check_auto_batches(con: sqlite3.Connection) -> list[Finding]:
    rows = con.execute(
        "SELECT a.document_id, d.name, a.n_codings, a.sha256 = d.sha256 AS current, "
        "(SELECT COUNT(*) FROM codings c JOIN segments s ON s.id = c.segment_id "
        " WHERE s.document_id = a.document_id AND c.source = 'auto' "
        " AND c.deleted_at IS NULL) AS stored "
        "FROM autocode_state a JOIN documents d ON d.id = a.document_id ORDER BY d.name"
    ).fetchall()
    bad = [r for r in rows if r["stored"] != r["n_codings"]]
    if not bad:
        return []
    return [
        Finding(
            "auto-batches",
            "warning",
            f"{_plural(len(bad), 'document')} whose automatic codings do not match the "
            "autocode run that made them",
            "'casekit doctor --fix' resets them; 'casekit autocode' then codes them again",
            True,
            _examples(bad, lambda r: f"{r['name']}: {r['stored']} stored, {r['n_codings']} made"),
            tuple(r["document_id"] for r in bad),
        )
    ]


def _codebook_ids(project: Project) -> tuple[str, set[str]] | Finding | None:
    """``(codebook id, code ids)`` of the project codebook; a Finding when it is invalid."""
    from casekit.codebook.loader import load_codebook

    path = project.codebook_path
    if not path.is_file():
        return None
    try:
        codebook = load_codebook(path)
    except CasekitError as exc:
        return Finding(
            "unknown-codes",
            "error",
            f"the codebook {project.relative(path)} is invalid, so codings cannot be checked "
            "against it",
            f"run 'casekit codebook validate' and fix what it lists ({str(exc).splitlines()[0]})",
        )
    return codebook.id, set(codebook.codes)


def _check_codes(
    con: sqlite3.Connection, known: tuple[str, set[str]] | Finding | None
) -> list[Finding]:
    if isinstance(known, Finding):
        return [known]
    rows = con.execute(
        "SELECT c.id, c.code, c.start, c.end, c.source, c.coder, s.key AS segment, "
        "k.codebook AS origin FROM codings c JOIN segments s ON s.id = c.segment_id "
        "LEFT JOIN codes k ON k.id = c.code WHERE c.deleted_at IS NULL"
    ).fetchall()
    if known is None:  # no codebook file: the codes table is the project's code list
        missing = [r for r in rows if r["origin"] is None]
    else:
        codebook_id, ids = known
        missing = [
            r for r in rows if r["code"] not in ids and (r["origin"] in (None, "", codebook_id))
        ]
    codes = sorted({r["code"] for r in missing})
    manual_fix = (
        f"add {', '.join(codes[:5])}{' …' if len(codes) > 5 else ''} back to the codebook, or "
        "recode them: 'casekit code list --code CODE' lists them"
    )
    return _coding_findings(
        "unknown-codes",
        missing,
        ("uses a code the codebook does not define", "use codes the codebook does not define"),
        manual_fix,
    )


def _check_files(con: sqlite3.Connection, project: Project) -> list[Finding]:
    missing, changed = [], []
    for row in con.execute("SELECT id, name, path, sha256 FROM documents ORDER BY name"):
        if _SCHEME.match(row["path"]):
            continue
        path = project.root / row["path"]
        if not path.is_file():
            missing.append(row)
            continue
        digest = hashlib.sha256()
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
        if digest.hexdigest() != row["sha256"]:
            changed.append(row)
    out = []
    if changed:
        out.append(
            Finding(
                "changed-files",
                "warning",
                f"{_plural(len(changed), 'document')} changed on disk since ingest",
                "run 'casekit ingest' to store the new text (with --force when manual codings "
                "point into it: they are re-anchored, and those whose text is gone are logged)",
                False,
                _examples(changed, lambda r: f"{r['name']} ({r['path']})"),
                tuple(r["id"] for r in changed),
            )
        )
    if missing:
        out.append(
            Finding(
                "changed-files",
                "warning",
                f"{_plural(len(missing), 'document')} whose corpus file is gone (the stored "
                "text is intact)",
                "restore the files, or keep working from the store: nothing is lost",
                False,
                _examples(missing, lambda r: f"{r['name']} ({r['path']})"),
                tuple(r["id"] for r in missing),
            )
        )
    return out


def _check_memos(
    con: sqlite3.Connection, known: tuple[str, set[str]] | Finding | None
) -> list[Finding]:
    documents = {r[0] for r in con.execute("SELECT name FROM documents")}
    segments = {r[0] for r in con.execute("SELECT key FROM segments")}
    codes = {r[0] for r in con.execute("SELECT id FROM codes")}
    if isinstance(known, tuple):
        codes |= known[1]
    targets = {"document": documents, "segment": segments, "code": codes}
    orphans = [
        r
        for r in con.execute(
            "SELECT id, target_type, target, author FROM memos WHERE deleted_at IS NULL "
            "AND target_type != 'project' ORDER BY id"
        )
        if r["target"] not in targets.get(r["target_type"], set())
    ]
    if not orphans:
        return []
    return [
        Finding(
            "orphan-memos",
            "warning",
            f"{_plural(len(orphans), 'memo')} on something that no longer exists",
            "'casekit doctor --fix' removes them (logged; 'casekit undo --event N' restores them)",
            True,
            _examples(
                orphans,
                lambda r: f"memo {r['id']} by {r['author']} on {r['target_type']} {r['target']}",
            ),
            tuple(r["id"] for r in orphans),
        )
    ]


def check_project(project: Project) -> tuple[list[Finding], int | None, tuple[str, ...]]:
    """Run every check; returns ``(findings, schema version, checks run)``.

    Checks that need a sound store are skipped when the store is missing, damaged or newer
    than this casekit.
    """
    db = project.db_path
    if not db.is_file():
        return (
            [
                Finding(
                    "store",
                    "error",
                    f"{db}: the project store is missing",
                    "restore casekit.db from a backup; 'casekit ingest' starts a new, empty one",
                )
            ],
            None,
            ("store",),
        )
    findings: list[Finding] = []
    try:
        with _connect(project) as con:
            integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
            foreign = con.execute("PRAGMA foreign_key_check").fetchall()
            version = _schema_version(con)
            if integrity != ["ok"] or foreign:
                detail = integrity[:MAX_EXAMPLES] if integrity != ["ok"] else []
                detail += [f"{r[0]} row {r[1]} points to a missing {r[2]}" for r in foreign][
                    :MAX_EXAMPLES
                ]
                findings.append(_damaged(f"{db}: the SQLite file is damaged", tuple(detail)))
                return findings, version, ("store", "integrity")
            if version > SCHEMA_VERSION:
                findings.append(
                    Finding(
                        "schema",
                        "error",
                        f"{db}: schema version {version} is newer than this casekit supports "
                        f"({SCHEMA_VERSION})",
                        "upgrade casekit (pip install -U casekit)",
                    )
                )
                return findings, version, ("store", "integrity", "schema")
            if version < SCHEMA_VERSION:
                findings.append(
                    Finding(
                        "schema",
                        "warning",
                        f"{db}: schema version {version}, this casekit uses {SCHEMA_VERSION}",
                        "'casekit doctor --fix' (or any casekit command) applies the migrations",
                        True,
                    )
                )
                return findings, version, ("store", "integrity", "schema")
            codebook = _codebook_ids(project)
            findings += _check_codings(con)
            findings += _check_auto_batches(con)
            findings += _check_codes(con, codebook)
            findings += _check_files(con, project)
            findings += _check_memos(con, codebook)
    except sqlite3.DatabaseError as exc:  # "malformed", "file is not a database", I/O errors
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(
                f"{db}: the project is busy (another casekit process is writing); run "
                "'casekit doctor' again when it has finished"
            ) from exc
        return [_damaged(f"{db}: the SQLite file is damaged ({exc})")], None, ("store", "integrity")
    return findings, version, CHECKS


def _damaged(message: str, examples: tuple[str, ...] = ()) -> Finding:
    return Finding(
        "integrity",
        "error",
        message,
        "restore casekit.db from a backup (or salvage it with the sqlite3 shell's '.recover'); "
        "keep the damaged file until you have checked the copy",
        False,
        examples,
    )


def repair_project(project: Project, findings: Sequence[Finding]) -> list[str]:
    """Repair the fixable findings; returns one line per repair (each is a logged event)."""
    from casekit.store import Store
    from casekit.store.manual import apply_effect

    done: list[str] = []
    schema = [f for f in findings if f.check == "schema" and f.fixable]
    if schema:
        with Store(project.db_path) as store:
            with store.transaction() as con:
                Store.log_event(
                    con, ACTOR, REPAIR_ACTION, {"repair": "schema", "to": SCHEMA_VERSION}
                )
        done.append(f"migrated the store to schema version {SCHEMA_VERSION}")
        return done  # the other checks ran on the old schema: check again first
    coding_ids = sorted(
        {
            i
            for f in findings
            if f.fixable and f.check in ("offsets", "text", "unknown-codes")
            for i in f.ids
        }
    )
    batch_docs = sorted({i for f in findings if f.check == "auto-batches" for i in f.ids})
    memo_ids = sorted({i for f in findings if f.check == "orphan-memos" for i in f.ids})
    if not (coding_ids or batch_docs or memo_ids):
        return done
    store = project.store
    if coding_ids or batch_docs:
        with store.transaction() as con:
            marks = ",".join("?" * len(coding_ids))
            docs = {
                r[0]
                for r in con.execute(
                    "SELECT DISTINCT s.document_id FROM codings c JOIN segments s "
                    f"ON s.id = c.segment_id WHERE c.id IN ({marks}) AND c.source = 'auto'",
                    coding_ids,
                )
            } | set(batch_docs)
            doc_marks = ",".join("?" * len(docs))
            names = [
                r[0]
                for r in con.execute(
                    f"SELECT name FROM documents WHERE id IN ({doc_marks}) ORDER BY name",
                    sorted(docs),
                )
            ]
            # The documents' whole automatic batches go, so autocode recodes them as a unit.
            removed = con.execute(
                "DELETE FROM codings WHERE source = 'auto' AND segment_id IN "
                f"(SELECT id FROM segments WHERE document_id IN ({doc_marks}))",
                sorted(docs),
            ).rowcount
            con.execute(
                f"DELETE FROM autocode_state WHERE document_id IN ({doc_marks})", sorted(docs)
            )
            summary = (
                f"removed {_plural(removed, 'automatic coding')} of {_plural(len(names), 'document')} "
                "for 'casekit autocode' to recreate"
            )
            Store.log_event(
                con,
                ACTOR,
                REPAIR_ACTION,
                {
                    "repair": "auto-codings",
                    "summary": summary,
                    "documents": names,
                    "removed": removed,
                },
            )
        done.append(summary)
    if memo_ids:
        with store.transaction() as con:
            effect = {"memos": {"added": [], "removed": memo_ids}}
            apply_effect(con, effect)
            summary = f"removed {_plural(len(memo_ids), 'orphan memo')} ({', '.join(map(str, memo_ids[:10]))})"
            event = Store.log_event(
                con,
                ACTOR,
                REPAIR_ACTION,
                {"repair": "orphan-memos", "summary": summary, "effect": effect},
            )
        done.append(f"{summary} · event {event}")
    return done


def doctor_project(project: Project, *, fix: bool = False) -> DoctorReport:
    """Check the project; with ``fix``, repair what is safe and check again.

    Returns
    -------
    DoctorReport
        ``findings`` are the problems left (empty: the project is sound); ``repairs`` what
        was repaired, each logged as a ``doctor.repair`` event.
    """
    findings, version, checked = check_project(project)
    report = DoctorReport(str(project.db_path), version, findings, [], checked)
    if fix and any(f.fixable for f in findings):
        # A repair may make room for the next (a migrated schema enables the other checks).
        for _ in range(3):
            repairs = repair_project(project, report.findings)
            if not repairs:
                break
            report.repairs += repairs
            findings, version, checked = check_project(project)
            report.findings, report.schema_version, report.checked = findings, version, checked
            if not any(f.fixable for f in findings):
                break
    return report
