"""A coder process of the concurrency test: a seeded script of CLI operations on a shared project.

Usage: ``python coder.py PROJECT CODER SEED N_OPS PLAN_JSON OUT_JSON GO_FILE``. ``PLAN_JSON``
holds the segments (key, length) and codes to choose from. The process prints ``ready``,
waits for ``GO_FILE`` (so every coder starts at once), then runs ``casekit code add``,
``code rm``, ``memo add`` and ``undo`` through the real command line (Click's runner, in this
process) and writes what each call printed and what it should have changed to ``OUT_JSON``.

Each coder only touches its own codings and memos, and ``undo --coder`` only reverts the
coder's own changes, so the expected final state follows from this coder's successful
operations alone, whatever the other processes do.
"""

from __future__ import annotations

import json
import random
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from casekit.cli import cli

_EVENT = re.compile(r"· event (\d+)")


class Model:
    """What this coder's successful operations should have left in the store."""

    def __init__(self) -> None:
        self.codings: Counter[tuple[str, str, int, int]] = Counter()
        self.memos: Counter[str] = Counter()
        self.changes: list[dict[str, Any]] = []  # kind, item, in_effect

    def apply(self, kind: str, item: Any, sign: int) -> None:
        table = self.memos if kind == "memo" else self.codings
        if kind == "rm":
            sign = -sign
        table[item] += sign
        if table[item] == 0:
            del table[item]

    def latest_in_effect(self) -> dict[str, Any] | None:
        return next((c for c in reversed(self.changes) if c["in_effect"]), None)


def _choose(rng: random.Random, model: Model, plan: dict[str, Any], i: int) -> tuple[str, Any]:
    r = rng.random()
    if r < 0.15 and model.latest_in_effect() is not None:
        return "undo", None
    if r < 0.30 and model.codings:
        return "rm", rng.choice(sorted(model.codings))
    if r < 0.45:
        return "memo", f"memo {i} from {{coder}}: 数据对不上 <b>&amp;</b>"
    while True:
        key, length = rng.choice(plan["segments"])
        start = rng.randrange(0, max(length - 1, 1))
        end = rng.randrange(start + 1, length + 1)
        item = (key, rng.choice(plan["codes"]), start, end)
        if item not in model.codings:
            return "add", item


def _args(kind: str, item: Any, coder: str, segment_for_memo: str) -> list[str]:
    if kind == "add":
        key, code, start, end = item
        return ["code", "add", key, code, "--coder", coder, "--span", f"{start}:{end}"]
    if kind == "rm":
        key, code, start, end = item
        return ["code", "rm", key, code, "--coder", coder, "--span", f"{start}:{end}"]
    if kind == "memo":
        return ["memo", "add", item, "--coder", coder, "--segment", segment_for_memo]
    return ["undo", "--coder", coder]


ACTIONS = {"add": "coding.add", "rm": "coding.remove", "memo": "memo.add", "undo": "undo"}


def main(argv: list[str]) -> int:
    root, coder, seed, n_ops = argv[0], argv[1], int(argv[2]), int(argv[3])
    plan = json.loads(Path(argv[4]).read_text(encoding="utf-8"))
    out_path, go = Path(argv[5]), Path(argv[6])
    rng = random.Random(f"{seed}-{coder}")
    runner = CliRunner()
    runner.invoke(cli, ["code", "--help"])  # import the command modules before the start
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.01)
    model = Model()
    ops = []
    for i in range(n_ops):
        kind, item = _choose(rng, model, plan, i)
        if kind == "memo":
            item = item.format(coder=coder)
        args = _args(kind, item, coder, rng.choice(plan["segments"])[0])
        result = runner.invoke(cli, [*args, "--project", root])
        output = result.output
        exception = None
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            exception = f"{type(result.exception).__name__}: {result.exception}"
        match = _EVENT.search(output)
        op = {
            "kind": kind,
            "args": args,
            "exit_code": result.exit_code,
            "output": output,
            "exception": exception,
            "event": int(match[1]) if match else None,
        }
        ops.append(op)
        if result.exit_code != 0:
            continue
        if kind == "undo":
            change = model.latest_in_effect()
            assert change is not None
            change["in_effect"] = False
            model.apply(change["kind"], change["item"], -1)
        else:
            model.changes.append({"kind": kind, "item": item, "in_effect": True})
            model.apply(kind, item, +1)
    result_json = {
        "coder": coder,
        "ops": ops,
        "codings": [[*k, n] for k, n in sorted(model.codings.items())],
        "memos": [[t, n] for t, n in sorted(model.memos.items())],
    }
    out_path.write_text(json.dumps(result_json, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
