"""Concurrent coders: several processes coding one project through the CLI while autocode runs."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.reliability.coder import ACTIONS
from tests.reliability.harness import check_event_log, check_store, dump_state

__all__ = ["SessionResult", "run_session"]

CODER = Path(__file__).resolve().parent / "coder.py"
CASEKIT = Path(sys.executable).parent / "casekit"
BUSY_MESSAGE = "the project is busy"


@dataclass
class SessionResult:
    """What the coders issued, what the store shows of it, and everything that went wrong."""

    n_coders: int
    issued: int = 0
    succeeded: int = 0
    persisted: int = 0
    refused_busy: int = 0
    autocode_runs: int = 0
    problems: list[str] = field(default_factory=list)


def _autocode_loop(
    root: Path, stop: threading.Event, runs: list[subprocess.CompletedProcess[str]]
) -> None:
    while not stop.is_set():
        runs.append(
            subprocess.run(
                [str(CASEKIT), "autocode", "--force", "--project", str(root)],
                capture_output=True,
                text=True,
                encoding="utf-8",
            )
        )


def _wait_for_autocode_writing(db: Path, runs: list[Any], timeout: float = 120.0) -> None:
    """Return once the first autocode run has stored a document, so coders start mid-run."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not runs:
        with closing(sqlite3.connect(db)) as con:
            if con.execute("SELECT COUNT(*) FROM autocode_state").fetchone()[0]:
                return
        time.sleep(0.02)


def _user_saw(text: str) -> list[str]:
    """Things a user must never see."""
    return [bad for bad in ("Traceback", "database is locked", "OperationalError") if bad in text]


def _store_view(
    db: Path, coder: str
) -> tuple[Counter[tuple[Any, ...]], Counter[str], list[tuple[str, int]]]:
    with closing(sqlite3.connect(db)) as con:
        codings = Counter(
            tuple(r)
            for r in con.execute(
                "SELECT s.key, c.code, c.start - s.start, c.end - s.start FROM codings c "
                "JOIN segments s ON s.id = c.segment_id WHERE c.source = 'manual' "
                "AND c.deleted_at IS NULL AND c.coder = ?",
                (coder,),
            )
        )
        memos = Counter(
            r[0]
            for r in con.execute(
                "SELECT text FROM memos WHERE author = ? AND deleted_at IS NULL", (coder,)
            )
        )
        events = [
            (r[0], r[1])
            for r in con.execute(
                "SELECT action, id FROM events WHERE actor = ? ORDER BY id", (coder,)
            )
        ]
    return codings, memos, events


def run_session(
    root: Path, *, n_coders: int, n_ops: int, seed: int, reference_auto: list[Any]
) -> SessionResult:
    """Run ``n_coders`` coder processes of ``n_ops`` operations each while autocode loops.

    ``root`` is an ingested project with codes; ``reference_auto`` the automatic codings an
    uninterrupted autocode run makes (as in :func:`dump_state`). Returns the figures and
    every problem found: tracebacks or lock errors shown to a user, operations that failed,
    successful operations missing from the store or the event log, duplicates, automatic
    codings that differ from the reference.
    """
    result = SessionResult(n_coders)
    db = root / "casekit.db"
    with closing(sqlite3.connect(db)) as con:
        segments = con.execute(
            "SELECT key, end - start FROM segments WHERE unit = 'turn' ORDER BY key LIMIT 40"
        ).fetchall()
        codes = [r[0] for r in con.execute("SELECT id FROM codes WHERE parent IS NOT NULL")]
    plan = root.parent / f"plan-{n_coders}.json"
    plan.write_text(json.dumps({"segments": segments, "codes": codes}), encoding="utf-8")
    go = root.parent / f"go-{n_coders}"
    coders = [f"coder{i + 1}" for i in range(n_coders)]
    procs = []
    for coder in coders:
        out = root.parent / f"{coder}-{n_coders}.json"
        args = [str(CODER), str(root), coder, str(seed), str(n_ops), str(plan), str(out), str(go)]
        procs.append(
            (
                coder,
                out,
                subprocess.Popen(
                    [sys.executable, *args],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                    encoding="utf-8",
                ),
            )
        )
    for _, _, proc in procs:
        assert proc.stdout is not None
        proc.stdout.readline()  # "ready": imports done
    stop = threading.Event()
    runs: list[subprocess.CompletedProcess[str]] = []
    loop = threading.Thread(target=_autocode_loop, args=(root, stop, runs))
    loop.start()
    _wait_for_autocode_writing(db, runs)
    go.touch()
    outputs = {}
    for coder, out, proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0:
            result.problems.append(f"{coder} crashed: {err[-1500:]}")
            continue
        outputs[coder] = json.loads(out.read_text(encoding="utf-8"))
    stop.set()
    loop.join()
    result.autocode_runs = len(runs)
    for run in runs:
        if run.returncode != 0 or _user_saw(run.stdout + run.stderr):
            result.problems.append(f"autocode exited {run.returncode}: {run.stderr[-500:]}")

    for coder, data in outputs.items():
        expected_events = []
        for op in data["ops"]:
            result.issued += 1
            seen = _user_saw(op["output"])
            if seen or op["exception"]:
                result.problems.append(f"{coder} {op['args']}: {seen or op['exception']}")
            if op["exit_code"] == 0:
                result.succeeded += 1
                expected_events.append((ACTIONS[op["kind"]], op["event"]))
            elif BUSY_MESSAGE in op["output"]:
                result.refused_busy += 1
            else:
                result.problems.append(f"{coder} {op['args']} failed: {op['output'].strip()}")
        codings, memos, events = _store_view(db, coder)
        want_codings = Counter({tuple(k[:4]): k[4] for k in data["codings"]})
        want_memos = Counter({t: n for t, n in data["memos"]})
        if codings != want_codings:
            lost, extra = want_codings - codings, codings - want_codings
            result.problems.append(f"{coder}: codings lost {dict(lost)}, unexpected {dict(extra)}")
        if memos != want_memos:
            result.problems.append(f"{coder}: memos {dict(memos)} != {dict(want_memos)}")
        if events != expected_events:
            result.problems.append(f"{coder}: event log {events[:5]}… != {expected_events[:5]}…")
        else:
            result.persisted += len(events)
    result.problems += check_store(db) + check_event_log(db)
    auto = sorted(r for r in dump_state(db)["codings"] if r[4] == "auto")
    if auto != reference_auto:
        result.problems.append("automatic codings differ from an uninterrupted autocode run")
    return result
