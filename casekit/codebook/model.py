"""The typed codebook tree that ``load_codebook`` returns and the rule engine compiles."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

__all__ = [
    "DEFAULT_NEGATION_CUES",
    "DEFAULT_NEGATION_WINDOW",
    "FAMILY_COLORS",
    "Code",
    "Codebook",
    "Negation",
    "PatternRule",
    "ProximityRule",
    "RegexRule",
    "Rules",
    "family_color",
]

Lang = Literal["zh", "en"]

# Negation cues used by polarity rules when the codebook does not configure its own.
DEFAULT_NEGATION_CUES: dict[str, tuple[str, ...]] = {
    "zh": (
        "缺乏",
        "缺少",
        "没有",
        "没",
        "未",
        "不足",
        "不够",
        "难以",
        "无法",
        "尚未",
        "并未",
        "不到位",
        "不健全",
        "不完善",
    ),
    "en": (
        "lack of",
        "lacks",
        "lacking",
        "no",
        "not",
        "without",
        "insufficient",
        "weak",
        "never",
        "absence of",
    ),
}
# How far before a strategy term a cue may stand: characters for zh, words for en.
DEFAULT_NEGATION_WINDOW: dict[str, int] = {"zh": 6, "en": 3}

# One colour per code family, the same in every export and figure (Paul Tol's "bright"
# scheme: colour-blind safe and distinguishable in greyscale print).
FAMILY_COLORS: dict[str, str] = {
    "element": "#4477AA",
    "dilemma": "#EE6677",
    "strategy": "#228833",
    "mechanism": "#CCBB44",
}
# User-defined families draw from the rest of the scheme, chosen by a hash of the name.
_EXTRA_FAMILY_COLORS: tuple[str, ...] = ("#66CCEE", "#AA3377", "#BBBBBB")


def family_color(family: str) -> str:
    """The ``#RRGGBB`` colour of a code family; deterministic for user-defined families too."""
    if family in FAMILY_COLORS:
        return FAMILY_COLORS[family]
    digest = hashlib.sha256(family.encode("utf-8")).digest()
    return _EXTRA_FAMILY_COLORS[digest[0] % len(_EXTRA_FAMILY_COLORS)]


@dataclass(frozen=True)
class PatternRule:
    """A spaCy ``Matcher`` token pattern (list of token dicts) for one language."""

    rule_id: str
    lang: str
    pattern: tuple[dict[str, Any], ...]
    line: int | None = None


@dataclass(frozen=True)
class RegexRule:
    """A Python regular expression; ``lang`` is ``zh``, ``en`` or ``any``."""

    rule_id: str
    lang: str
    pattern: str
    line: int | None = None


@dataclass(frozen=True)
class ProximityRule:
    """Fires when a term of ``a`` and a term of ``b`` occur close together.

    ``within`` is the largest gap between the two terms: characters for ``zh``, words for
    ``en``. ``same == "sentence"`` instead requires both terms in one sentence.
    """

    rule_id: str
    lang: str
    a: tuple[str, ...]
    b: tuple[str, ...]
    within: int | None = None
    same: Literal["sentence"] | None = None
    line: int | None = None


@dataclass(frozen=True)
class Rules:
    """Everything that can make the automatic coder assign one code."""

    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: tuple[PatternRule, ...] = ()
    regexes: tuple[RegexRule, ...] = ()
    proximity: tuple[ProximityRule, ...] = ()
    exclusions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Polarity: when a negation cue precedes a hit of this (strategy) code, code ``negated``
    # (its paired dilemma) instead.
    negated: str | None = None

    def is_empty(self) -> bool:
        return not (any(self.keywords.values()) or self.patterns or self.regexes or self.proximity)


@dataclass(frozen=True)
class Code:
    """One node of the hierarchy; categories are codes with children."""

    id: str
    family: str
    names: dict[str, str]
    parent: str | None = None
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    color: str | None = None
    rules: Rules = field(default_factory=Rules)
    line: int | None = None

    def name(self, lang: str = "en") -> str:
        """The name in ``lang``, falling back to any other language."""
        return self.names.get(lang) or next(iter(self.names.values()), self.id)


@dataclass(frozen=True)
class Negation:
    """Negation cues and windows per language, used by polarity rules."""

    cues: dict[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_NEGATION_CUES))
    window: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_NEGATION_WINDOW))


@dataclass(frozen=True)
class Codebook:
    """A validated codebook. ``codes`` is ordered depth-first as written in the file."""

    id: str
    version: str
    languages: tuple[str, ...]
    codes: dict[str, Code]
    title: dict[str, str] = field(default_factory=dict)
    description: str = ""
    negation: Negation = field(default_factory=Negation)
    references: dict[str, str] = field(default_factory=dict)
    path: str | None = None

    # -- hierarchy -----------------------------------------------------------------
    def __iter__(self) -> Iterator[Code]:
        return iter(self.codes.values())

    def __len__(self) -> int:
        return len(self.codes)

    def __contains__(self, code_id: object) -> bool:
        return code_id in self.codes

    def roots(self) -> list[Code]:
        return [c for c in self.codes.values() if c.parent is None]

    def children(self, code_id: str) -> list[Code]:
        return [c for c in self.codes.values() if c.parent == code_id]

    def ancestors(self, code_id: str) -> list[str]:
        """Parent ids from the nearest up to the root."""
        out: list[str] = []
        parent = self.codes[code_id].parent
        while parent is not None:
            out.append(parent)
            parent = self.codes[parent].parent
        return out

    def level(self, code_id: str) -> int:
        """1 for top-level categories, 2 for their children, and so on."""
        return len(self.ancestors(code_id)) + 1

    def at_level(self, code_id: str, level: int) -> str:
        """The ancestor (or the code itself) at hierarchy ``level``; used to roll codes up."""
        chain = [code_id, *self.ancestors(code_id)]  # nearest first
        depth = len(chain)
        return chain[depth - level] if level < depth else code_id

    def leaves(self) -> list[Code]:
        parents = {c.parent for c in self.codes.values()}
        return [c for c in self.codes.values() if c.id not in parents]

    def codes_with_rules(self) -> list[Code]:
        return [c for c in self.codes.values() if not c.rules.is_empty()]

    # -- identity ------------------------------------------------------------------
    def content(self) -> dict[str, Any]:
        """Plain, JSON-serialisable content (no file path, no line numbers)."""

        def strip_lines(obj: Any) -> Any:
            if isinstance(obj, dict):
                return {k: strip_lines(v) for k, v in obj.items() if k != "line"}
            if isinstance(obj, list | tuple):
                return [strip_lines(v) for v in obj]
            return obj

        return strip_lines(
            {
                "id": self.id,
                "version": self.version,
                "languages": list(self.languages),
                "title": self.title,
                "description": self.description,
                "negation": asdict(self.negation),
                "references": self.references,
                "codes": [asdict(c) for c in self.codes.values()],
            }
        )

    @property
    def content_hash(self) -> str:
        """A stable 12-hex-digit hash of the content; stored with every coding made from it."""
        blob = json.dumps(self.content(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]
