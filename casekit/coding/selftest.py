"""Codebook self-test: every code's examples must be coded by the rules, counterexamples not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from casekit.codebook.model import Codebook
from casekit.coding.hits import Hit
from casekit.coding.rules import CompiledCodebook, compile_codebook, explain

__all__ = ["ExampleResult", "run_codebook_tests"]


@dataclass(frozen=True, slots=True)
class ExampleResult:
    """The outcome for one example or counterexample of one code.

    ``status`` is ``"pass"``, ``"fail"`` or ``"skip"`` (the code and its descendants have no
    rules and no polarity rule recodes into them, so only human coders can apply it).
    ``reason`` says what fired or why nothing did. ``hits`` are the hits of the code (or its
    descendants) on the text.
    """

    code: str
    kind: Literal["example", "counterexample"]
    text: str
    lang: str
    status: Literal["pass", "fail", "skip"]
    reason: str
    hits: tuple[Hit, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status != "fail"


def _describe(hits: list[Hit] | tuple[Hit, ...], limit: int = 3) -> str:
    parts = [f"{h.code} by {h.rule_id} on {h.matched_text!r}" for h in hits[:limit]]
    if len(hits) > limit:
        parts.append(f"and {len(hits) - limit} more")
    return "; ".join(parts)


def run_codebook_tests(
    codebook: Codebook, *, compiled: CompiledCodebook | None = None
) -> list[ExampleResult]:
    """Run the rule engine on every code's examples and counterexamples.

    Parameters
    ----------
    codebook
        The codebook whose ``examples`` / ``counterexamples`` are checked.
    compiled
        The compiled codebook, if already at hand (compiled here otherwise).

    Returns
    -------
    list of ExampleResult
        In codebook order, each code's examples before its counterexamples. An example
        passes when a hit of the code or of one of its descendants (a hit rolls up to its
        ancestors) survives exclusions and polarity; a counterexample passes when none does.
        The language of each text is detected from the text.
    """
    compiled = compiled or compile_codebook(codebook)
    flipped_into = {c.rules.negated for c in codebook if c.rules.negated}
    descendants: dict[str, set[str]] = {c.id: {c.id} for c in codebook}
    for c in codebook:
        for ancestor in codebook.ancestors(c.id):
            descendants[ancestor].add(c.id)

    results: list[ExampleResult] = []
    for code in codebook:
        targets = descendants[code.id]
        codable = any(not codebook.codes[t].rules.is_empty() or t in flipped_into for t in targets)
        for kind, texts in (("example", code.examples), ("counterexample", code.counterexamples)):
            for text in texts:
                results.append(_check(compiled, code.id, targets, kind, text, codable))  # type: ignore[arg-type]
    return results


def _check(
    compiled: CompiledCodebook,
    code: str,
    targets: set[str],
    kind: Literal["example", "counterexample"],
    text: str,
    codable: bool,
) -> ExampleResult:
    explanation = explain(compiled, text)
    lang = explanation.lang
    if not codable:
        return ExampleResult(
            code, kind, text, lang, "skip", "the code has no rules; it is coded by hand"
        )
    own = tuple(h for h in explanation.hits if h.code in targets)
    if kind == "counterexample":
        if own:
            return ExampleResult(code, kind, text, lang, "fail", f"fired: {_describe(own)}", own)
        return ExampleResult(code, kind, text, lang, "pass", f"{code} did not fire")
    if own:
        return ExampleResult(code, kind, text, lang, "pass", f"fired: {_describe(own)}", own)
    missed = [m for m in explanation.near_misses if m.code in targets]
    if missed:
        reason = "; ".join(f"{m.rule_id} on {m.matched_text!r}: {m.detail}" for m in missed[:3])
    elif explanation.hits:
        reason = f"nothing of {code} fired; other codes did: {_describe(explanation.hits)}"
    else:
        reason = f"nothing fired ({lang} text)"
    return ExampleResult(code, kind, text, lang, "fail", reason)
