"""Interpret the selection offsets of another tool: code points or UTF-16 units, CR counted or not.

The standard says offsets count Unicode code points from 0. NVivo 12 (Windows and Mac)
counts UTF-16 code units instead, and on Windows also the CR of every CRLF; tools differ on
the byte-order mark. Rather than trust the origin string, every convention that would give
different offsets for a source is tried, and the one under which the selections start and
end on word boundaries (and match the selection names, where a tool writes the quoted text
as the name) wins. Ties go to the standard's convention.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from casekit.text import normalize_newlines

__all__ = ["Hypothesis", "OffsetChoice", "SourceOffsets", "choose_offsets", "names_match"]

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff]")
_SPACE = re.compile(r"\s+")
# A name matching the selected text counts like this many boundary hits: names are direct
# evidence, boundaries only circumstantial.
_NAME_WEIGHT = 4


@dataclass(frozen=True)
class Hypothesis:
    """One way of counting: units, whether the CR of CRLF counts, whether the BOM counts."""

    utf16: bool = False
    cr_counted: bool = False
    bom_counted: bool = False

    def describe(self) -> str:
        parts = ["UTF-16 code units" if self.utf16 else "code points"]
        parts.append("CR of CRLF counted" if self.cr_counted else "line ends counted once")
        if self.bom_counted:
            parts.append("byte-order mark counted")
        return ", ".join(parts)


# The standard's convention first: it wins ties. Then NVivo for Windows, NVivo for Mac.
_PREFERENCE = (
    Hypothesis(),
    Hypothesis(utf16=True, cr_counted=True),
    Hypothesis(utf16=True),
    Hypothesis(cr_counted=True),
)


@dataclass
class SourceOffsets:
    """A source's text as stored (BOM removed, line ends normalised) and as the tool counted it."""

    raw: str  # decoded, BOM removed, line ends as in the file
    had_bom: bool = False
    text: str = field(init=False)
    _crs: list[int] = field(init=False, repr=False)
    _astral: dict[bool, list[int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.text, _ = normalize_newlines(self.raw)
        # Positions (in raw) of each CR that is followed by LF: the ones normalising removes.
        self._crs = [m.start() for m in re.finditer("\r\n", self.raw)]
        self._astral = {}
        for cr_counted in (False, True):
            counted = self.raw if cr_counted else self.text
            positions = [m.start() for m in _ASTRAL.finditer(counted)]
            # UTF-16 offset of each astral character: its index plus one per astral before it.
            self._astral[cr_counted] = [p + k for k, p in enumerate(positions)]

    def hypotheses(self) -> list[Hypothesis]:
        """The conventions that give different offsets for this text (at least the standard's)."""
        out = [
            h
            for h in _PREFERENCE
            if (not h.cr_counted or self._crs) and (not h.utf16 or self._astral[h.cr_counted])
        ]
        if self.had_bom:
            out += [Hypothesis(h.utf16, h.cr_counted, bom_counted=True) for h in list(out)]
        return out

    def to_index(self, position: int, hypothesis: Hypothesis) -> int | None:
        """The code-point index into :attr:`text` of an offset, or None when it cannot be one."""
        if hypothesis.bom_counted:
            position -= 1
        if position < 0:
            return None
        index = position
        if hypothesis.utf16:
            starts = self._astral[hypothesis.cr_counted]
            k = bisect.bisect_left(starts, position)
            if k and starts[k - 1] + 1 == position:
                return None  # between the two halves of a surrogate pair
            index = position - k
        if hypothesis.cr_counted:
            if index > len(self.raw):
                return None
            index -= bisect.bisect_left(self._crs, index)
        if index > len(self.text):
            return None
        return index


@dataclass
class OffsetChoice:
    """The convention chosen for one source and the evidence for it."""

    hypothesis: Hypothesis
    n_alternatives: int  # conventions that would have given different offsets
    n_ends: int = 0  # selection starts and ends looked at
    n_on_boundary: int = 0
    n_named: int = 0
    n_names_matching: int = 0

    def describe(self) -> str:
        """One line for the import report."""
        if self.n_alternatives <= 1:
            return (
                f"{self.hypothesis.describe()} (no CRLF, byte-order mark or characters beyond "
                "the BMP: every convention agrees)"
            )
        if not self.n_ends:
            return f"{self.hypothesis.describe()} (no selections to decide by: the standard's)"
        text = (
            f"{self.hypothesis.describe()} ({self.n_on_boundary} of {self.n_ends} selection "
            "ends on word boundaries"
        )
        if self.n_named:
            text += f"; {self.n_names_matching} of {self.n_named} names match the text"
        return text + ")"


def _is_word(ch: str) -> bool:
    return ch.isalnum() and not _CJK.match(ch)


def _on_boundary(text: str, index: int) -> bool:
    if index <= 0 or index >= len(text):
        return True
    return not (_is_word(text[index - 1]) and _is_word(text[index]))


def _squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def names_match(name: str, text: str) -> bool:
    """Whether a selection's name is its text (or the start of it, cut with an ellipsis)."""
    wanted = _squash(name).rstrip("…").removesuffix("...").rstrip()
    return bool(wanted) and _squash(text).startswith(wanted)


def choose_offsets(
    source: SourceOffsets, spans: Sequence[tuple[int, int, str]]
) -> tuple[OffsetChoice | None, list[tuple[int, int] | None]]:
    """Pick the convention for a source's selections ``(start, end, name)``.

    Returns
    -------
    (choice, converted)
        ``converted`` has, per span, ``(start, end)`` as code-point indices into
        ``source.text``. ``choice`` is None when no convention puts every span inside the
        text; then ``converted`` holds the spans under the standard's convention, None
        for those outside the text.
    """
    hypotheses = source.hypotheses()
    best: tuple[int, int, OffsetChoice, list[tuple[int, int] | None]] | None = None
    for rank, hypothesis in enumerate(hypotheses):
        converted: list[tuple[int, int] | None] = []
        choice = OffsetChoice(hypothesis, len(hypotheses))
        valid = True
        for start, end, name in spans:
            s, e = source.to_index(start, hypothesis), source.to_index(end, hypothesis)
            if s is None or e is None or s > e:
                converted.append(None)
                valid = False
                continue
            converted.append((s, e))
            if s < e:
                choice.n_ends += 2
                choice.n_on_boundary += _on_boundary(source.text, s) + _on_boundary(source.text, e)
            if name.strip():
                choice.n_named += 1
                choice.n_names_matching += names_match(name, source.text[s:e])
        if rank == 0:
            fallback = converted
        if not valid:
            continue
        score = choice.n_on_boundary + _NAME_WEIGHT * choice.n_names_matching
        if best is None or score > best[0]:
            best = (score, rank, choice, converted)
    if best is None:
        return None, fallback
    return best[2], best[3]
