"""What the rule engine returns: hits, near misses, explanations, and hit reduction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["RULE_KINDS", "Explanation", "Hit", "NearMiss", "reduce_hits"]

RuleKind = Literal["keyword", "pattern", "regex", "proximity"]
RULE_KINDS: tuple[str, ...] = ("keyword", "pattern", "regex", "proximity")
_KIND_RANK = {kind: i for i, kind in enumerate(RULE_KINDS)}


@dataclass(frozen=True, slots=True)
class Hit:
    """One rule firing on one span of a text.

    ``start``/``end`` are code-point offsets into the text the rules ran on
    (``text[start:end] == matched_text``). ``rule_id`` follows the codebook scheme
    (``CODE#kw``, ``CODE#pattern2``, ``CODE#regex1``, ``CODE#prox1``); a hit recoded by a
    polarity rule has ``code`` = the paired dilemma, ``flipped_from`` = the strategy code it
    was found for, ``rule_id`` ending in ``!neg``, and a span that starts at the negation cue
    (``"没有纳入考核"``), so the coded text shows the evidence for the dilemma.
    """

    code: str
    start: int
    end: int
    matched_text: str
    rule_id: str
    rule_kind: RuleKind
    flipped_from: str | None = None


NearMissReason = Literal["excluded", "negated", "one_side", "too_far"]


@dataclass(frozen=True, slots=True)
class NearMiss:
    """A rule that almost assigned ``code`` and why it did not.

    ``reason`` is ``"excluded"`` (an exclusion phrase overlapped the hit), ``"negated"``
    (a negation cue recoded it to the paired dilemma, which is then among the hits),
    ``"one_side"`` (a proximity rule found terms of only one side) or ``"too_far"`` (a
    proximity rule found both sides, but not within its window or sentence). ``detail``
    says which phrase, cue or distance.
    """

    code: str
    start: int
    end: int
    matched_text: str
    rule_id: str
    rule_kind: RuleKind
    reason: NearMissReason
    detail: str


@dataclass(frozen=True, slots=True)
class Explanation:
    """Everything the rules did on one text: the hits that fired and the near misses."""

    text: str
    lang: str
    hits: tuple[Hit, ...]
    near_misses: tuple[NearMiss, ...]

    def codes(self) -> list[str]:
        """Codes assigned by the hits, in order of first appearance."""
        return list(dict.fromkeys(h.code for h in self.hits))


def _preference(hit: Hit) -> tuple[int, int, int, str]:
    # Which hit stands for a group: the earliest, then keyword before pattern before regex
    # before proximity (the most literal evidence first), then the rule id.
    return (hit.start, _KIND_RANK[hit.rule_kind], hit.end, hit.rule_id)


def reduce_hits(hits: Iterable[Hit], *, per: Literal["span", "code"] = "span") -> list[Hit]:
    """Keep one hit per (code, span) or per code.

    The engine reports every rule that fired, so the same code can be hit twice on
    overlapping or identical spans by different rules (distinct audit records). Storing
    codings usually wants one coding per code and span, or one per code and segment.

    Parameters
    ----------
    hits
        Hits of one text (segment), as returned by ``apply_rules``.
    per
        ``"span"``: one hit per (code, start, end). ``"code"``: one hit per code, i.e. one
        coding per (segment, code) when ``hits`` are one segment's hits.

    Returns
    -------
    list of Hit
        For each group the earliest hit, preferring keyword over pattern over regex over
        proximity evidence at the same start; sorted by (start, end, code, rule_id).
    """
    if per not in ("span", "code"):
        raise ValueError(f"per must be 'span' or 'code', not {per!r}")
    best: dict[tuple[str, int, int] | tuple[str], Hit] = {}
    for hit in hits:
        key: tuple[str, int, int] | tuple[str] = (
            (hit.code, hit.start, hit.end) if per == "span" else (hit.code,)
        )
        kept = best.get(key)
        if kept is None or _preference(hit) < _preference(kept):
            best[key] = hit
    return sorted(best.values(), key=lambda h: (h.start, h.end, h.code, h.rule_id))
