"""Proximity rules: a term of side a and a term of side b close together or in one sentence."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from casekit.coding.keywords import count_words

__all__ = ["ProximityOutcome", "ProximitySpec", "evaluate_proximity", "zh_sentence_ends"]

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
    by_start = sorted(b_spans)
    starts = [s for s, _ in by_start]
    by_end = sorted(b_spans, key=lambda sp: (sp[1], sp[0]))
    ends = [e for _, e in by_end]
    sents = sentence_ends() if spec.same == "sentence" else []

    def sentence_of(pos: int) -> int:
        return bisect_right(sents, pos)

    # For each b-term the closest qualifying a-term: (gap, first, second) keyed by the b span.
    pairs: dict[Span, tuple[int, Span, Span]] = {}
    nearest_miss: tuple[int, Span, Span] | None = None
    for a in sorted(a_spans):
        candidates: list[tuple[int, Span, Span]] = []  # (gap, first, second)
        i = bisect_left(starts, a[1])
        if i < len(by_start):
            b = by_start[i]
            candidates.append((_gap(text, a, b, spec.lang), a, b))
        j = bisect_right(ends, a[0]) - 1
        if j >= 0:
            b = by_end[j]
            candidates.append((_gap(text, b, a, spec.lang), b, a))
        for gap, first, second in sorted(candidates):
            if spec.same == "sentence":
                ok = sentence_of(first[0]) == sentence_of(second[1] - 1)
            else:
                ok = spec.within is not None and gap <= spec.within
            if ok:
                b = second if first == a else first
                if b not in pairs or gap < pairs[b][0]:
                    pairs[b] = (gap, first, second)
                break
            if nearest_miss is None or gap < nearest_miss[0]:
                nearest_miss = (gap, first, second)
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
