"""Small hand-made frames shaped like casekit.selection's, for the pure analysis tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from casekit.analysis.matrix import SegmentCodeMatrix

# code, parent, family, name_zh, name_en
CODES = [
    ("DIL", None, "dilemma", "困境", "Dilemmas"),
    ("DIL.STD", "DIL", "dilemma", "标准不统一", "Inconsistent standards"),
    ("DIL.SILO", "DIL", "dilemma", "数据孤岛", "Data silos"),
    ("EL", None, "element", "要素", "Elements"),
    ("EL.SYS", "EL", "element", "业务系统", "Business systems"),
    ("EL.DEPT", "EL", "element", "部门", "Departments"),
    ("STR", None, "strategy", "策略", "Strategies"),
    ("STR.STD", "STR", "strategy", "统一标准", "Unify standards"),
]

DOCS = {
    "d1": {
        "doc_type": "interview",
        "level": "county",
        "department": "县政务中心",
        "role": "窗口人员",
    },
    "d2": {"doc_type": "interview", "level": "county", "department": "", "role": ""},
    "d3": {"doc_type": "policy", "level": "city", "department": "市大数据局", "role": "科长"},
}

# document, speaker, text, codes (each coded on the whole segment unless "code:start:end")
SEGMENTS = [
    ("d1", "答", "编码规则不一样，系统对不上。", ["DIL.STD:0:6", "EL.SYS"]),
    ("d1", "问", "后来呢？", []),
    ("d1", "答", "省里要求统一标准，系统改了。", ["DIL.STD", "EL.SYS", "STR.STD:2:8"]),
    ("d1", "答", "部门之间不给数据。", ["DIL.SILO", "EL.DEPT"]),
    ("d2", "答", "标准不统一。", ["DIL.STD"]),
    ("d2", "答", "各部门各管各的。", ["DIL.SILO", "EL.DEPT"]),
    ("d2", "问", "怎么办？", []),
    ("d3", None, "第一条 统一数据标准。", ["STR.STD"]),
    ("d3", None, "第二条 各部门共享业务系统数据。", ["EL.DEPT", "EL.SYS"]),
    ("d3", None, "第三条 附则。", []),
]


def codes_meta() -> pd.DataFrame:
    frame = pd.DataFrame(CODES, columns=["code", "parent", "family", "name_zh", "name_en"])
    frame["definition"] = ""
    frame["level"] = [1 if p is None else 2 for p in frame["parent"]]
    frame["category"] = [
        c if p is None else p for c, p in zip(frame["code"], frame["parent"], strict=True)
    ]
    return frame


def segments_frame(unit: str = "turn") -> pd.DataFrame:
    rows, offsets = [], {}
    for i, (doc, speaker, text, _) in enumerate(SEGMENTS, start=1):
        start = offsets.get(doc, 0)
        idx = sum(1 for r in rows if r["document"] == doc) + 1
        rows.append(
            {
                "segment_id": 100 + i,
                "segment": f"{doc}/t{idx}",
                "document": doc,
                "unit": unit,
                "idx": idx,
                "start": start,
                "end": start + len(text),
                "speaker": speaker,
                "label": None,
                "text": text,
                **DOCS[doc],
            }
        )
        offsets[doc] = start + len(text) + 2
    return pd.DataFrame(rows)


def codings_frame(unit: str = "turn", coder: str = "li") -> pd.DataFrame:
    meta = codes_meta().set_index("code")
    segs = segments_frame(unit)
    rows = []
    for seg, (_, _, text, codes) in zip(segs.itertuples(), SEGMENTS, strict=True):
        for spec in codes:
            code, *span = spec.split(":")
            lo, hi = (int(span[0]), int(span[1])) if span else (0, len(text))
            rows.append(
                {
                    "coding_id": len(rows) + 1,
                    "document": seg.document,
                    "segment_id": seg.segment_id,
                    "segment": seg.segment,
                    "unit": unit,
                    "code": code,
                    "family": meta.at[code, "family"],
                    "parent": meta.at[code, "parent"],
                    "category": meta.at[code, "category"],
                    "coder": coder,
                    "source": "manual",
                    "rule": None,
                    "start": seg.start + lo,
                    "end": seg.start + hi,
                    "text": text[lo:hi],
                    "segment_text": text,
                    "speaker": seg.speaker,
                    **DOCS[seg.document],
                }
            )
    return pd.DataFrame(rows)


def random_matrix(
    n_rows: int, n_codes: int, density: float, seed: int
) -> tuple[SegmentCodeMatrix, np.ndarray]:
    """A random 0/1 matrix (and its dense copy) with codes C00, C01, ..."""
    rng = np.random.default_rng(seed)
    dense = (rng.random((n_rows, n_codes)) < density).astype(np.int32)
    codes = [f"C{j:02d}" for j in range(n_codes)]
    rows = [f"s{i}" for i in range(n_rows)]
    matrix = SegmentCodeMatrix(sp.csr_array(dense), rows, codes, ["doc"] * n_rows)
    return matrix, dense
