"""A small coded project (six documents, the valid-small codebook) and hand-made frames."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from casekit.project import Project, init_project

DATA = Path(__file__).resolve().parents[1] / "data"
CORPUS = DATA / "figures" / "corpus"
CODEBOOK = DATA / "codebooks" / "valid-small.yaml"


def make_project(root: Path) -> Project:
    """Create, ingest and auto-code the sample project under ``root``."""
    from casekit.coding.autocode import autocode_project
    from casekit.ingest import ingest_corpus

    project = init_project(root, name="figures <test> study")
    shutil.copy(CODEBOOK, project.codebook_path)
    for path in CORPUS.iterdir():
        shutil.copy(path, project.corpus_dir / path.name)
    ingest_corpus(project)
    autocode_project(project)
    return project


def codes_table() -> pd.DataFrame:
    """A ``codes_frame``-shaped table: three families, two codes each under one category."""
    rows = [
        ("E", None, "element", "要素", "Elements"),
        ("E.A", "E", "element", "平台", "Platform"),
        ("E.B", "E", "element", "系统", "Systems"),
        ("D", None, "dilemma", "困境", "Dilemmas"),
        ("D.X", "D", "dilemma", "数据质量", "Data quality"),
        ("D.Y", "D", "dilemma", "缺乏激励", "No incentive"),
        ("S", None, "strategy", "策略", "Strategies"),
        ("S.P", "S", "strategy", "考核", "Assessment"),
        ("S.Q", "S", "strategy", "标准", "Standards"),
    ]
    frame = pd.DataFrame(rows, columns=["code", "parent", "family", "name_zh", "name_en"])
    frame["definition"] = ""
    frame["level"] = [1 if p is None else 2 for p in frame["parent"]]
    frame["category"] = [
        c if p is None else p for c, p in zip(frame["code"], frame["parent"], strict=True)
    ]
    return frame


# Which codes each of 12 segments carries; documents d1..d4 (3 segments each).
SEGMENT_CODES: list[list[str]] = [
    ["E.A", "D.X"],
    ["E.A", "D.X", "S.P"],
    ["D.Y"],
    ["E.A", "D.X"],
    ["E.B"],
    ["S.P", "E.A"],
    ["D.Y", "S.P"],
    ["E.A", "D.X"],
    [],
    ["E.B", "S.Q"],
    ["E.A"],
    ["D.X", "E.A", "S.P"],
]
DOC_TYPES = {"d1": "interview", "d2": "interview", "d3": "policy", "d4": "notice"}
LEVELS = {"d1": "city", "d2": "county", "d3": "province", "d4": "city"}


def frames() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """``(codings, segments, codes)`` shaped like ``casekit.selection`` output, unit ``turn``."""
    codes = codes_table().set_index("code")
    seg_rows, coding_rows = [], []
    for i, seg_codes in enumerate(SEGMENT_CODES):
        doc = f"d{i // 3 + 1}"
        text = f"segment {i} " + " ".join(seg_codes)
        seg_rows.append(
            {
                "segment_id": i + 1,
                "segment": f"{doc}:turn:{i % 3}",
                "document": doc,
                "unit": "turn",
                "idx": i % 3,
                "start": 100 * (i % 3),
                "end": 100 * (i % 3) + len(text),
                "speaker": "答",
                "label": None,
                "text": text,
                "doc_type": DOC_TYPES[doc],
                "level": LEVELS[doc],
            }
        )
        for code in seg_codes:
            coding_rows.append(
                {
                    "coding_id": len(coding_rows) + 1,
                    "document": doc,
                    "segment_id": i + 1,
                    "segment": f"{doc}:turn:{i % 3}",
                    "unit": "turn",
                    "code": code,
                    "family": codes.at[code, "family"],
                    "parent": codes.at[code, "parent"],
                    "category": codes.at[code, "category"],
                    "coder": "rules",
                    "source": "auto",
                    "rule": "kw",
                    "start": 100 * (i % 3),
                    "end": 100 * (i % 3) + 9,
                    "text": text[:9],
                    "segment_text": text,
                    "speaker": "答",
                    "doc_type": DOC_TYPES[doc],
                    "level": LEVELS[doc],
                }
            )
    return pd.DataFrame(coding_rows), pd.DataFrame(seg_rows), codes_table()
