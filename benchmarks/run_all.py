"""Run every benchmark with its default (CI-friendly) size: ``make bench``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# (script, arguments): sizes kept small enough for a shared 2-core machine.
BENCHMARKS = [
    ("bench_autocode.py", ["--mb", "50", "--memory-sizes", "10,50"]),
    ("bench_cooccurrence.py", []),
    ("bench_dask.py", []),  # 20 MB; --mb 200 for the full-size run
]


def main() -> int:
    failed = 0
    for script, args in BENCHMARKS:
        path = HERE / script
        if not path.exists():
            continue
        print(f"\n=== {script} {' '.join(args)}", flush=True)
        failed += subprocess.run([sys.executable, str(path), *args], check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
