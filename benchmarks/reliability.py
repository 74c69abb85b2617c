"""The reliability figures: run tests/reliability and print what it measured (``make reliability``).

The tests record their counts (kill trials, concurrent operations, fuzz examples, hostile
files) into a JSON file named by ``CASEKIT_RELIABILITY_REPORT``; this script sets it, runs
pytest, and prints the figures. With ``--full`` (or ``CASEKIT_RELIABILITY_FULL=1``, which
``make reliability`` sets) the tests run their full counts: 60 kill trials, 2 and 4 coders of
300 operations each, thousands of fuzz examples. ``--seed`` changes every seeded choice.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _row(label: str, text: str) -> str:
    return f"  {label:<66} {text}"


def _crash(section: dict[str, Any]) -> list[str]:
    lines = ["crash consistency (worker SIGKILLed at a random SQL statement or time, then rerun)"]
    totals = {"trials": 0, "killed": 0, "consistent": 0}
    for name, figures in sorted(section.items()):
        for key in totals:
            totals[key] += figures[key]
        lines.append(
            _row(
                name,
                f"{figures['trials']:>4} trials, {figures['killed']:>4} killed mid-run, "
                f"{figures['consistent']:>4} consistent",
            )
        )
    lines.append(
        _row(
            "all operations",
            f"{totals['trials']:>4} trials, {totals['killed']:>4} killed mid-run, "
            f"{totals['consistent']:>4} consistent",
        )
    )
    return lines


def _concurrency(section: dict[str, Any]) -> list[str]:
    lines = ["concurrent coders (CLI code add / rm / memo add / undo while autocode --force loops)"]
    for name, f in sorted(section.items()):
        lines.append(
            _row(
                name,
                f"{f['issued']:>5} operations issued, {f['succeeded']:>5} succeeded, "
                f"{f['persisted']:>5} in store and event log; {f['refused_busy']} refused as busy; "
                f"{f['autocode_runs']} autocode runs alongside",
            )
        )
    return lines


def _fuzz(section: dict[str, Any]) -> list[str]:
    lines = ["fuzzing (hypothesis, derandomized): examples per target"]
    total = 0
    for name, figures in sorted(section.items()):
        total += figures["examples"]
        lines.append(_row(name, f"{figures['examples']:>6}"))
    lines.append(_row("all targets", f"{total:>6}"))
    return lines


def _refi(section: dict[str, Any]) -> list[str]:
    f = section.get("mutated exports", {})
    return [
        "REFI-QDA import of mutated real exports (ATLAS.ti, NVivo)",
        _row(
            "outcomes",
            f"{f.get('imported', 0)} imported, {f.get('refused', 0)} refused with a CasekitError, "
            f"{f.get('known escapes', 0)} known escapes (zlib.error, reported)",
        ),
    ]


def _hostile(section: dict[str, Any]) -> list[str]:
    cases = section.get("refused", {})
    lines = ["hostile files refused with a clear message (or neutralised), nothing changed"]
    lines += [_row(case, f"{n:>3}") for case, n in sorted(cases.items())]
    lines.append(_row("all cases", f"{sum(cases.values()):>3} files, {len(cases)} kinds"))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="full counts (default: CI counts)")
    parser.add_argument("--seed", type=int, help="seed for every seeded choice (default 20221)")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments, e.g. -k crash")
    args = parser.parse_args(argv)
    env = dict(os.environ)
    if args.full:
        env["CASEKIT_RELIABILITY_FULL"] = "1"
    if args.seed is not None:
        env["CASEKIT_RELIABILITY_SEED"] = str(args.seed)
    full = env.get("CASEKIT_RELIABILITY_FULL", "") not in ("", "0")
    with tempfile.TemporaryDirectory() as folder:
        report_path = Path(folder) / "reliability.json"
        env["CASEKIT_RELIABILITY_REPORT"] = str(report_path)
        started = time.monotonic()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "tests/reliability",
                "-q",
                "-p",
                "no:cacheprovider",
                *args.pytest_args,
            ],
            cwd=ROOT,
            env=env,
            check=False,
        )
        seconds = time.monotonic() - started
        report = (
            json.loads(report_path.read_text(encoding="utf-8")) if report_path.is_file() else {}
        )
    seed = env.get("CASEKIT_RELIABILITY_SEED", "20221")
    lines = [
        "",
        f"casekit reliability figures ({'full' if full else 'CI'} counts, seed {seed}, "
        f"{seconds:.0f} s)",
    ]
    for key, render in (
        ("crash", _crash),
        ("concurrency", _concurrency),
        ("fuzz", _fuzz),
        ("refi", _refi),
        ("hostile", _hostile),
    ):
        if key in report:
            lines += ["", *render(report[key])]
    lines += ["", f"pytest exit status {result.returncode}"]
    print("\n".join(lines))
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
