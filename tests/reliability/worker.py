"""A worker process of the crash harness: runs one operation on a project, maybe killing itself.

Usage: ``python worker.py OPERATION PROJECT [KILL_AT_STATEMENT]``. It prints ``ready`` once
everything is imported, one line per step committed (``ok 3``, ``document gz-city-01``),
``statements N`` (SQL statements run) and ``done``. With ``KILL_AT_STATEMENT`` it sends
itself SIGKILL just before its Nth SQL statement, which puts the kill inside a transaction
as often as between them.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from casekit.project import open_project
from tests.reliability.operations import run_operation, warm_up


def main(argv: list[str]) -> int:
    name, root = argv[0], Path(argv[1])
    kill_at = int(argv[2]) if len(argv) > 2 else 0
    warm_up(name)
    project = open_project(root)
    con = project.store.con
    executed = 0

    def trace(statement: str) -> None:
        nonlocal executed
        executed += 1
        if executed == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    con.set_trace_callback(trace)
    print("ready", flush=True)
    run_operation(name, project, lambda line: print(line, flush=True))
    print(f"statements {executed}", flush=True)
    project.close()
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
