"""The reliability suite's shared helpers: counts, figures, a small project, normalised dumps, checks."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

__all__ = [
    "CORPUS_FILES",
    "DATA",
    "REPO_ROOT",
    "build_project",
    "check_event_log",
    "check_store",
    "copy_project",
    "count",
    "dump_state",
    "full_run",
    "record",
    "seed",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
CODEBOOK = DATA / "codebook.yaml"

# A slice of the sample study: Chinese and English interviews, policy documents. Big enough
# that ingest and autocode take a while (so kills land mid-run), small enough for CI.
CORPUS_FILES = (
    "interviews/gz-city-01.txt",
    "interviews/gz-city-02.txt",
    "interviews/gz-county-01.txt",
    "interviews/gz-county-02.txt",
    "interviews/gz-prov-01.txt",
    "interviews/gz-prov-02.txt",
    "english/gz-en-interview-01.txt",
    "english/gz-en-interview-02.txt",
    "policy/gz-policy-01.txt",
    "policy/gz-policy-02.txt",
)

FULL_ENV = "CASEKIT_RELIABILITY_FULL"
SEED_ENV = "CASEKIT_RELIABILITY_SEED"
REPORT_ENV = "CASEKIT_RELIABILITY_REPORT"


# -- counts and figures -------------------------------------------------------------------------
def full_run() -> bool:
    """True when the full counts were asked for (``CASEKIT_RELIABILITY_FULL=1``)."""
    return os.environ.get(FULL_ENV, "") not in ("", "0")


def count(ci: int, full: int) -> int:
    """``full`` under ``CASEKIT_RELIABILITY_FULL=1``, else the CI-sized ``ci``."""
    return full if full_run() else ci


def seed() -> int:
    """The suite's seed (``CASEKIT_RELIABILITY_SEED``, default the project seed 20221)."""
    return int(os.environ.get(SEED_ENV, "20221"))


def record(section: str, name: str, values: dict[str, Any]) -> None:
    """Add figures to the JSON report named by ``CASEKIT_RELIABILITY_REPORT`` (if set).

    ``benchmarks/reliability.py`` sets it and prints what the tests recorded; numeric values
    recorded twice under one name are added up.
    """
    target = os.environ.get(REPORT_ENV)
    if not target:
        return
    path = Path(target)
    report = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    entry = report.setdefault(section, {}).setdefault(name, {})
    for key, value in values.items():
        if isinstance(value, int | float) and isinstance(entry.get(key), int | float):
            entry[key] += value
        else:
            entry[key] = value
    path.write_text(json.dumps(report, indent=2, sort_keys=True), encoding="utf-8")


# -- the project --------------------------------------------------------------------------------
def build_project(root: Path, *, files: tuple[str, ...] = CORPUS_FILES) -> Path:
    """A project at ``root`` with a slice of the sample corpus and the suite's codebook."""
    from casekit.project import init_project

    init_project(root, name="reliability").close()
    corpus = root / "corpus"
    with open(REPO_ROOT / "corpus" / "manifest.csv", encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))
    wanted = [rows[0], *(r for r in rows[1:] if r and r[0] in files)]
    with open(corpus / "manifest.csv", "w", encoding="utf-8", newline="") as stream:
        csv.writer(stream, lineterminator="\n").writerows(wanted)
    for rel in files:
        target = corpus / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO_ROOT / "corpus" / rel, target)
    shutil.copyfile(CODEBOOK, root / "codebooks" / "reliability.yaml")
    config = root / "casekit.toml"
    text = config.read_text(encoding="utf-8")
    start = text.index("[codebook]")
    end = text.index("\n[", start + 1)
    config.write_text(
        text[:start] + '[codebook]\nfile = "codebooks/reliability.yaml"\n' + text[end:],
        encoding="utf-8",
    )
    return root


def copy_project(template: Path, target: Path) -> Path:
    """A copy of a closed project (its store has no pending WAL once every connection closed)."""
    shutil.copytree(template, target)
    return target


# -- dumps: content, not row ids or times ----------------------------------------------------------
def _rows(con: sqlite3.Connection, sql: str) -> list[tuple[Any, ...]]:
    return sorted(tuple(r) for r in con.execute(sql).fetchall())


def _tables(con: sqlite3.Connection) -> set[str]:
    return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def dump_state(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """The store's content with ids and times left out, every table sorted.

    Rows refer to each other by names and keys (document name, segment key), so two stores
    made by different runs compare equal exactly when they hold the same research data.
    The event log is history, not state; :func:`check_event_log` checks it separately.
    """
    with closing(sqlite3.connect(db)) as con:
        tables = _tables(con)
        out = {
            "documents": _rows(
                con,
                "SELECT name, path, sha256, text, language, doc_type, encoding, cr_positions, "
                "attributes FROM documents",
            ),
            "segments": _rows(
                con,
                "SELECT d.name, s.key, s.unit, s.idx, s.start, s.end, COALESCE(s.speaker, ''), "
                "COALESCE(s.label, ''), s.text FROM segments s JOIN documents d ON d.id = s.document_id",
            ),
            "codes": _rows(
                con,
                "SELECT id, COALESCE(parent, ''), family, name_zh, name_en, codebook FROM codes",
            ),
            "codings": _rows(
                con,
                "SELECT s.key, c.code, c.start, c.end, c.source, c.coder, COALESCE(c.rule, ''), "
                "c.matched_text, c.codebook_version, COALESCE(c.memo, ''), c.deleted_at IS NULL "
                "FROM codings c JOIN segments s ON s.id = c.segment_id",
            ),
            "memos": _rows(
                con,
                "SELECT target_type, target, author, text, deleted_at IS NULL FROM memos",
            ),
            "autocode_state": _rows(
                con,
                "SELECT d.name, a.codebook, a.codebook_version, a.unit, a.sha256, a.n_codings "
                "FROM autocode_state a JOIN documents d ON d.id = a.document_id",
            ),
        }
        if "refi_objects" in tables:
            out["refi_objects"] = _rows(
                con,
                "SELECT kind, key, guid, COALESCE(name, ''), COALESCE(color, ''), "
                "COALESCE(description, ''), origin FROM refi_objects",
            )
    return out


def by_document(dump: dict[str, list[tuple[Any, ...]]], table: str) -> dict[str, list[Any]]:
    """Rows of a dumped table grouped by document (the first column or the key's prefix)."""
    out: dict[str, list[Any]] = {}
    for row in dump[table]:
        name = row[0].rsplit("/", 1)[0] if table == "codings" else row[0]
        out.setdefault(name, []).append(row)
    return out


# -- checks ---------------------------------------------------------------------------------------
def check_store(db: Path, *, codings_inside_segments: bool = True) -> list[str]:
    """What is wrong with a store at the SQLite level and in its offsets (empty when fine).

    SQLite ``integrity_check`` and ``foreign_key_check``; every segment's text is its
    document's text at its offsets; every coding lies inside its segment (unless
    ``codings_inside_segments`` is False).
    """
    problems = []
    with closing(sqlite3.connect(db)) as con:
        integrity = [r[0] for r in con.execute("PRAGMA integrity_check")]
        if integrity != ["ok"]:
            problems.append(f"integrity_check: {integrity[:5]}")
        fk = con.execute("PRAGMA foreign_key_check").fetchall()
        if fk:
            problems.append(f"foreign_key_check: {len(fk)} rows, e.g. {fk[:3]}")
        bad_segments = con.execute(
            "SELECT s.key FROM segments s JOIN documents d ON d.id = s.document_id "
            "WHERE substr(d.text, s.start + 1, s.end - s.start) != s.text OR s.end <= s.start"
        ).fetchall()
        if bad_segments:
            problems.append(f"segments not matching their text: {bad_segments[:5]}")
        bad_codings = (
            codings_inside_segments
            and con.execute(
                "SELECT c.id FROM codings c JOIN segments s ON s.id = c.segment_id "
                "WHERE c.start < s.start OR c.end > s.end OR c.end < c.start"
            ).fetchall()
        )
        if bad_codings:
            problems.append(f"codings outside their segment: {bad_codings[:5]}")
    return problems


def check_event_log(db: Path) -> list[str]:
    """Every standing manual coding and memo was made by exactly one logged change in effect,
    and every row an event names exists."""
    from casekit.store.manual import effective_events

    problems = []
    with closing(sqlite3.connect(db)) as con:
        con.row_factory = sqlite3.Row
        events, in_effect = effective_events(con)
        standing = {
            "codings": {
                r[0]
                for r in con.execute(
                    "SELECT id FROM codings WHERE source = 'manual' AND deleted_at IS NULL"
                )
            },
            "memos": {r[0] for r in con.execute("SELECT id FROM memos WHERE deleted_at IS NULL")},
        }
        existing = {
            table: {r[0] for r in con.execute(f"SELECT id FROM {table}")}
            for table in ("codings", "memos", "rejections")
        }
        made: dict[str, Counter[int]] = {"codings": Counter(), "memos": Counter()}
        for event in events:
            for table, change in (event.effect or {}).items():
                for key in ("added", "removed"):
                    missing = set(change.get(key, [])) - existing.get(table, set())
                    if missing:
                        problems.append(f"event {event.id} names missing {table} {sorted(missing)}")
                if event.action != "undo" and table in made and in_effect[event.id]:
                    made[table].update(change.get("added", []))
        for table, ids in standing.items():
            unlogged = sorted(i for i in ids if made[table][i] == 0)
            twice = sorted(i for i, n in made[table].items() if n > 1)
            if unlogged:
                problems.append(f"standing {table} without an event that made them: {unlogged[:5]}")
            if twice:
                problems.append(f"{table} made by more than one event: {twice[:5]}")
    return problems


def iter_lines(stream: Any) -> Iterator[str]:
    """Lines of a text stream, stripped, until it closes."""
    for line in iter(stream.readline, ""):
        yield line.rstrip("\n")


# -- fuzzing --------------------------------------------------------------------------------------
def fuzz_settings(*, ci: int, full: int) -> Any:
    """Hypothesis settings: derandomized (the same examples on every run), no deadline,
    ``ci`` examples by default and ``full`` under ``CASEKIT_RELIABILITY_FULL=1``; no example
    database is written into the repository."""
    from hypothesis import HealthCheck, settings

    return settings(
        max_examples=count(ci=ci, full=full),
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.function_scoped_fixture,
            HealthCheck.data_too_large,
        ],
    )


def cli_problems(result: Any) -> list[str]:
    """What a user would have seen that they must not: a traceback, an unexpected exit code."""
    problems = []
    if result.exit_code not in (0, 1, 2):
        problems.append(f"exit code {result.exit_code}")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        problems.append(f"uncaught {type(result.exception).__name__}: {result.exception}")
    if "Traceback" in result.output:
        problems.append("a traceback in the output")
    if result.exit_code == 1 and not result.output.startswith("Error: "):
        problems.append(f"exit 1 without 'Error: ...': {result.output[:200]!r}")
    return problems
