"""Tidy pandas tables read from the store: the inputs every analysis works on.

Analyses never open the store; they take these frames. A coding is stored with document
offsets, so it can be viewed at any unit: it belongs to every segment of that unit its span
overlaps (a zero-width coding, to the segment containing its position).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from casekit.errors import CasekitError
from casekit.project import Project
from casekit.store import Store

if TYPE_CHECKING:
    import pandas as pd

    from casekit.analysis.matrix import SegmentCodeMatrix

__all__ = [
    "FALLBACK_UNIT",
    "Selection",
    "codes_frame",
    "codings_frame",
    "load_selection",
    "segments_frame",
]

# Documents without segments of the analysis unit (policies have no turns) are counted by this.
FALLBACK_UNIT = "paragraph"

Source = Literal["auto", "manual", "all"]


def _attributes(store: Store) -> pd.DataFrame:
    import pandas as pd

    rows = store.query("SELECT name, doc_type, language, attributes FROM documents ORDER BY name")
    records = []
    for row in rows:
        record = {"document": row["name"], "doc_type": row["doc_type"], "language": row["language"]}
        for key, value in json.loads(row["attributes"]).items():
            record.setdefault(key, value)
        records.append(record)
    return pd.DataFrame.from_records(
        records, columns=None if records else ["document", "doc_type", "language"]
    )


def codes_frame(store: Store) -> pd.DataFrame:
    """Codes known to the project.

    Columns: ``code, parent, family, name_zh, name_en, definition, level, category`` where
    ``level`` is 1 for top-level codes and ``category`` is the top-level ancestor. Sorted by code.
    """
    import pandas as pd

    rows = [
        dict(r)
        for r in store.query(
            "SELECT id AS code, parent, family, name_zh, name_en, definition FROM codes"
        )
    ]
    parents = {r["code"]: r["parent"] for r in rows}

    def chain(code: str) -> list[str]:
        out = [code]
        seen = {code}
        while parents.get(out[-1]) and parents[out[-1]] not in seen:
            out.append(parents[out[-1]])
            seen.add(out[-1])
        return out

    for r in rows:
        c = chain(r["code"])
        r["level"] = len(c)
        r["category"] = c[-1]
    columns = ["code", "parent", "family", "name_zh", "name_en", "definition", "level", "category"]
    return pd.DataFrame(rows, columns=columns).sort_values("code", ignore_index=True)


def segments_frame(
    store: Store, *, unit: str, documents: Sequence[str] | None = None
) -> pd.DataFrame:
    """Every segment of ``unit`` (the universe an analysis counts over), with document attributes.

    Columns: ``segment_id, segment, document, unit, idx, start, end, speaker, label, text``
    followed by ``doc_type, language`` and one column per manifest attribute. Sorted by
    document then index.
    """
    import pandas as pd

    sql = (
        "SELECT s.id AS segment_id, s.key AS segment, d.name AS document, s.unit, s.idx, s.start, "
        "s.end, s.speaker, s.label, s.text FROM segments s JOIN documents d ON d.id = s.document_id "
        "WHERE s.unit = ?"
    )
    params: list[object] = [unit]
    if documents:
        sql += f" AND d.name IN ({','.join('?' * len(documents))})"
        params += list(documents)
    frame = pd.DataFrame(
        [dict(r) for r in store.query(sql + " ORDER BY d.name, s.idx", tuple(params))],
        columns=[
            "segment_id",
            "segment",
            "document",
            "unit",
            "idx",
            "start",
            "end",
            "speaker",
            "label",
            "text",
        ],
    )
    return frame.merge(_attributes(store), on="document", how="left")


def codings_frame(
    store: Store,
    *,
    unit: str | None = None,
    source: Source = "all",
    coders: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
    level: int | None = None,
) -> pd.DataFrame:
    """One row per coding (per segment of ``unit`` it overlaps, when ``unit`` is given).

    Parameters
    ----------
    unit
        View codings at this unit; ``None`` keeps the segment each coding was made on.
    source
        ``"auto"``, ``"manual"`` or ``"all"``.
    coders
        Keep codings of these coders only (``rules`` is the automatic coder).
    codes
        Keep these codes only (after rolling up to ``level``).
    level
        Roll codes up to this hierarchy level (1 = top-level categories).

    Returns
    -------
    DataFrame with columns ``coding_id, document, segment_id, segment, unit, code, family,
    parent, category, coder, source, rule, start, end, text, segment_text, speaker`` followed
    by ``doc_type, language`` and the manifest attributes; sorted by document, segment start,
    code, coder, coding id.
    """
    import pandas as pd

    where = ["c.deleted_at IS NULL"]
    params: list[object] = []
    if source != "all":
        where.append("c.source = ?")
        params.append(source)
    if coders:
        where.append(f"c.coder IN ({','.join('?' * len(coders))})")
        params += list(coders)
    rows = store.query(
        "SELECT c.id AS coding_id, d.name AS document, d.id AS doc_id, d.text AS doc_text, c.segment_id, "
        "s.key AS segment, s.unit, s.start AS seg_start, s.end AS seg_end, s.speaker, c.code, c.coder, "
        "c.source, c.rule, c.start, c.end FROM codings c JOIN segments s ON s.id = c.segment_id "
        "JOIN documents d ON d.id = s.document_id WHERE " + " AND ".join(where),
        tuple(params),
    )
    records = [dict(r) for r in rows]
    if unit is not None:
        records = _regroup(store, records, unit)
    texts: dict[int, str] = {}
    for r in records:
        texts.setdefault(r["doc_id"], r.pop("doc_text", None) or "")
        doc_text = texts[r["doc_id"]]
        r["text"] = doc_text[r["start"] : r["end"]]
        r["segment_text"] = doc_text[r["seg_start"] : r["seg_end"]]
    meta = codes_frame(store).set_index("code")
    frame = pd.DataFrame(records)
    columns = [
        "coding_id",
        "document",
        "segment_id",
        "segment",
        "unit",
        "code",
        "family",
        "parent",
        "category",
        "coder",
        "source",
        "rule",
        "start",
        "end",
        "text",
        "segment_text",
        "speaker",
    ]
    if frame.empty:
        frame = pd.DataFrame(columns=columns)
    else:
        if level is not None:
            frame["code"] = [_roll_up(meta, c, level) for c in frame["code"]]
        for col in ("family", "parent", "category"):
            frame[col] = frame["code"].map(meta[col]) if col in meta else None
        frame["category"] = frame["category"].fillna(frame["code"])
        frame = frame.sort_values(
            ["document", "seg_start", "code", "coder", "coding_id"], ignore_index=True
        )
        if level is not None:
            # Rolling up can make several codings of one coder the same code on one segment.
            frame = frame.drop_duplicates(
                ["segment_id", "code", "coder", "start", "end"], ignore_index=True
            )
    if codes:
        frame = frame[frame["code"].isin(list(codes))].reset_index(drop=True)
    frame = frame[columns]
    return frame.merge(_attributes(store), on="document", how="left")


def _roll_up(meta: pd.DataFrame, code: str, level: int) -> str:
    chain = [code]
    while chain[-1] in meta.index and isinstance(meta.at[chain[-1], "parent"], str):
        chain.append(meta.at[chain[-1], "parent"])
    return chain[-level] if level <= len(chain) else code


def _regroup(store: Store, records: list[dict], unit: str) -> list[dict]:
    """Re-attach each coding to the segments of ``unit`` its span overlaps."""
    import bisect

    if not records:
        return records
    doc_ids = sorted({r["doc_id"] for r in records})
    segs: dict[int, list] = {d: [] for d in doc_ids}
    for row in store.query(
        f"SELECT id, document_id, key, start, end, speaker FROM segments WHERE unit = ? "
        f"AND document_id IN ({','.join('?' * len(doc_ids))}) ORDER BY document_id, start",
        (unit, *doc_ids),
    ):
        segs[row["document_id"]].append(row)
    if not any(segs.values()):
        raise CasekitError(
            f"no segments of unit '{unit}' in the coded documents; choose another --unit"
        )
    out = []
    for r in records:
        doc_segs = segs[r["doc_id"]]
        starts = [s["start"] for s in doc_segs]
        i = max(bisect.bisect_right(starts, r["start"]) - 1, 0)
        while i < len(doc_segs) and doc_segs[i]["start"] < max(r["end"], r["start"] + 1):
            s = doc_segs[i]
            if s["end"] > r["start"] or (
                r["start"] == r["end"] and s["start"] <= r["start"] < s["end"]
            ):
                out.append(
                    {
                        **r,
                        "segment_id": s["id"],
                        "segment": s["key"],
                        "unit": unit,
                        "seg_start": s["start"],
                        "seg_end": s["end"],
                        "speaker": s["speaker"],
                    }
                )
            i += 1
    return out


@dataclass
class Selection:
    """Codings and the segment universe of one unit, as the analysis functions take them."""

    codings: pd.DataFrame
    segments: pd.DataFrame
    codes: pd.DataFrame
    unit: str
    by_document: bool
    n_fallback: int = 0  # documents without the unit, counted by paragraph

    def matrix(self, window: int | None = None) -> SegmentCodeMatrix:
        from casekit.analysis.matrix import segment_code_matrix

        if window is not None and self.by_document:
            raise CasekitError("a window counts segments; it cannot be used with --unit document")
        return segment_code_matrix(
            self.codings, self.segments, window=window, by_document=self.by_document
        )


def load_selection(
    project: Project,
    *,
    unit: str | None,
    source: str | None,
    coders: tuple[str, ...],
    level: int | None,
) -> Selection:
    """The frames for one analysis; raises with what to do when they are empty.

    Options left unset come from ``[analysis]`` in casekit.toml. Documents that have no
    segments of the unit (policy documents have no turns) are counted by paragraph, as the
    config documents.
    """
    from casekit.store.queries import project_status

    settings = project.config["analysis"]
    by_document = unit == "document"
    unit = settings["unit"] if unit in (None, "document") else unit
    source = source or settings["source"]
    coders = coders or tuple(settings["coders"])
    store = project.store
    if coders:
        known = set(project_status(store)["coders"]) | {"rules"}
        unknown = [c for c in coders if c not in known]
        if unknown:
            raise CasekitError(
                f"unknown coder {', '.join(unknown)}; coders in this project: "
                f"{', '.join(sorted(known - {'rules'})) or 'none yet'} (and 'rules' for automatic codings)"
            )
    segments, codings, n_fallback = _frames_with_fallback(store, unit, source, coders, level)
    if segments.empty:
        raise CasekitError(
            f"no segments of unit '{unit}' in this project; run 'casekit ingest' or choose "
            "another --unit"
        )
    if codings.empty:
        who = f", coder {', '.join(coders)}" if coders else ""
        raise CasekitError(
            f"no codings to analyse (unit {unit}, source {source}{who}); run 'casekit autocode' "
            "or code segments with 'casekit code'"
        )
    return Selection(codings, segments, codes_frame(store), unit, by_document, n_fallback)


def _frames_with_fallback(
    store: Store, unit: str, source: str, coders: tuple[str, ...], level: int | None
) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Segments and codings at ``unit``, and at paragraphs for documents without ``unit``."""
    import pandas as pd

    from casekit.store.queries import list_documents

    def codings_at(at: str, documents: set[str]) -> pd.DataFrame:
        try:
            frame = codings_frame(
                store,
                unit=at,
                source=source,  # type: ignore[arg-type]  # click.Choice / config checked it
                coders=list(coders) or None,
                level=level,
            )
        except CasekitError:  # none of the coded documents has this unit
            return pd.DataFrame()
        return frame[frame["document"].isin(documents)] if not frame.empty else frame

    segments = segments_frame(store, unit=unit)
    with_unit = set(segments["document"])
    without = sorted({d["name"] for d in list_documents(store)} - with_unit)
    codings = codings_at(unit, with_unit)
    if not without or unit == FALLBACK_UNIT:
        return segments, codings, 0
    extra_segments = segments_frame(store, unit=FALLBACK_UNIT, documents=without)
    if extra_segments.empty:
        return segments, codings, 0
    extra_codings = codings_at(FALLBACK_UNIT, set(without))
    both_segments = pd.concat([segments, extra_segments], ignore_index=True)
    both_segments = both_segments.sort_values("document", kind="stable", ignore_index=True)
    parts = [f for f in (codings, extra_codings) if not f.empty]
    both_codings = pd.concat(parts, ignore_index=True) if parts else codings
    if not both_codings.empty:
        both_codings = both_codings.sort_values("document", kind="stable", ignore_index=True)
    return both_segments, both_codings, len(set(extra_segments["document"]))
