"""Regex rules, with a literal anchor that lets most texts skip the regex entirely."""

from __future__ import annotations

import importlib
import re
from dataclasses import dataclass
from typing import Any

from casekit.coding.keywords import fold_en

__all__ = ["RegexSpec", "compile_regex_rule", "regex_anchors"]

_sre: Any
_sre_parse: Any
try:  # The parser is private (re._parser since 3.11); without it the prefilter is off.
    _sre = importlib.import_module("re._constants")
    _sre_parse = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - only on Pythons that move the parser again
    _sre = None
    _sre_parse = None


@dataclass(frozen=True, slots=True)
class RegexSpec:
    """A compiled regex rule.

    One of ``anchors`` occurs in every match (``None``: unknown). For a case-insensitive
    regex (``folded``) the anchors are lower-case and occur in ``fold_en(text)``.
    """

    rule_id: str
    code: str
    lang: str
    regex: re.Pattern[str]
    anchors: tuple[str, ...] | None
    folded: bool = False

    def may_match(self, text: str, folded_text: str | None = None) -> bool:
        """Cheap necessary condition for a match in ``text`` (``folded_text``: its fold_en)."""
        if self.anchors is None:
            return True
        if self.folded:
            haystack = folded_text if folded_text is not None else fold_en(text)
        else:
            haystack = text
        return any(a in haystack for a in self.anchors)


def compile_regex_rule(rule_id: str, code: str, lang: str, pattern: str) -> RegexSpec:
    """Compile one regex rule and derive its prefilter anchors."""
    anchors, folded = _anchors(pattern)
    return RegexSpec(rule_id, code, lang, re.compile(pattern), anchors, folded)


def regex_anchors(pattern: str) -> tuple[str, ...] | None:
    """Literal strings one of which must occur in any match of ``pattern``.

    Walks the parsed pattern and, among the parts every match must contain (runs of parts
    that match a few exact strings, combined into their products; branches whose arms all
    have anchors; repeats of at least one), keeps the most selective: longest shortest
    alternative, then fewest alternatives. Returns ``None`` when no such part is known (e.g. ``\\d+``), in which
    case the regex runs on every text. For a case-insensitive pattern the anchors are
    lower-cased and must be ASCII (so that ``fold_en`` of a matching text contains them).

    Examples
    --------
    >>> regex_anchors("(省|市|县)长.{0,4}(批示|过问)")
    ('批示', '过问')
    >>> regex_anchors("(?i)(Passed|sent) on")
    ('passed on', 'sent on')
    >>> regex_anchors(r"\\d+") is None
    True
    """
    return _anchors(pattern)[0]


def _anchors(pattern: str) -> tuple[tuple[str, ...] | None, bool]:
    if _sre_parse is None:  # pragma: no cover
        return None, False
    try:
        parsed = _sre_parse.parse(pattern)
    except Exception:  # invalid patterns are reported by re.compile, not here
        return None, False
    ignorecase = bool(parsed.state.flags & _sre.SRE_FLAG_IGNORECASE) or _has_local_ignorecase(
        list(parsed)
    )
    found = _required(list(parsed))
    if not found:
        return None, False
    if not ignorecase:
        return tuple(sorted(found)), False
    if not all(a.isascii() for a in found):
        return None, False
    return tuple(sorted({a.lower() for a in found})), True


def _has_local_ignorecase(items: list[tuple[Any, Any]]) -> bool:
    for op, av in items:
        if op is _sre.SUBPATTERN:
            _group, add_flags, _del_flags, sub = av
            if add_flags & _sre.SRE_FLAG_IGNORECASE or _has_local_ignorecase(list(sub)):
                return True
        elif op is _sre.BRANCH:
            if any(_has_local_ignorecase(list(arm)) for arm in av[1]):
                return True
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            if _has_local_ignorecase(list(av[2])):
                return True
        elif op is _sre.ATOMIC_GROUP and _has_local_ignorecase(list(av)):
            return True
    return False


def _score(alternatives: frozenset[str]) -> tuple[int, int]:
    return (min(len(a) for a in alternatives), -len(alternatives))


# Adjacent parts that each match one of a few exact strings are combined into their
# products ("(让|叫)我们" -> 让我们, 叫我们) while there are at most this many.
_MAX_PRODUCT = 64


def _exact(op: Any, av: Any) -> frozenset[str] | None:
    # The finite set of strings this item matches, if it is one (no wildcards, no loops).
    if op is _sre.LITERAL:
        return frozenset([chr(av)])
    if op is _sre.IN:
        members = list(av)
        if members and all(m_op is _sre.LITERAL for m_op, _ in members):
            return frozenset(chr(v) for _, v in members)
        return None
    if op is _sre.SUBPATTERN:
        return _exact_seq(list(av[3]))
    if op is _sre.BRANCH:
        union: set[str] = set()
        for arm in av[1]:
            strings = _exact_seq(list(arm))
            if strings is None:
                return None
            union |= strings
        return frozenset(union) if len(union) <= _MAX_PRODUCT else None
    return None


def _exact_seq(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    out = frozenset([""])
    for op, av in items:
        part = _exact(op, av)
        if part is None or len(out) * len(part) > _MAX_PRODUCT:
            return None
        out = frozenset(a + b for a in out for b in part)
    return out


def _required(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    # Every match of the sequence ``items`` contains at least one string of the result.
    candidates: list[frozenset[str]] = []
    run: frozenset[str] | None = None  # product of the current stretch of exact parts
    for op, av in items:
        part = _exact(op, av)
        if part is not None and "" not in part:
            if run is not None and len(run) * len(part) <= _MAX_PRODUCT:
                run = frozenset(a + b for a in run for b in part)
            else:
                if run is not None:
                    candidates.append(run)
                run = part
            continue
        if run is not None:
            candidates.append(run)
            run = None
        sub = _required_one(op, av)
        if sub:
            candidates.append(sub)
    if run is not None:
        candidates.append(run)
    return max(candidates, key=_score) if candidates else None


def _required_one(op: Any, av: Any) -> frozenset[str] | None:
    if op is _sre.SUBPATTERN:
        return _required(list(av[3]))
    if op is _sre.ATOMIC_GROUP:
        return _required(list(av))
    if op is _sre.BRANCH:
        alternatives: set[str] = set()
        for arm in av[1]:
            required = _required(list(arm))
            if not required:
                return None
            alternatives |= required
        return frozenset(alternatives)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        low, _high, sub = av
        return _required(list(sub)) if low >= 1 else None
    return None
