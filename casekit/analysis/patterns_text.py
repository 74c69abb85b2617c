"""Plain-text rendering of dilemma patterns: the table a thesis chapter is written from."""

from __future__ import annotations

import math
import unicodedata

from casekit.analysis.patterns import ROLES, DilemmaPatterns

__all__ = ["format_q", "format_weight", "render_patterns"]

_ROLE_LABELS = {"element": "with elements  ", "strategy": "with strategies"}


def format_weight(value: float, measure: str) -> str:
    """``.38`` for measures in (-1, 1), ``1.52`` above, integers for ``count``."""
    if measure == "count":
        return str(round(value))
    if math.isinf(value) or math.isnan(value):
        return str(value)
    text = f"{value:.2f}"
    if abs(value) < 1 and text not in ("1.00", "-1.00"):
        text = text.replace("0.", ".", 1)
    return text


def format_q(q: float) -> str:
    """``q<.001``, ``q=.004``, ``q=1``: APA style, no leading zero."""
    if q < 0.001:
        return "q<.001"
    if q >= 0.9995:
        return "q=1"
    return "q=" + f"{q:.3f}".replace("0.", ".", 1)


def render_patterns(
    result: DilemmaPatterns,
    *,
    language: str = "zh",
    max_quote_width: int = 70,
    mark: tuple[str, str] = ("", ""),
) -> str:
    """The patterns as text: per dilemma, its partners by role, then its exemplar quotes.

    Parameters
    ----------
    result
        From :func:`casekit.analysis.patterns.dilemma_patterns`.
    language
        ``"zh"`` or ``"en"``: which code names to show (falling back to the other).
    max_quote_width
        Quotes longer than this many terminal columns are clipped around the coded span.
    mark
        Text put before and after the coded span in each quote (e.g. terminal bold codes).

    Examples
    --------
    >>> print(render_patterns(dilemma_patterns(codings, segments, codes, unit="turn")))  # doctest: +SKIP
    DIL.TECH.STANDARDS 标准不统一 (41 segments, 19 documents)
      with elements   TECH.SYSTEMS 业务系统 (jaccard .38, q<.001) · ORG.VERTICAL 垂直管理 (.21, q=.004)
    """
    blocks = []
    for dilemma in result.dilemmas.itertuples(index=False):
        n_seg, n_doc = int(dilemma.segments), int(dilemma.documents)
        lines = [
            f"{_label(dilemma.dilemma, dilemma.name_zh, dilemma.name_en, language)} "
            f"({n_seg} segment{'s' if n_seg != 1 else ''}, {n_doc} document{'s' if n_doc != 1 else ''})"
        ]
        mine = result.patterns[result.patterns["dilemma"] == dilemma.dilemma]
        for role in ROLES.values():
            partners = mine[mine["role"] == role]
            items = []
            for i, p in enumerate(partners.itertuples(index=False)):
                weight = format_weight(float(p.weight), result.measure)
                stat = f"{result.measure} {weight}" if i == 0 else weight
                items.append(
                    f"{_label(p.code, p.name_zh, p.name_en, language)} ({stat}, {format_q(float(p.q_value))})"
                )
            lines.append(f"  {_ROLE_LABELS[role]} {' · '.join(items) if items else '—'}")
        quotes = result.quotes[result.quotes["dilemma"] == dilemma.dilemma]
        for q in quotes.itertuples(index=False):
            text = _clip_around(
                str(q.segment_text), int(q.span_start), int(q.span_end), max_quote_width, mark
            )
            lines.append(f"  “{text}” — {q.attribution}")
        blocks.append("\n".join(lines))
    if not blocks:
        return "no dilemma codes in these codings"
    return "\n\n".join(blocks)


def _label(code: str, name_zh: str, name_en: str, language: str) -> str:
    names = (name_zh, name_en) if language == "zh" else (name_en, name_zh)
    name = next((n for n in names if isinstance(n, str) and n), "")
    return f"{code} {name}" if name else str(code)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clip_around(text: str, start: int, end: int, limit: int, mark: tuple[str, str]) -> str:
    """Clip ``text`` to about ``limit`` columns, keeping the span [start, end) in view."""
    text = " ".join(text.split("\n"))
    # Grow a window outward from the span until it is as wide as allowed.
    lo, hi = start, max(end, start)
    while _width(text[lo:hi]) > limit and hi > lo + 1:
        hi -= 1
    while True:
        grown = False
        if hi < len(text) and _width(text[lo : hi + 1]) <= limit:
            hi += 1
            grown = True
        if lo > 0 and _width(text[lo - 1 : hi]) <= limit:
            lo -= 1
            grown = True
        if not grown:
            break
    s, e = max(start, lo), min(max(end, start), hi)
    body = text[lo:s] + mark[0] + text[s:e] + mark[1] + text[e:hi] if any(mark) else text[lo:hi]
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")
