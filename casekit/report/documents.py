"""A document's text as HTML with every coded span highlighted and tagged with its codes."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape

__all__ = ["FAMILY_PRIORITY", "Span", "family_class", "highlight_text"]

# When codes of several families cover the same text, the colour shown is the first of these.
FAMILY_PRIORITY: tuple[str, ...] = ("dilemma", "strategy", "element", "mechanism")


@dataclass(frozen=True)
class Span:
    """A coded stretch of a document: code-point offsets ``[start, end)`` and the code."""

    start: int
    end: int
    code: str
    family: str = ""


def family_class(family: str) -> str:
    """A CSS class name for a family (letters, digits and hyphens only)."""
    slug = re.sub(r"[^a-z0-9-]+", "-", family.lower()).strip("-")
    return f"f-{slug or 'none'}"


def _primary(families: Iterable[str]) -> str:
    present = set(families)
    for family in FAMILY_PRIORITY:
        if family in present:
            return family
    return min(present) if present else ""


def highlight_text(text: str, spans: Iterable[Span], names: Mapping[str, str]) -> str:
    """Escaped HTML of ``text`` where every stretch covered by codings is a ``<span>``.

    The text is cut at every span boundary; each piece covered by one or more codings becomes
    ``<span class="c f-FAMILY" data-codes="A B" title="A name; B name">``, coloured by the
    most telling family present (dilemma, then strategy, element, mechanism). Zero-width
    codings and spans outside the text are ignored. Everything is escaped, so a transcript
    holding markup shows it as text.

    Parameters
    ----------
    text
        The document text.
    spans
        Coded spans with offsets into ``text``.
    names
        Code -> display name, for the tooltip.
    """
    n = len(text)
    clean = sorted(
        {
            (max(0, s.start), min(n, s.end), s.code, s.family)
            for s in spans
            if min(n, s.end) > max(0, s.start)
        }
    )
    cuts = sorted({0, n, *(s for s, _, _, _ in clean), *(e for _, e, _, _ in clean)})
    starts: dict[int, list[tuple[int, str, str]]] = {}
    for start, end, code, family in clean:
        starts.setdefault(start, []).append((end, code, family))
    active: list[tuple[int, str, str]] = []
    parts: list[str] = []
    for a, b in itertools.pairwise(cuts):
        active = [item for item in active if item[0] > a] + starts.get(a, [])
        piece = escape(text[a:b], quote=False)
        if not active:
            parts.append(piece)
            continue
        codes = sorted({code for _, code, _ in active})
        families = [family for _, _, family in active]
        title = "; ".join(f"{code} {names.get(code, '')}".strip() for code in codes)
        classes = f"c {family_class(_primary(families))}" + (" multi" if len(codes) > 1 else "")
        parts.append(
            f'<span class="{classes}" data-codes="{escape(" ".join(codes), quote=True)}" '
            f'title="{escape(title, quote=True)}">{piece}</span>'
        )
    return "".join(parts)
