"""spaCy token-pattern rules: a literal prefilter, validation, and the (lazily built) Matcher."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from casekit.coding.keywords import fold_en, word_forms

if TYPE_CHECKING:
    from spacy.matcher import Matcher
    from spacy.vocab import Vocab

__all__ = [
    "PatternSpec",
    "build_matcher",
    "pattern_anchors",
    "pattern_prefilter",
    "validate_pattern",
]

# Token attributes whose literal values must appear in the text for the token to match.
_LITERAL_ATTRS = ("ORTH", "TEXT", "LOWER", "LEMMA")
_COUNT_OP = re.compile(r"^\{\s*(\d*)\s*(,\s*\d*\s*)?\}$")


@dataclass(frozen=True, slots=True)
class PatternSpec:
    """A token pattern rule and its prefilter.

    ``anchors`` has one group per token the pattern cannot do without; a text can match only
    if, for every group, one of its strings occurs in ``fold_en(text)``. No groups means the
    prefilter cannot rule anything out, so the Doc is built for every text.
    """

    rule_id: str
    code: str
    lang: str
    pattern: tuple[dict[str, Any], ...]
    anchors: tuple[tuple[str, ...], ...]
    # The anchors in pattern order, adjacent where their tokens are (see pattern_prefilter).
    sequence: re.Pattern[str] | None = None

    def may_match(self, folded: str) -> bool:
        """Cheap necessary condition for a match; ``folded`` is ``fold_en(text)``."""
        if not all(any(a in folded for a in group) for group in self.anchors):
            return False
        return self.sequence is None or self.sequence.search(folded) is not None


def _min_count(op: Any) -> int:
    if op is None or op == "+" or op == "1":
        return 1
    if op in ("?", "*", "!"):  # "!" requires the token *not* to match: no anchor
        return 0
    m = _COUNT_OP.match(str(op))
    if m is None:
        return 0
    return int(m.group(1)) if m.group(1) else 0


def _values(value: Any) -> list[str] | None:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        members = value.get("IN")
        if isinstance(members, list) and members and all(isinstance(v, str) for v in members):
            return members
    return None


def _token_literals(token: dict[str, Any], lang: str) -> tuple[str, ...] | None:
    # The folded strings one of which is the text of any token matching ``token``.
    attrs = {str(k).upper(): v for k, v in token.items()}
    for attr in _LITERAL_ATTRS:
        values = _values(attrs.get(attr))
        if values is None:
            continue
        if attr == "LEMMA" and lang == "en":
            values = [form for v in values for form in word_forms(v)]
        return tuple(sorted({fold_en(v) for v in values}))
    return None


def _op(token: dict[str, Any]) -> Any:
    return next((v for k, v in token.items() if str(k).upper() == "OP"), None)


def pattern_anchors(pattern: tuple[dict[str, Any], ...], lang: str) -> tuple[tuple[str, ...], ...]:
    """Literal prefilter groups for a token pattern (see :class:`PatternSpec`).

    A required token (no ``OP``, ``+`` or a count of at least one) contributes the values of
    its first literal attribute among ORTH, TEXT, LOWER, LEMMA (a string or ``{"IN": [...]}``).
    English LEMMA values are expanded to every form with that lemma in spaCy's lookup table.
    """
    groups: list[tuple[str, ...]] = []
    for token in pattern:
        if _min_count(_op(token)) < 1:
            continue
        literals = _token_literals(token, lang)
        if literals is not None:
            groups.append(literals)
    return tuple(groups)


def pattern_prefilter(pattern: tuple[dict[str, Any], ...], lang: str) -> re.Pattern[str] | None:
    """A regex over ``fold_en(text)`` that every text the pattern matches also matches.

    Required literal tokens become alternations of their strings, in pattern order.
    Two such tokens next to each other in the pattern can only be separated by whitespace
    in the text (spaCy tokens are contiguous); any other token (no literal, optional,
    negated) may stand for any stretch of text. ``None`` when fewer than two tokens have
    literals (the anchor groups then say as much).
    """
    pieces: list[str | None] = []  # None: any stretch of text
    n_literal = 0
    for token in pattern:
        op = _op(token)
        literals = _token_literals(token, lang)
        if literals is None or _min_count(op) < 1:
            pieces.append(None)
            continue
        n_literal += 1
        alt = "(?:" + "|".join(re.escape(s) for s in sorted(literals, key=len, reverse=True)) + ")"
        pieces.append(alt)
        if op not in (None, "1"):  # "+" or a count: more tokens of any kind may follow
            pieces.append(None)
    if n_literal < 2:
        return None
    out: list[str] = []
    previous: str | None = None
    for piece in pieces:
        if piece is None:
            if out and previous is not None:
                out.append(r"[\s\S]*?")
        else:
            if out and previous is not None:
                out.append(r"\s*")
            out.append(piece)
        previous = piece
    while out and out[-1] == r"[\s\S]*?":
        out.pop()
    return re.compile("".join(out))


def validate_pattern(pattern: tuple[dict[str, Any], ...]) -> list[str]:
    """spaCy's own validation messages for a token pattern (empty when valid)."""
    from spacy.schemas import validate_token_pattern

    return list(validate_token_pattern(list(pattern)))


def build_matcher(vocab: Vocab, specs: tuple[PatternSpec, ...]) -> Matcher:
    """One Matcher with every pattern, keyed by rule id, keeping the longest match of each."""
    from spacy.matcher import Matcher

    matcher = Matcher(vocab, validate=True)
    for spec in specs:
        matcher.add(spec.rule_id, [list(spec.pattern)], greedy="LONGEST")
    return matcher
