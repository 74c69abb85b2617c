"""Concurrent coders: 2 and 4 processes add, remove, memo and undo through the CLI while
``casekit autocode --force`` runs again and again on the same project.

Afterwards every operation each process saw succeed is in the store and the event log (in
its order, with the event id it printed), nothing is duplicated, automatic codings equal an
uninterrupted run's, and no user saw a traceback or "database is locked". CI runs 2 x 60 and
4 x 25 operations; CASEKIT_RELIABILITY_FULL=1 runs 2 x 300 and 4 x 300.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from casekit.coding.autocode import autocode_project
from casekit.coding.manual import ensure_codes
from casekit.ingest import ingest_corpus
from casekit.project import open_project
from casekit.store.schema import MIGRATIONS
from tests.reliability.concurrency import run_session
from tests.reliability.harness import build_project, copy_project, count, dump_state, record, seed


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[object, ...]]]:
    base = tmp_path_factory.mktemp("concurrency")
    root = build_project(base / "template")
    with open_project(root) as project:
        ingest_corpus(project)
        ensure_codes(project)
    reference = copy_project(root, base / "reference")
    with open_project(reference) as project:
        autocode_project(project)
    auto = sorted(r for r in dump_state(reference / "casekit.db")["codings"] if r[4] == "auto")
    return root, auto


@pytest.mark.parametrize(("n_coders", "ci_ops"), [(2, 60), (4, 25)])
def test_concurrent_coders_lose_nothing(
    template: tuple[Path, list[tuple[object, ...]]], tmp_path: Path, n_coders: int, ci_ops: int
) -> None:
    root = copy_project(template[0], tmp_path / "study")
    n_ops = count(ci=ci_ops, full=300)
    result = run_session(
        root, n_coders=n_coders, n_ops=n_ops, seed=seed(), reference_auto=template[1]
    )
    record(
        "concurrency",
        f"{n_coders} coders",
        {
            "issued": result.issued,
            "succeeded": result.succeeded,
            "persisted": result.persisted,
            "refused_busy": result.refused_busy,
            "autocode_runs": result.autocode_runs,
        },
    )
    assert result.problems == []
    assert result.issued == n_coders * n_ops
    assert result.persisted == result.succeeded == result.issued - result.refused_busy
    assert result.autocode_runs >= 1


# Opens the store, pausing once it has read the schema version and is about to take the
# write lock to migrate: with every process paused there, all of them have read the old
# version, and the race between them is certain rather than a matter of timing.
_OPEN_STORE = """
import sqlite3, sys, time
from pathlib import Path

go = Path(sys.argv[2])
connect = sqlite3.connect


def paused_connect(*args, **kwargs):
    con = connect(*args, **kwargs)
    seen = {"read": False, "paused": False}

    def trace(sql):
        if "MAX(version)" in sql:
            seen["read"] = True
        elif sql.startswith("BEGIN IMMEDIATE") and seen["read"] and not seen["paused"]:
            seen["paused"] = True
            print("read", flush=True)
            while not go.exists():
                time.sleep(0.005)

    con.set_trace_callback(trace)
    return con


sqlite3.connect = paused_connect
from casekit.errors import CasekitError
from casekit.store import Store

try:
    Store(sys.argv[1]).close()
except CasekitError as exc:
    print(f"Error: {exc}", flush=True)
    sys.exit(1)
"""


def test_processes_opening_a_store_that_needs_a_migration_at_once_all_succeed(
    tmp_path: Path,
) -> None:
    # A store made by the previous casekit version (all migrations but the last), opened by
    # six commands at the same moment: each must find the migration applied exactly once.
    db = tmp_path / "casekit.db"
    with closing(sqlite3.connect(db, isolation_level=None)) as con:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute(
            "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at TEXT NOT NULL)"
        )
        for version, name, sql in MIGRATIONS[:-1]:
            con.executescript(sql)
            con.execute("INSERT INTO schema_migrations VALUES (?, ?, 'then')", (version, name))
    go = tmp_path / "go"
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _OPEN_STORE, str(db), str(go)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(6)
    ]
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "read\n"
    go.touch()
    outputs = [(proc.wait(), proc.stdout.read()) for proc in procs if proc.stdout]
    assert outputs == [(0, "")] * 6
    with closing(sqlite3.connect(db)) as con:
        versions = [v for (v,) in con.execute("SELECT version FROM schema_migrations ORDER BY 1")]
    assert versions == [m[0] for m in MIGRATIONS]
