"""Proximity rules: a term of side a and a term of side b close together or in one sentence."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from casekit.coding.keywords import count_words

__all__ = [
    "ProximityOutcome",
    "ProximitySpec",
    "evaluate_proximity",
    "proximity_spans",
    "zh_sentence_ends",
]

# Sentence ends for Chinese measured on the raw text, the same characters the zh
# sentencizer splits at (casekit.nlp.pipelines.ZH_SENTENCE_PUNCT), plus line breaks.
_ZH_SENTENCE_END = re.compile(r"[。！？；;!?…\n]+")

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class ProximitySpec:
    """A compiled proximity rule; exactly one of ``within`` and ``same`` is set."""

    rule_id: str
    code: str
    lang: str
    within: int | None
    same: str | None


@dataclass(frozen=True, slots=True)
class ProximityOutcome:
    """Spans where the rule fired, or (when none) why it did not."""

    spans: tuple[Span, ...]
    miss_reason: str | None = None  # "one_side" or "too_far"
    miss_span: Span | None = None
    miss_detail: str = ""


def zh_sentence_ends(text: str) -> list[int]:
    """End offsets (exclusive) of the sentences of a Chinese text, split at 。！？；… and newlines."""
    ends = [m.end() for m in _ZH_SENTENCE_END.finditer(text)]
    if not ends or ends[-1] < len(text):
        ends.append(len(text))
    return ends


def _gap(text: str, first: Span, second: Span, lang: str) -> int:
    # Distance between two non-overlapping spans, ``first`` before ``second``.
    return count_words(text[first[1] : second[0]]) if lang == "en" else second[0] - first[1]


# Up to this many b-terms a linear scan finds the nearest ones faster than sorting + bisect.
_LINEAR_MAX = 16


def _nearest(a: Span, b_spans: Sequence[Span]) -> tuple[Span | None, Span | None]:
    # The b-term starting first at or after a's end, and the one ending last at or before
    # a's start (overlapping b-terms are neither); of nested terms equally near, the longest
    # (搞不懂 rather than 不懂).
    after: Span | None = None
    before: Span | None = None
    for b in b_spans:
        if b[0] >= a[1]:
            if after is None or b[0] < after[0] or (b[0] == after[0] and b[1] > after[1]):
                after = b
        elif b[1] <= a[0] and (
            before is None or b[1] > before[1] or (b[1] == before[1] and b[0] < before[0])
        ):
            before = b
    return after, before


def _pairs(
    spec: ProximitySpec,
    a_spans: Sequence[Span],
    b_spans: Sequence[Span],
    text: str,
    sentence_ends: Callable[[], list[int]],
) -> tuple[dict[Span, tuple[int, Span, Span]], tuple[int, Span, Span] | None]:
    # For each b-term the closest qualifying a-term, as (gap, first, second) keyed by the b
    # span; and the closest non-qualifying pair (for explanations).
    lang = spec.lang
    within = spec.within
    sents = sentence_ends() if spec.same == "sentence" else None
    linear = len(b_spans) <= _LINEAR_MAX
    if not linear:
        # Sorted so that bisecting picks the same terms as _nearest.
        by_start = sorted(b_spans, key=lambda sp: (sp[0], -sp[1]))
        starts = [s for s, _ in by_start]
        by_end = sorted(b_spans, key=lambda sp: (sp[1], -sp[0]))
        ends = [e for _, e in by_end]
    pairs: dict[Span, tuple[int, Span, Span]] = {}
    nearest_miss: tuple[int, Span, Span] | None = None
    for a in a_spans:
        if linear:
            after, before = _nearest(a, b_spans)
        else:
            i = bisect_left(starts, a[1])
            after = by_start[i] if i < len(by_start) else None
            j = bisect_right(ends, a[0]) - 1
            before = by_end[j] if j >= 0 else None
        candidates: list[tuple[int, Span, Span]] = []  # (gap, first, second)
        if after is not None:
            candidates.append((_gap(text, a, after, lang), a, after))
        if before is not None:
            candidates.append((_gap(text, before, a, lang), before, a))
        if len(candidates) == 2 and candidates[1] < candidates[0]:
            candidates.reverse()
        for gap, first, second in candidates:
            if sents is not None:
                ok = bisect_right(sents, first[0]) == bisect_right(sents, second[1] - 1)
            else:
                ok = within is not None and gap <= within
            if ok:
                b = second if first is a else first
                kept = pairs.get(b)
                if kept is None or gap < kept[0]:
                    pairs[b] = (gap, first, second)
                break
            if nearest_miss is None or gap < nearest_miss[0]:
                nearest_miss = (gap, first, second)
    return pairs, nearest_miss


def proximity_spans(
    spec: ProximitySpec,
    a_spans: Sequence[Span],
    b_spans: Sequence[Span],
    text: str,
    sentence_ends: Callable[[], list[int]],
) -> list[Span]:
    """Spans where the rule fires (what :func:`evaluate_proximity` reports, without reasons)."""
    if not a_spans or not b_spans:
        return []
    pairs, _ = _pairs(spec, a_spans, b_spans, text, sentence_ends)
    return sorted({(f[0], s[1]) for _, f, s in pairs.values()})


def evaluate_proximity(
    spec: ProximitySpec,
    a_spans: Sequence[Span],
    b_spans: Sequence[Span],
    text: str,
    sentence_ends: Callable[[], list[int]],
) -> ProximityOutcome:
    """Pair every a-term with its nearest b-term (either order) and keep the pairs that qualify.

    Parameters
    ----------
    spec
        The rule. ``within`` is the largest gap between the two terms, in characters (zh)
        or words (en); ``same="sentence"`` requires both terms in one sentence.
    a_spans, b_spans
        Occurrences of the terms of each side. Overlapping a- and b-occurrences do not
        pair (one stretch of text is not two terms near each other).
    text
        The text the spans point into.
    sentence_ends
        Called (at most once, and only if both sides occur) to get sentence end offsets.

    Returns
    -------
    ProximityOutcome
        One span per b-term that has a qualifying a-term, pairing it with its closest one
        (so "平台上返回的数据对不上" gives 数据对不上, not also 平台…对不上); each span runs
        from the first term's start to the second term's end; sorted. Or, when nothing
        qualifies, the reason for a near miss.
    """
    unit = "words" if spec.lang == "en" else "characters"
    if not a_spans or not b_spans:
        if not a_spans and not b_spans:
            return ProximityOutcome(())
        side, found = ("a", a_spans) if a_spans else ("b", b_spans)
        other = "b" if side == "a" else "a"
        first = min(found)
        return ProximityOutcome(
            (),
            "one_side",
            first,
            f"{side}-term {text[first[0] : first[1]]!r} found, but no {other}-term",
        )
    pairs, nearest_miss = _pairs(spec, a_spans, b_spans, text, sentence_ends)
    if pairs:
        return ProximityOutcome(tuple(sorted({(f[0], s[1]) for _, f, s in pairs.values()})))
    if nearest_miss is None:  # every a-term overlaps a b-term
        a0, b0 = min(a_spans), min(b_spans)
        span = (min(a0[0], b0[0]), max(a0[1], b0[1]))
        return ProximityOutcome((), "too_far", span, "a- and b-terms only overlap each other")
    gap, first, second = nearest_miss
    pair = f"{text[first[0] : first[1]]!r} and {text[second[0] : second[1]]!r}"
    if spec.same == "sentence":
        detail = f"nearest terms {pair} are not in the same sentence"
    else:
        detail = f"nearest terms {pair} are {gap} {unit} apart (within {spec.within})"
    return ProximityOutcome((), "too_far", (first[0], second[1]), detail)
