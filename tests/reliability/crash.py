"""Crash-consistency trials: run an operation in a worker, SIGKILL it, check the store, rerun it."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casekit.project import open_project
from tests.reliability.harness import (
    build_project,
    by_document,
    check_event_log,
    check_store,
    copy_project,
    dump_state,
)
from tests.reliability.operations import (
    CSV_NAME,
    OPERATIONS,
    QDPX_NAME,
    SCRIPT_NAME,
    make_coding_script,
    make_codings_csv,
    run_operation,
)

__all__ = ["Scenario", "TrialResult", "prepare_scenarios", "run_trial"]

WORKER = Path(__file__).resolve().parent / "worker.py"
N_SCRIPT = 120  # manual codings in the code-add script
N_CSV = 300  # rows of the imported codings file


@dataclass
class Scenario:
    """One operation to interrupt: the project before it, the state after an uninterrupted run."""

    operation: str
    pre: Path
    before: dict[str, list[Any]]
    reference: dict[str, list[Any]]
    statements: int = 0
    work_seconds: float = 0.0


@dataclass
class TrialResult:
    """What one killed run left, and whether the rerun finished the job."""

    operation: str
    mode: str
    kill_at: float
    killed: bool
    acked: int
    problems: list[str] = field(default_factory=list)

    @property
    def consistent(self) -> bool:
        return not self.problems


def _run(name: str, root: Path) -> None:
    project = open_project(root)
    try:
        run_operation(name, project)
    finally:
        project.close()


def _worker(name: str, root: Path, kill_at: int = 0) -> subprocess.Popen[str]:
    args = [sys.executable, str(WORKER), name, str(root)]
    if kill_at:
        args.append(str(kill_at))
    return subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8"
    )


def _calibrate(scenario: Scenario, root: Path) -> None:
    """An uninterrupted worker run: how many statements and seconds the work takes.

    Its result must equal the in-process reference, or the trials would compare against
    a state the worker never makes.
    """
    copy_project(scenario.pre, root)
    proc = _worker(scenario.operation, root)
    assert proc.stdout is not None
    started = 0.0
    lines = []
    for line in iter(proc.stdout.readline, ""):
        line = line.rstrip("\n")
        if line == "ready":
            started = time.monotonic()
        lines.append(line)
    scenario.work_seconds = time.monotonic() - started
    _, err = proc.communicate()
    if proc.returncode != 0:
        raise RuntimeError(f"{scenario.operation} worker failed: {err[-2000:]}")
    scenario.statements = int(next(x for x in lines if x.startswith("statements")).split()[1])
    if dump_state(root / "casekit.db") != scenario.reference:
        raise RuntimeError(f"{scenario.operation}: the worker's result differs from in-process")


def prepare_scenarios(base: Path, operations: list[str], seed: int) -> dict[str, Scenario]:
    """Build the project states each operation starts from, its reference result, calibration."""
    fresh = build_project(base / "fresh")
    ingested = copy_project(fresh, base / "ingested")
    _run("ingest", ingested)
    prepared = copy_project(ingested, base / "prepared")
    with open_project(prepared) as project:
        from casekit.coding.manual import ensure_codes

        ensure_codes(project)
        script = make_coding_script(project, N_SCRIPT, seed)
        (prepared / SCRIPT_NAME).write_text(json.dumps(script), encoding="utf-8")
        make_codings_csv(project, prepared / CSV_NAME, N_CSV, seed)
    starts = {"ingest": fresh, "autocode": ingested, "code-add": prepared}
    starts["import-codings"] = prepared
    if "import-qdpx" in operations:
        # A realistic exchange file: the project coded by rules and two coders, exported.
        source = copy_project(prepared, base / "exporter")
        _run("autocode", source)
        _run("code-add", source)
        from casekit.refi.export import export_qdpx

        with open_project(source) as project:
            export_qdpx(project, fresh.parent / "exchange.qdpx")
        target = copy_project(fresh, base / "refi-target")
        (fresh.parent / "exchange.qdpx").replace(target / QDPX_NAME)
        starts["import-qdpx"] = target
    scenarios = {}
    for name in operations:
        if name not in OPERATIONS:
            raise ValueError(f"unknown operation {name!r}")
        reference_root = copy_project(starts[name], base / f"reference-{name}")
        _run(name, reference_root)
        scenario = Scenario(
            name,
            starts[name],
            dump_state(starts[name] / "casekit.db"),
            dump_state(reference_root / "casekit.db"),
        )
        _calibrate(scenario, base / f"calibrate-{name}")
        scenarios[name] = scenario
    return scenarios


def _differences(found: dict[str, list[Any]], wanted: dict[str, list[Any]]) -> list[str]:
    out = []
    for table in sorted(set(found) | set(wanted)):
        have, want = set(found.get(table, [])), set(wanted.get(table, []))
        if have != want:
            out.append(f"{table}: {len(want - have)} rows missing, {len(have - want)} unexpected")
    return out


def _check_partial(scenario: Scenario, dump: dict[str, list[Any]], acked: list[str]) -> list[str]:
    """What a killed run may leave: whole documents, whole coding batches, every acked coding."""
    name, ref, before = scenario.operation, scenario.reference, scenario.before
    problems = []
    if name == "ingest":
        have_docs = {row[0]: row for row in dump["documents"]}
        ref_docs = {row[0]: row for row in ref["documents"]}
        ref_segments, segments = by_document(ref, "segments"), by_document(dump, "segments")
        for doc, row in have_docs.items():
            if ref_docs.get(doc) != row:
                problems.append(f"document {doc} differs from an uninterrupted run")
            elif sorted(segments.get(doc, [])) != sorted(ref_segments[doc]):
                problems.append(f"document {doc} is half-written: segments differ")
        if set(segments) - set(have_docs):
            problems.append("segments of documents that are not stored")
    elif name == "autocode":
        if dump["documents"] != before["documents"] or dump["segments"] != before["segments"]:
            problems.append("autocode changed documents or segments")
        state = {row[0]: row for row in dump["autocode_state"]}
        ref_state = {row[0]: row for row in ref["autocode_state"]}
        auto = by_document({"codings": [r for r in dump["codings"] if r[4] == "auto"]}, "codings")
        ref_auto = by_document(
            {"codings": [r for r in ref["codings"] if r[4] == "auto"]}, "codings"
        )
        for doc, *_ in dump["documents"]:
            have = sorted(auto.get(doc, []))
            if doc in state:
                if state[doc] != ref_state.get(doc) or have != sorted(ref_auto.get(doc, [])):
                    problems.append(f"document {doc}: coding batch differs from autocode_state")
            elif have:
                problems.append(f"document {doc}: automatic codings without autocode_state")
    elif name == "code-add":
        manual = [r for r in dump["codings"] if r[4] == "manual"]
        keys = [(r[0], r[1], r[2], r[3], r[5]) for r in manual]
        ref_keys = {(r[0], r[1], r[2], r[3], r[5]) for r in ref["codings"] if r[4] == "manual"}
        if len(keys) != len(set(keys)):
            problems.append("duplicate manual codings")
        if not set(keys) <= ref_keys:
            problems.append("manual codings that the script never made")
        starts = {row[1]: row[4] for row in before["segments"]}
        script = json.loads((scenario.pre / SCRIPT_NAME).read_text(encoding="utf-8"))
        for line in acked:
            if not line.startswith("ok "):
                continue
            seg, code, coder, (start, end) = script[int(line.split()[1])]
            key = (seg, code, starts[seg] + start, starts[seg] + end, coder)
            if key not in set(keys):
                problems.append(f"acknowledged coding lost: {key}")
    elif name in ("import-codings", "import-qdpx") and dump not in (before, ref):
        # One transaction: all of the import or none of it.
        problems.append(f"{name} left a partial import: " + "; ".join(_differences(dump, ref)))
    return problems


def run_trial(
    scenario: Scenario, root: Path, rng: random.Random, *, mode: str = "statement"
) -> TrialResult:
    """Kill one run of the scenario's operation at a random point, check, rerun, compare.

    ``mode`` "statement" kills just before a random SQL statement of the run (always inside
    the work); "time" kills after a random delay once the worker is ready (it may finish
    first, which the result records).
    """
    copy_project(scenario.pre, root)
    db = root / "casekit.db"
    if mode == "statement":
        kill_at = rng.randint(1, scenario.statements)
        result = TrialResult(scenario.operation, "statement", kill_at, False, 0)
        proc = _worker(scenario.operation, root, kill_at)
        out, err = proc.communicate()
    else:
        delay = rng.uniform(0.0, scenario.work_seconds * 1.1)
        result = TrialResult(scenario.operation, "time", round(delay, 3), False, 0)
        proc = _worker(scenario.operation, root)
        assert proc.stdout is not None
        first = proc.stdout.readline()
        if first.strip() == "ready":
            time.sleep(delay)
            proc.kill()
        out, err = proc.communicate()
        out = first + out
    lines = out.splitlines()
    result.killed = proc.returncode == -9
    result.acked = sum(1 for line in lines if line.startswith(("ok ", "document ")))
    if proc.returncode not in (0, -9):
        result.problems.append(f"worker exited {proc.returncode}: {err[-1000:]}")
        return result
    result.problems += check_store(db)
    result.problems += check_event_log(db)
    result.problems += _check_partial(scenario, dump_state(db), lines)
    _run(scenario.operation, root)
    final = dump_state(db)
    if final != scenario.reference:
        result.problems += [f"rerun: {d}" for d in _differences(final, scenario.reference)]
    result.problems += [f"after rerun: {p}" for p in check_store(db) + check_event_log(db)]
    return result
