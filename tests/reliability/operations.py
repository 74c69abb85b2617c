"""The writing operations the crash harness interrupts, run the same way in a worker and in-process."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from casekit.project import Project

__all__ = [
    "OPERATIONS",
    "make_coding_script",
    "make_codings_csv",
    "run_operation",
]

# Files an operation reads, inside the trial's project folder.
SCRIPT_NAME = "coding-script.json"
CSV_NAME = "codings-import.csv"
QDPX_NAME = "exchange.qdpx"


def make_coding_script(project: Project, n: int, seed: int) -> list[list[Any]]:
    """``n`` manual codings ``[segment, code, coder, [start, end]]``, seeded, all distinct."""
    rng = random.Random(seed)
    segments = project.store.query(
        "SELECT key, text FROM segments WHERE unit = 'turn' ORDER BY key"
    )
    codes = [r[0] for r in project.store.query("SELECT id FROM codes WHERE parent IS NOT NULL")]
    script: list[list[Any]] = []
    seen = set()
    while len(script) < n:
        key, text = rng.choice(segments)
        start = rng.randrange(0, max(len(text) - 1, 1))
        end = rng.randrange(start + 1, len(text) + 1)
        if rng.random() < 0.3:
            start, end = 0, len(text)
        item = (key, rng.choice(codes), rng.choice(["li", "wang"]), start, end)
        if item in seen:
            continue
        seen.add(item)
        script.append([item[0], item[1], item[2], [start, end]])
    return script


def make_codings_csv(project: Project, path: Path, n: int, seed: int) -> None:
    """An exchange CSV of ``n`` valid codings by two coders (turn segments, seeded)."""
    rng = random.Random(seed)
    rows = project.store.query(
        "SELECT d.name, s.start, s.end FROM segments s JOIN documents d ON d.id = s.document_id "
        "WHERE s.unit = 'turn' ORDER BY s.key"
    )
    codes = [r[0] for r in project.store.query("SELECT id FROM codes WHERE parent IS NOT NULL")]
    with open(path, "w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(["document", "start", "end", "code", "coder", "memo"])
        for i in range(n):
            doc, s_start, s_end = rng.choice(rows)
            start = rng.randrange(s_start, s_end)
            end = rng.randrange(start + 1, s_end + 1)
            writer.writerow(
                [doc, start, end, rng.choice(codes), rng.choice(["zhao", "qian"]), f"m{i}"]
            )


def _ingest(project: Project, ack: Callable[[str], None]) -> None:
    from casekit.ingest import ingest_corpus

    ingest_corpus(project, progress=lambda done, total, name: ack(f"document {name}"))


def _autocode(project: Project, ack: Callable[[str], None]) -> None:
    from casekit.coding.autocode import autocode_project

    autocode_project(project, progress=lambda done, total, name: ack(f"document {name}"))


def _code_add(project: Project, ack: Callable[[str], None]) -> None:
    from casekit.coding.manual import add_coding, ensure_codes

    version = ensure_codes(project)
    script = json.loads((project.root / SCRIPT_NAME).read_text(encoding="utf-8"))
    for i, (segment, code, coder, span) in enumerate(script):
        add_coding(
            project.store, segment, code, coder=coder, span=tuple(span), codebook_version=version
        )
        ack(f"ok {i}")


def _import_codings(project: Project, ack: Callable[[str], None]) -> None:
    from casekit.coding.exchange import import_codings
    from casekit.coding.manual import ensure_codes

    version = ensure_codes(project)
    import_codings(project.store, project.root / CSV_NAME, codebook_version=version)


def _import_qdpx(project: Project, ack: Callable[[str], None]) -> None:
    from casekit.refi.importer import import_qdpx

    import_qdpx(project, project.root / QDPX_NAME)


OPERATIONS: dict[str, Callable[[Project, Callable[[str], None]], None]] = {
    "ingest": _ingest,
    "autocode": _autocode,
    "code-add": _code_add,
    "import-codings": _import_codings,
    "import-qdpx": _import_qdpx,
}


def warm_up(name: str) -> None:
    """Import what an operation needs, so a timed kill lands in its work, not in imports."""
    import casekit.coding.manual

    if name == "ingest":
        from casekit.nlp.sentences import _sentencizer

        _sentencizer("zh")
        _sentencizer("en")
    elif name == "autocode":
        import casekit.coding.autocode
        import casekit.coding.rules
    elif name == "import-codings":
        import casekit.coding.exchange
    elif name == "import-qdpx":
        import lxml.etree  # noqa: F401

        import casekit.refi.importer  # noqa: F401


def run_operation(name: str, project: Project, ack: Callable[[str], None] | None = None) -> None:
    """Run one operation to completion; ``ack`` hears of each step committed."""
    OPERATIONS[name](project, ack or (lambda line: None))
