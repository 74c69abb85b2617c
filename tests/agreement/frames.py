"""Small hand-made segments and codings frames shaped like those of casekit.selection."""

from __future__ import annotations

import pandas as pd

# Paragraph counts of the three documents.
DOCUMENTS = {"d1": 4, "d2": 2, "d3": 2}


def segments_frame() -> pd.DataFrame:
    """Paragraphs d1/p1..p4, d2/p1..p2, d3/p1..p2, shuffled so callers must sort them."""
    records = [
        {
            "segment": f"{doc}/p{idx}",
            "document": doc,
            "unit": "paragraph",
            "idx": idx,
            "text": f"text of {doc} paragraph {idx}",
        }
        for doc, n in DOCUMENTS.items()
        for idx in range(1, n + 1)
    ]
    frame = pd.DataFrame(records)
    frame.insert(0, "segment_id", range(1, len(frame) + 1))
    return frame.sample(frac=1, random_state=1).reset_index(drop=True)


def codings_frame(triples: list[tuple[str, str, str]]) -> pd.DataFrame:
    """Codings from (segment key, code, coder) triples."""
    ids = segments_frame().set_index("segment")["segment_id"]
    return pd.DataFrame(
        [
            {
                "document": key.split("/")[0],
                "segment_id": int(ids[key]),
                "segment": key,
                "code": code,
                "coder": coder,
            }
            for key, code, coder in triples
        ]
    )
