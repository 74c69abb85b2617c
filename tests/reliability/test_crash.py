"""Crash consistency: ingest, autocode, manual coding and imports killed with SIGKILL, then rerun.

Each trial copies the project as it was before the operation, runs the operation in a worker
process and kills it (just before a seeded SQL statement, or after a seeded delay), then
checks what the kill left: SQLite integrity and foreign keys, no half-written document or
coding batch, every acknowledged manual coding present, an event for every manual change;
then reruns the operation and compares the store with an uninterrupted run's (content, not
row ids or times). CI runs 2 trials per operation; CASEKIT_RELIABILITY_FULL=1 runs 12.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.reliability.crash import Scenario, prepare_scenarios, run_trial
from tests.reliability.harness import count, record, seed

OPERATIONS = ["ingest", "autocode", "code-add", "import-codings", "import-qdpx"]


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Scenario]]:
    yield prepare_scenarios(tmp_path_factory.mktemp("crash"), OPERATIONS, seed())


@pytest.mark.parametrize("operation", OPERATIONS)
def test_killed_runs_leave_a_consistent_store_and_rerun_finishes(
    scenarios: dict[str, Scenario], operation: str, tmp_path: Path
) -> None:
    scenario = scenarios[operation]
    rng = random.Random(f"{seed()}-{operation}")
    modes = ["statement", "time"] * count(ci=1, full=6)
    results = [
        run_trial(scenario, tmp_path / f"trial-{i}", rng, mode=mode) for i, mode in enumerate(modes)
    ]
    record(
        "crash",
        operation,
        {
            "trials": len(results),
            "killed": sum(r.killed for r in results),
            "consistent": sum(r.consistent for r in results),
        },
    )
    failures = [(r.mode, r.kill_at, r.problems) for r in results if not r.consistent]
    assert failures == []
    # A statement kill always lands inside the work (a timed one may come after the end).
    assert all(r.killed for r in results if r.mode == "statement")


def test_scenarios_do_real_work(scenarios: dict[str, Scenario]) -> None:
    # The reference runs write what the checks look at; an empty operation would pass anything.
    ref = {name: s.reference for name, s in scenarios.items()}
    assert len(ref["ingest"]["documents"]) == 10
    assert len(ref["autocode"]["autocode_state"]) == 10
    assert sum(1 for r in ref["code-add"]["codings"] if r[4] == "manual") == 120
    assert sum(1 for r in ref["import-codings"]["codings"] if r[4] == "manual") > 250
    assert len(ref["import-qdpx"]["documents"]) == 10
    assert all(s.statements > 100 for s in scenarios.values())
