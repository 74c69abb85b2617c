"""Cross-reference checks on a parsed codebook: ids, parents, cycles, rules, references."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from casekit.codebook.model import PatternRule, ProximityRule, RegexRule
from casekit.errors import Problem

__all__ = [
    "CODE_ID_RE",
    "DraftCode",
    "Hierarchy",
    "check_duplicate_ids",
    "check_keywords",
    "check_patterns",
    "check_polarity",
    "check_references",
    "check_regexes",
    "resolve_hierarchy",
]

# Code ids are dotted upper-case ASCII labels; they are stored with every coding, so they
# must survive file names, CSV headers and spreadsheet formulas unchanged.
CODE_ID_RE = re.compile(r"^[A-Z][A-Z0-9_]*(\.[A-Z0-9_]+)*$")


@dataclass
class DraftCode:
    """One code as read from the file, with the line of every part a check may point at."""

    id: str
    line: int
    id_line: int
    names: dict[str, str] = field(default_factory=dict)
    family: str | None = None
    family_line: int | None = None
    nest_parent: str | None = None
    parent: str | None = None
    parent_line: int | None = None
    definition: str = ""
    include: str = ""
    exclude: str = ""
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    source: tuple[str, ...] = ()
    refs: list[tuple[str, int]] = field(default_factory=list)
    color: str | None = None
    keywords: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    exclusions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    patterns: list[PatternRule] = field(default_factory=list)
    # Line of each pattern's token dicts, so a spaCy complaint about token i points at it.
    pattern_token_lines: list[list[int]] = field(default_factory=list)
    regexes: list[RegexRule] = field(default_factory=list)
    proximity: list[ProximityRule] = field(default_factory=list)
    negated: str | None = None
    negated_line: int | None = None


@dataclass
class Hierarchy:
    """Resolved parents and families, and the depth-first order of the codes."""

    parents: dict[str, str | None]
    families: dict[str, str | None]
    order: list[DraftCode]


def _error(path: str, line: int | None, message: str) -> Problem:
    return Problem(path, line, message, "error")


def _warning(path: str, line: int | None, message: str) -> Problem:
    return Problem(path, line, message, "warning")


def check_duplicate_ids(drafts: Iterable[DraftCode], path: str) -> list[Problem]:
    """Report every code whose id was already used, naming the line of the first one."""
    first: dict[str, int] = {}
    problems = []
    for draft in drafts:
        if draft.id in first:
            problems.append(
                _error(
                    path,
                    draft.id_line,
                    f"duplicate code id '{draft.id}' (first defined at line {first[draft.id]})",
                )
            )
        else:
            first[draft.id] = draft.id_line
    return problems


def resolve_hierarchy(drafts: list[DraftCode], path: str) -> tuple[Hierarchy, list[Problem]]:
    """Set each code's parent (nesting or ``parent:``), inherit families, find cycles.

    Parameters
    ----------
    drafts
        Codes in file order (nested codes follow their parent).
    path
        The file name used in problems.

    Returns
    -------
    tuple
        The hierarchy (codes ordered depth-first: roots in file order, each followed by its
        descendants in file order) and the problems found.
    """
    problems: list[Problem] = []
    by_id: dict[str, DraftCode] = {}
    for draft in drafts:
        by_id.setdefault(draft.id, draft)

    parents: dict[str, str | None] = {}
    orphans: set[str] = set()  # codes whose parent is unknown: no family error on top
    for draft in drafts:
        if draft.id in parents:  # a duplicate id, reported elsewhere
            continue
        parent = draft.nest_parent
        if draft.parent is not None:
            if draft.nest_parent is not None and draft.parent != draft.nest_parent:
                problems.append(
                    _error(
                        path,
                        draft.parent_line,
                        f"parent '{draft.parent}' of {draft.id} disagrees with its nesting "
                        f"under '{draft.nest_parent}'",
                    )
                )
            elif draft.parent not in by_id:
                problems.append(
                    _error(
                        path, draft.parent_line, f"unknown parent '{draft.parent}' of {draft.id}"
                    )
                )
                orphans.add(draft.id)
                parent = None
            else:
                parent = draft.parent
        parents[draft.id] = parent

    in_cycle = _find_cycles(drafts, parents, by_id, path, problems)

    families: dict[str, str | None] = {}

    def family_of(code_id: str) -> str | None:
        if code_id not in families:
            families[code_id] = None  # guards against cycles while recursing
            draft = by_id[code_id]
            parent = parents[code_id]
            if draft.family is not None:
                families[code_id] = draft.family
            elif parent is not None and code_id not in in_cycle:
                families[code_id] = family_of(parent)
        return families[code_id]

    for draft in drafts:
        if by_id[draft.id] is not draft:
            continue
        if family_of(draft.id) is None and parents[draft.id] is None and draft.id not in orphans:
            problems.append(
                _error(
                    path,
                    draft.line,
                    f"missing required key 'family' in code {draft.id} "
                    "(required on top-level codes; children inherit it)",
                )
            )

    children: dict[str | None, list[DraftCode]] = {}
    for draft in drafts:
        if by_id[draft.id] is draft:
            children.setdefault(parents[draft.id], []).append(draft)
    order: list[DraftCode] = []

    def visit(draft: DraftCode) -> None:
        order.append(draft)
        for child in children.get(draft.id, []):
            visit(child)

    for root in children.get(None, []):
        visit(root)
    return Hierarchy(parents, families, order), problems


def _find_cycles(
    drafts: list[DraftCode],
    parents: dict[str, str | None],
    by_id: dict[str, DraftCode],
    path: str,
    problems: list[Problem],
) -> set[str]:
    """Report each cycle through ``parent`` once, at the line of its first code in the file."""
    position = {d.id: i for i, d in reversed(list(enumerate(drafts)))}
    done: set[str] = set()
    in_cycle: set[str] = set()
    for draft in drafts:
        trail: list[str] = []
        current: str | None = draft.id
        while current is not None and current not in done and current not in trail:
            trail.append(current)
            current = parents.get(current)
        if current is not None and current in trail:
            cycle = trail[trail.index(current) :]
            start = min(range(len(cycle)), key=lambda i: position[cycle[i]])
            cycle = cycle[start:] + cycle[:start]
            in_cycle.update(cycle)
            first = by_id[cycle[0]]
            chain = " -> ".join([*cycle, cycle[0]])
            problems.append(_error(path, first.parent_line or first.line, f"parent cycle: {chain}"))
        done.update(trail)
    return in_cycle


def check_regexes(drafts: Iterable[DraftCode], path: str) -> list[Problem]:
    """Compile every regex; one that cannot compile or matches the empty string is an error."""
    problems = []
    for draft in drafts:
        for rule in draft.regexes:
            try:
                compiled = re.compile(rule.pattern)
            except (re.error, OverflowError, RecursionError) as exc:  # a{99999999999} overflows
                problems.append(_error(path, rule.line, f"invalid regex in {rule.rule_id}: {exc}"))
                continue
            if compiled.search("") is not None:
                problems.append(
                    _error(
                        path,
                        rule.line,
                        f"regex in {rule.rule_id} matches the empty string, so it would code "
                        "every segment",
                    )
                )
    return problems


_SPACY_TOKEN_INDEX = re.compile(r"^\[pattern -> (\d+)")


def check_patterns(drafts: Iterable[DraftCode], path: str) -> list[Problem]:
    """Validate spaCy token patterns with spaCy's own schema and ``Matcher``.

    spaCy is imported only when the codebook has patterns, so loading a keyword-only
    codebook stays fast.
    """
    jobs = [
        (rule, lines)
        for d in drafts
        for rule, lines in zip(d.patterns, d.pattern_token_lines, strict=True)
    ]
    if not jobs:
        return []
    from spacy.matcher import Matcher
    from spacy.schemas import validate_token_pattern
    from spacy.vocab import Vocab

    matcher = Matcher(Vocab(), validate=False)
    problems = []
    for rule, token_lines in jobs:
        messages = validate_token_pattern(list(rule.pattern))
        line = rule.line
        if messages:
            found = _SPACY_TOKEN_INDEX.match(messages[0])
            if found and int(found.group(1)) < len(token_lines):
                line = token_lines[int(found.group(1))]
            detail = "; ".join(messages)
        else:
            # The schema does not compile REGEX predicates; adding the pattern does.
            try:
                matcher.add(rule.rule_id, [list(rule.pattern)])
                continue
            except Exception as exc:  # spaCy raises several types here
                detail = str(exc).strip().splitlines()[0]
        problems.append(_error(path, line, f"invalid spaCy pattern in {rule.rule_id}: {detail}"))
    return problems


def check_polarity(
    drafts: Iterable[DraftCode], families: dict[str, str | None], path: str
) -> list[Problem]:
    """``polarity.negated`` must name another existing code; polarity belongs on strategies."""
    drafts = list(drafts)
    ids = {d.id for d in drafts}
    problems = []
    for draft in drafts:
        if draft.negated is None:
            continue
        if draft.negated == draft.id:
            problems.append(
                _error(path, draft.negated_line, f"polarity of {draft.id} negates the code itself")
            )
        elif draft.negated not in ids:
            problems.append(
                _error(
                    path,
                    draft.negated_line,
                    f"polarity of {draft.id} names unknown code '{draft.negated}'",
                )
            )
        family = families.get(draft.id)
        if family is not None and family != "strategy":
            problems.append(
                _warning(
                    path,
                    draft.negated_line,
                    f"polarity on {draft.id} (family '{family}'); polarity is meant for "
                    "strategy codes",
                )
            )
    return problems


def check_references(
    drafts: Iterable[DraftCode], references: dict[str, str], path: str
) -> list[Problem]:
    """Warn about ``refs`` entries that are not keys of ``references``."""
    return [
        _warning(path, line, f"unknown reference '{ref}' in {draft.id} (not under references)")
        for draft in drafts
        for ref, line in draft.refs
        if ref not in references
    ]


def check_keywords(drafts: Iterable[DraftCode], path: str) -> list[Problem]:
    """Warn about a keyword listed twice in one code or under two codes in one language.

    English keywords are compared case-folded, because matching ignores case.
    """
    seen: dict[tuple[str, str], tuple[str, int]] = {}
    problems = []
    for draft in drafts:
        for lang, keywords in draft.keywords.items():
            for keyword, line in keywords:
                key = (lang, keyword.casefold() if lang == "en" else keyword)
                if key not in seen:
                    seen[key] = (draft.id, line)
                    continue
                other, other_line = seen[key]
                if other == draft.id:
                    message = (
                        f"keyword '{keyword}' ({lang}) is listed twice in {draft.id} "
                        f"(first at line {other_line})"
                    )
                else:
                    message = (
                        f"keyword '{keyword}' ({lang}) of {draft.id} is also listed under "
                        f"{other} (line {other_line})"
                    )
                problems.append(_warning(path, line, message))
    return problems
