"""Dilemma patterns: the elements and strategies each dilemma travels with, backed by quotes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from casekit.analysis.cooccurrence import MEASURES, code_cooccurrence
from casekit.analysis.inputs import require_columns
from casekit.analysis.matrix import segment_code_matrix
from casekit.errors import CasekitError

__all__ = [
    "DILEMMA_COLUMNS",
    "PATTERN_COLUMNS",
    "QUOTE_COLUMNS",
    "ROLES",
    "DilemmaPatterns",
    "dilemma_patterns",
]

_TURN_MARKERS = {"", "问", "答", "Q", "A"}

# Partner families, in the order a pattern lists them: family -> role label.
ROLES = {"element": "element", "strategy": "strategy"}

DILEMMA_COLUMNS = ["dilemma", "name_zh", "name_en", "segments", "documents"]
PATTERN_COLUMNS = [
    "dilemma",
    "role",
    "rank",
    "code",
    "name_zh",
    "name_en",
    "count",
    "weight",
    "p_value",
    "q_value",
]
QUOTE_COLUMNS = [
    "dilemma",
    "rank",
    "document",
    "segment",
    "speaker",
    "attribution",
    "with_codes",
    "segment_text",
    "span",
    "span_start",
    "span_end",
]


@dataclass(frozen=True)
class DilemmaPatterns:
    """Result of :func:`dilemma_patterns`; render it with ``casekit.analysis.patterns_text``.

    Attributes
    ----------
    dilemmas
        ``dilemma, name_zh, name_en, segments, documents``: the dilemma codes, most frequent
        first (then by code).
    patterns
        ``dilemma, role, rank, code, name_zh, name_en, count, weight, p_value, q_value``: up to
        ``top`` partners per dilemma and role (``element``, ``strategy``), ranked by q-value,
        then ``weight`` (the measure) descending, then count descending, then code.
    quotes
        ``dilemma, rank, document, segment, speaker, attribution, with_codes, segment_text, span,
        span_start, span_end``: exemplar segments per dilemma; ``span`` is the dilemma's coded
        text and ``span_start``/``span_end`` its offsets in ``segment_text``; ``with_codes``
        lists the reported partners present in the segment.
    measure, unit
        The measure used as ``weight``, and the unit of the segments.
    """

    dilemmas: pd.DataFrame
    patterns: pd.DataFrame
    quotes: pd.DataFrame
    measure: str
    unit: str


def dilemma_patterns(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    codes_meta: pd.DataFrame,
    *,
    unit: str,
    measure: str = "jaccard",
    top: int = 3,
    n_quotes: int = 2,
) -> DilemmaPatterns:
    """For each dilemma code, its strongest co-occurring element and strategy codes, with quotes.

    Dilemmas are the coded codes of family ``dilemma`` below the top level (codes with a
    parent); when codings were rolled up to categories (no coded dilemma has a parent), the
    categories themselves. Co-occurrence and q-values come from
    :func:`casekit.analysis.cooccurrence.code_cooccurrence` over all coded codes at ``unit``, so
    they match ``casekit analyze cooccur``.

    Quotes are chosen deterministically: segments carrying the dilemma, those holding more of
    its reported partners first, then the shortest, then by document and position.

    Parameters
    ----------
    codings, segments
        ``codings_frame`` and ``segments_frame`` at ``unit``.
    codes_meta
        ``codes_frame``: families, parents and names.
    unit
        The unit of ``segments`` (checked; segments of another unit may stand in for
        documents that have none of ``unit``).
    measure
        Association measure ranking partners after the q-value (see ``MEASURES``).
    top
        Partners reported per dilemma and role.
    n_quotes
        Exemplar quotes per dilemma.
    """
    if measure not in MEASURES:
        raise CasekitError(f"unknown measure '{measure}'; choose one of: {', '.join(MEASURES)}")
    if top < 1 or n_quotes < 0:
        raise CasekitError("top must be at least 1 and n_quotes at least 0")
    require_columns(codings, ("segment_id", "code", "start", "end"), "codings")
    require_columns(segments, ("segment_id", "segment", "document", "start", "text"), "segments")
    require_columns(codes_meta, ("code", "family", "parent", "name_zh", "name_en"), "codes")
    units = set(segments["unit"].dropna()) if "unit" in segments.columns else {unit}
    # Another unit may stand in for documents that have none of ``unit`` (no turns in a policy).
    if units and unit not in units:
        raise CasekitError(
            f"the segments are of unit {', '.join(sorted(units))}, not {unit}; "
            f"pass segments_frame(store, unit='{unit}')"
        )
    matrix = segment_code_matrix(codings, segments)
    meta = codes_meta.set_index("code")
    families = pd.Series(
        [_family(meta, codings, c) for c in matrix.codes], index=matrix.codes, dtype=object
    )
    dilemma_codes = [c for c in matrix.codes if families[c] == "dilemma"]
    below_top = [c for c in dilemma_codes if c in meta.index and _has_parent(meta.at[c, "parent"])]
    dilemma_codes = below_top or dilemma_codes
    counts = matrix.code_counts()
    doc_counts = (
        codings[codings["segment_id"].isin(segments["segment_id"])]
        .groupby("code")["document"]
        .nunique()
        if "document" in codings.columns
        else pd.Series(dtype=int)
    )
    dilemmas = pd.DataFrame(
        {
            "dilemma": dilemma_codes,
            "name_zh": [_name(meta, c, "name_zh") for c in dilemma_codes],
            "name_en": [_name(meta, c, "name_en") for c in dilemma_codes],
            "segments": [counts[c] for c in dilemma_codes],
            "documents": [int(doc_counts.get(c, 0)) for c in dilemma_codes],
        },
        columns=DILEMMA_COLUMNS,
    )
    dilemmas = dilemmas.sort_values(
        ["segments", "dilemma"], ascending=[False, True], ignore_index=True
    )
    patterns = _partners(
        code_cooccurrence(matrix), dilemmas["dilemma"], families, meta, measure, top
    )
    quotes = _quotes(matrix, codings, segments, dilemmas["dilemma"], patterns, n_quotes)
    return DilemmaPatterns(dilemmas, patterns, quotes, measure, unit)


def _partners(
    cooc: pd.DataFrame,
    dilemmas: pd.Series,
    families: pd.Series,
    meta: pd.DataFrame,
    measure: str,
    top: int,
) -> pd.DataFrame:
    # Each pair appears once in ``cooc``; look at it from both ends.
    both = pd.concat(
        [
            cooc.rename(columns={"code_a": "dilemma", "code_b": "code"}),
            cooc.rename(columns={"code_b": "dilemma", "code_a": "code"}),
        ],
        ignore_index=True,
    )
    both = both[both["dilemma"].isin(set(dilemmas))]
    both = both.assign(role=both["code"].map(families).map(ROLES), weight=both[measure])
    both = both[both["role"].notna()]
    order = {code: i for i, code in enumerate(dilemmas)}
    role_order = {role: i for i, role in enumerate(ROLES.values())}
    both = both.assign(_d=both["dilemma"].map(order), _r=both["role"].map(role_order))
    both = both.sort_values(
        ["_d", "_r", "q_value", "weight", "count", "code"],
        ascending=[True, True, True, False, False, True],
        kind="stable",
    )
    both["rank"] = both.groupby(["dilemma", "role"]).cumcount() + 1
    both = both[both["rank"] <= top]
    both["name_zh"] = [_name(meta, c, "name_zh") for c in both["code"]]
    both["name_en"] = [_name(meta, c, "name_en") for c in both["code"]]
    both["count"] = both["count"].astype(np.int64)
    both["rank"] = both["rank"].astype(np.int64)
    return both[PATTERN_COLUMNS].reset_index(drop=True)


def _quotes(
    matrix,
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    dilemmas: pd.Series,
    patterns: pd.DataFrame,
    n_quotes: int,
) -> pd.DataFrame:
    seg = segments.reset_index(drop=True)
    col = {code: j for j, code in enumerate(matrix.codes)}
    X = matrix.X.tocsc()
    lengths = seg["text"].astype(str).str.len().to_numpy()
    position = seg["idx"].to_numpy() if "idx" in seg.columns else np.arange(len(seg))
    frames = []
    for dilemma in dilemmas:
        partners = patterns.loc[patterns["dilemma"] == dilemma, "code"].tolist()
        rows = X[:, [col[dilemma]]].nonzero()[0]
        if partners:
            present = X[rows][:, [col[p] for p in partners]].toarray().astype(bool)
        else:
            present = np.zeros((len(rows), 0), dtype=bool)
        candidates = pd.DataFrame(
            {
                "row": rows,
                "score": present.sum(axis=1),
                "length": lengths[rows],
                "document": seg["document"].to_numpy()[rows],
                "position": position[rows],
                "with_codes": [" ".join(np.asarray(partners)[m]) for m in present],
            }
        )
        chosen = candidates.sort_values(
            ["score", "length", "document", "position"],
            ascending=[False, True, True, True],
            kind="stable",
        ).head(n_quotes)
        chosen = chosen.assign(dilemma=dilemma, rank=np.arange(1, len(chosen) + 1))
        frames.append(chosen)
    if not frames or not sum(len(f) for f in frames):
        return pd.DataFrame(columns=QUOTE_COLUMNS)
    chosen = pd.concat(frames, ignore_index=True)
    picked = seg.iloc[chosen["row"].to_numpy()].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "dilemma": chosen["dilemma"],
            "rank": chosen["rank"].astype(np.int64),
            "document": picked["document"].astype(str),
            "segment": picked["segment"].astype(str),
            "speaker": [_text(s) for s in picked.get("speaker", pd.Series([None] * len(picked)))],
            "attribution": [_attribution(r) for _, r in picked.iterrows()],
            "with_codes": chosen["with_codes"],
            "segment_text": picked["text"].astype(str),
        }
    )
    spans = _spans(codings, chosen["dilemma"], picked)
    out["span_start"] = spans["span_start"].astype(np.int64)
    out["span_end"] = spans["span_end"].astype(np.int64)
    out["span"] = [
        text[s:e]
        for text, s, e in zip(out["segment_text"], out["span_start"], out["span_end"], strict=True)
    ]
    return out[QUOTE_COLUMNS]


def _spans(codings: pd.DataFrame, dilemma: pd.Series, picked: pd.DataFrame) -> pd.DataFrame:
    """The dilemma's first coded span in each picked segment, as offsets into its text."""
    keys = pd.DataFrame(
        {
            "code": dilemma.to_numpy(),
            "segment_id": picked["segment_id"].to_numpy(),
            "seg_start": picked["start"].to_numpy(),
            "seg_len": picked["text"].astype(str).str.len().to_numpy(),
            "_order": np.arange(len(picked)),
        }
    )
    spans = codings[["segment_id", "code", "start", "end"]].sort_values(["start", "end"])
    spans = spans.drop_duplicates(["segment_id", "code"])
    merged = keys.merge(spans, on=["segment_id", "code"], how="left").sort_values("_order")
    start = (merged["start"] - merged["seg_start"]).clip(lower=0)
    end = (merged["end"] - merged["seg_start"]).clip(upper=merged["seg_len"])
    # A zero-width coding marks a position; quote the whole segment then.
    empty = (end <= start) | start.isna() | end.isna()
    start = start.where(~empty, 0)
    end = end.where(~empty, merged["seg_len"])
    return pd.DataFrame({"span_start": start.to_numpy(), "span_end": end.to_numpy()})


def _attribution(row: pd.Series) -> str:
    who = " ".join(_text(row.get(k)) for k in ("department", "role") if _text(row.get(k)))
    speaker = _text(row.get("speaker"))
    # Interview markers (问/答, Q/A) say who asked, not who spoke; they identify nobody.
    if not who and speaker not in _TURN_MARKERS:
        who = speaker
    return f"{row['document']}, {who}" if who else str(row["document"])


def _family(meta: pd.DataFrame, codings: pd.DataFrame, code: str) -> str:
    if code in meta.index:
        return _text(meta.at[code, "family"])
    if "family" not in codings.columns:
        return ""
    found = codings.loc[codings["code"] == code, "family"]
    return _text(found.iloc[0]) if len(found) else ""


def _name(meta: pd.DataFrame, code: str, column: str) -> str:
    return _text(meta.at[code, column]) if code in meta.index else ""


def _has_parent(value: object) -> bool:
    return bool(_text(value))


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return ""
    return str(value)
