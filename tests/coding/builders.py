"""Small hand-built codebooks for the rule-engine tests."""

from __future__ import annotations

from typing import Any

from casekit.codebook.model import Code, Codebook, Negation, Rules


def code(
    code_id: str,
    family: str = "element",
    *,
    parent: str | None = None,
    examples: tuple[str, ...] = (),
    counterexamples: tuple[str, ...] = (),
    **rules: Any,
) -> Code:
    """A code named after its id, with ``rules`` passed to :class:`Rules`."""
    return Code(
        id=code_id,
        family=family,
        names={"zh": code_id, "en": code_id},
        parent=parent,
        examples=examples,
        counterexamples=counterexamples,
        rules=Rules(**rules),
    )


def codebook(*codes: Code, negation: Negation | None = None) -> Codebook:
    return Codebook(
        id="TEST",
        version="1",
        languages=("zh", "en"),
        codes={c.id: c for c in codes},
        negation=negation or Negation(),
    )
