"""Run in a fresh process: ingest and auto-code a generated corpus, print memory growth as JSON.

Usage: ``python -m tests.distributed.memory_probe ROOT N_DOCS DOC_CHARS`` (Linux only).
For each step the peak resident set size is reset first (``/proc/self/clear_refs``), so
its growth is the step's own peak RSS minus the RSS it started from, in bytes.
"""

from __future__ import annotations

import argparse
import json
import shutil
from collections.abc import Callable
from pathlib import Path

from casekit.coding.autocode import autocode_project
from casekit.ingest import ingest_corpus
from casekit.project import init_project

CODEBOOK = Path(__file__).resolve().parents[1] / "data" / "codebooks" / "valid-small.yaml"
# The same few words recur in every document, as in a real corpus whose vocabulary stops
# growing; unique tokens everywhere would grow spaCy's string store, which is not streaming.
TURNS = [
    "问：材料是怎么调取的？",
    "答：我们现在都是通过共享交换平台去调数据，申请还是要等。",
    "问：考核呢？",
    "答：数据共享一直没有纳入考核，部门说得很清楚。",
    "答：We request the records through the exchange platform now.",
]


def document_text(index: int, n_chars: int) -> str:
    """A transcript of about ``n_chars`` characters, different for every ``index``."""
    parts = [f"问：这是第{index}份材料吗？"]
    size = len(parts[0])
    k = 0
    while size < n_chars:
        turn = TURNS[k % len(TURNS)]
        parts.append(turn)
        size += len(turn) + 2
        k += 1
    return "\n\n".join(parts)


def _reset_peak_rss() -> None:
    # Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM) to the current one.
    Path("/proc/self/clear_refs").write_text("5")


def _rss(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def _growth(step: Callable[[], object]) -> int:
    _reset_peak_rss()
    start = _rss("VmRSS")
    step()
    return _rss("VmHWM") - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("root", type=Path)
    parser.add_argument("n_docs", type=int)
    parser.add_argument("doc_chars", type=int)
    args = parser.parse_args()
    project = init_project(args.root, name="memory probe")
    shutil.copy(CODEBOOK, project.codebook_path)
    # Warm up: imports, the segmenter and the compiled codebook are not what is measured.
    (project.corpus_dir / "warm-up.txt").write_text(document_text(99999, 2000), encoding="utf-8")
    ingest_corpus(project)
    autocode_project(project)
    for i in range(args.n_docs):
        (project.corpus_dir / f"doc{i:05d}.txt").write_text(
            document_text(i, args.doc_chars), encoding="utf-8"
        )
    growth = {
        "ingest": _growth(lambda: ingest_corpus(project)),
        "autocode": _growth(lambda: autocode_project(project)),
        "documents": project.store.scalar("SELECT COUNT(*) FROM autocode_state"),
    }
    project.close()
    print(json.dumps(growth))


if __name__ == "__main__":
    main()
