"""Compare two codebook versions: codes added, removed, renamed, moved, redefined, re-ruled."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from casekit.codebook.model import Code, Codebook, Rules

__all__ = [
    "CodeChange",
    "CodebookDiff",
    "diff_codebooks",
    "render_diff",
]

# What counts as the definition of a code for coders (the codebook entry minus rules).
DEFINITION_FIELDS = ("family", "definition", "include", "exclude", "examples", "counterexamples")
# Entry fields that neither coders' decisions nor the rules depend on.
OTHER_FIELDS = ("source", "refs", "color")
# Rule kinds as named in the YAML, in the order the format lists them.
RULE_KINDS = ("keywords", "patterns", "regex", "proximity", "exclusions", "polarity")


@dataclass(frozen=True)
class CodeChange:
    """One changed code. ``old``/``new`` hold the changed values (names, parent ids, ...);
    ``fields`` names what changed (definition fields or rule kinds)."""

    code_id: str
    old: Any = None
    new: Any = None
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodebookDiff:
    """Differences from ``old`` to ``new``; every list is in the new (or old) file's order."""

    old_id: str
    new_id: str
    old_version: str
    new_version: str
    old_hash: str
    new_hash: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    renamed: tuple[CodeChange, ...] = ()  # old/new: the names dicts
    moved: tuple[CodeChange, ...] = ()  # old/new: parent ids (None = top level)
    definition_changed: tuple[CodeChange, ...] = ()  # fields: from DEFINITION_FIELDS
    rules_changed: tuple[CodeChange, ...] = ()  # fields: from RULE_KINDS
    other_changed: tuple[CodeChange, ...] = ()  # fields: from OTHER_FIELDS
    # Codebook-level keys (languages, negation, ...) and "code order".
    settings_changed: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when nothing a coder or the rule engine sees has changed."""
        return not (
            self.added
            or self.removed
            or self.renamed
            or self.moved
            or self.definition_changed
            or self.rules_changed
            or self.other_changed
            or self.settings_changed
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-serialisable form (stable keys; used by ``--format json``)."""
        return asdict(self)


def _rule_kinds(old: Rules, new: Rules) -> tuple[str, ...]:
    def plain(rules: Any) -> Any:
        # Compare content, not the line where a rule happens to sit in the file.
        return [{k: v for k, v in asdict(rule).items() if k != "line"} for rule in rules]

    changed = {
        "keywords": old.keywords != new.keywords,
        "patterns": plain(old.patterns) != plain(new.patterns),
        "regex": plain(old.regexes) != plain(new.regexes),
        "proximity": plain(old.proximity) != plain(new.proximity),
        "exclusions": old.exclusions != new.exclusions,
        "polarity": old.negated != new.negated,
    }
    return tuple(kind for kind in RULE_KINDS if changed[kind])


def diff_codebooks(old: Codebook, new: Codebook) -> CodebookDiff:
    """What changed from one codebook version to the next.

    Codes are matched by id: a changed id is a removal plus an addition.

    Parameters
    ----------
    old, new
        The two codebooks.

    Returns
    -------
    CodebookDiff
        Added and removed ids, renamed codes (same id, changed names), moved codes
        (changed parent), codes whose definition fields or rules changed (naming which
        fields and rule kinds), and changed codebook-level settings.
    """
    common = [code_id for code_id in new.codes if code_id in old.codes]
    renamed, moved, redefined, reruled, other = [], [], [], [], []
    for code_id in common:
        before: Code = old.codes[code_id]
        after: Code = new.codes[code_id]
        if before.names != after.names:
            renamed.append(CodeChange(code_id, dict(before.names), dict(after.names)))
        if before.parent != after.parent:
            moved.append(CodeChange(code_id, before.parent, after.parent))
        fields = tuple(f for f in DEFINITION_FIELDS if getattr(before, f) != getattr(after, f))
        if fields:
            redefined.append(CodeChange(code_id, fields=fields))
        kinds = _rule_kinds(before.rules, after.rules)
        if kinds:
            reruled.append(CodeChange(code_id, fields=kinds))
        fields = tuple(f for f in OTHER_FIELDS if getattr(before, f) != getattr(after, f))
        if fields:
            other.append(CodeChange(code_id, fields=fields))
    settings = [
        key
        for key in ("id", "version", "languages", "title", "description", "negation", "references")
        if getattr(old, key) != getattr(new, key)
    ]
    if [c for c in old.codes if c in new.codes] != common:
        settings.append("code order")
    return CodebookDiff(
        old_id=old.id,
        new_id=new.id,
        old_version=old.version,
        new_version=new.version,
        old_hash=old.content_hash,
        new_hash=new.content_hash,
        added=tuple(code_id for code_id in new.codes if code_id not in old.codes),
        removed=tuple(code_id for code_id in old.codes if code_id not in new.codes),
        renamed=tuple(renamed),
        moved=tuple(moved),
        definition_changed=tuple(redefined),
        rules_changed=tuple(reruled),
        other_changed=tuple(other),
        settings_changed=tuple(settings),
    )


def _names(names: dict[str, str]) -> str:
    return " / ".join(names.values())


def render_diff(diff: CodebookDiff, old: Codebook, new: Codebook) -> str:
    """The diff as text for people, one section per kind of change.

    ``old`` and ``new`` supply the names shown beside added and removed ids.
    """
    lines = [
        f"{diff.old_id} {diff.old_version} (hash {diff.old_hash}) -> "
        f"{diff.new_id} {diff.new_version} (hash {diff.new_hash})"
    ]
    if diff.is_empty:
        lines.append("no differences")
        return "\n".join(lines) + "\n"

    def section(title: str, rows: list[str]) -> None:
        if rows:
            lines.append(f"{title} ({len(rows)}):")
            lines.extend(f"  {row}" for row in rows)

    section("added", [f"+ {c}  {_names(new.codes[c].names)}" for c in diff.added])
    section("removed", [f"- {c}  {_names(old.codes[c].names)}" for c in diff.removed])
    section(
        "renamed",
        [f"~ {ch.code_id}  {_names(ch.old)} -> {_names(ch.new)}" for ch in diff.renamed],
    )
    section(
        "moved",
        [
            f"> {ch.code_id}  {ch.old or '(top level)'} -> {ch.new or '(top level)'}"
            for ch in diff.moved
        ],
    )
    section(
        "definition changed",
        [f"* {ch.code_id}  {', '.join(ch.fields)}" for ch in diff.definition_changed],
    )
    section(
        "rules changed", [f"* {ch.code_id}  {', '.join(ch.fields)}" for ch in diff.rules_changed]
    )
    section(
        "other fields changed",
        [f"* {ch.code_id}  {', '.join(ch.fields)}" for ch in diff.other_changed],
    )
    if diff.settings_changed:
        lines.append(f"codebook settings changed: {', '.join(diff.settings_changed)}")
    return "\n".join(lines) + "\n"
