"""Regex rules, with a literal anchor that lets most texts skip the regex entirely."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["RegexSpec", "compile_regex_rule", "regex_anchors"]

try:  # The parser is private; without it the prefilter is simply off.
    from re import _constants as _sre
    from re import _parser as _sre_parse
except ImportError:  # pragma: no cover - only on Pythons that move the parser again
    _sre = None  # type: ignore[assignment]
    _sre_parse = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class RegexSpec:
    """A compiled regex rule. ``anchors``: one of them occurs in every match (``None``: unknown)."""

    rule_id: str
    code: str
    lang: str
    regex: re.Pattern[str]
    anchors: tuple[str, ...] | None

    def may_match(self, text: str) -> bool:
        """Cheap necessary condition for a match in ``text``."""
        return self.anchors is None or any(a in text for a in self.anchors)


def compile_regex_rule(rule_id: str, code: str, lang: str, pattern: str) -> RegexSpec:
    """Compile one regex rule and derive its prefilter anchors."""
    return RegexSpec(rule_id, code, lang, re.compile(pattern), regex_anchors(pattern))


def regex_anchors(pattern: str) -> tuple[str, ...] | None:
    """Literal strings one of which must occur in any match of ``pattern``.

    Walks the parsed pattern and, among the parts every match must contain (literal runs,
    classes of literal characters, branches whose arms all have anchors, repeats of at
    least one), keeps the most selective: longest shortest alternative, then fewest
    alternatives. Returns ``None`` when no such part is known (e.g. ``\\d+``, or
    case-insensitive patterns), in which case the regex runs on every text.

    Examples
    --------
    >>> regex_anchors("(省|市|县)长.{0,4}(批示|过问)")
    ('批示', '过问')
    >>> regex_anchors(r"\\d+") is None
    True
    """
    if _sre_parse is None:  # pragma: no cover
        return None
    try:
        parsed = _sre_parse.parse(pattern)
    except Exception:  # invalid patterns are reported by re.compile, not here
        return None
    if parsed.state.flags & _sre.SRE_FLAG_IGNORECASE:
        return None
    found = _required(list(parsed))
    return tuple(sorted(found)) if found else None


def _score(alternatives: frozenset[str]) -> tuple[int, int]:
    return (min(len(a) for a in alternatives), -len(alternatives))


def _required(items: list[tuple[object, object]]) -> frozenset[str] | None:
    # Every match of the sequence ``items`` contains at least one string of the result.
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _sre.LITERAL:
            run.append(chr(av))  # type: ignore[arg-type]
            continue
        if run:
            candidates.append(frozenset(["".join(run)]))
            run = []
        sub = _required_one(op, av)
        if sub:
            candidates.append(sub)
    if run:
        candidates.append(frozenset(["".join(run)]))
    return max(candidates, key=_score) if candidates else None


def _required_one(op: object, av: object) -> frozenset[str] | None:
    if op is _sre.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av  # type: ignore[misc]
        if add_flags & _sre.SRE_FLAG_IGNORECASE:
            return None
        return _required(list(sub))
    if op is _sre.ATOMIC_GROUP:
        return _required(list(av))  # type: ignore[call-overload]
    if op is _sre.BRANCH:
        arms = [_required(list(arm)) for arm in av[1]]  # type: ignore[index]
        if any(not arm for arm in arms):
            return None
        return frozenset().union(*arms)  # type: ignore[arg-type]
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        low, _high, sub = av  # type: ignore[misc]
        return _required(list(sub)) if low >= 1 else None
    if op is _sre.IN:
        members = list(av)  # type: ignore[call-overload]
        if members and all(m_op is _sre.LITERAL for m_op, _ in members):
            return frozenset(chr(v) for _, v in members)
    return None
