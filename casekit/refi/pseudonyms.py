"""Replace names of people, places and organisations by pseudonyms, keeping offsets mappable.

A mapping is a CSV with the header ``original,pseudonym``. At each position the longest
original that matches wins; an original that starts or ends with a Latin letter or digit
only matches as a whole word (``Li`` does not touch ``Lin``), while Chinese names match
anywhere. Matching is case-sensitive. The :class:`OffsetMap` returned with the new text
moves offsets of the old text so that a span keeps covering the same words.
"""

from __future__ import annotations

import bisect
import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from casekit.refi.errors import AnonymizeError

__all__ = [
    "MAPPING_COLUMNS",
    "NameMapping",
    "OffsetMap",
    "make_mapping",
    "pseudonymize_text",
    "read_mapping",
]

MAPPING_COLUMNS = ("original", "pseudonym")
_LATIN_WORD = "A-Za-z0-9\u00c0-\u024f"
_LATIN_CHAR = re.compile(f"[{_LATIN_WORD}]")
_CONTROL = re.compile("[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class NameMapping:
    """Validated ``original -> pseudonym`` pairs, longest original first."""

    pairs: tuple[tuple[str, str], ...]
    origin: str = ""
    pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def as_dict(self) -> dict[str, str]:
        return dict(self.pairs)


def _pattern(originals: Iterable[str]) -> re.Pattern[str] | None:
    parts = []
    for original in originals:
        part = re.escape(original)
        if _LATIN_CHAR.match(original[0]):
            part = f"(?<![{_LATIN_WORD}])" + part
        if _LATIN_CHAR.match(original[-1]):
            part += f"(?![{_LATIN_WORD}])"
        parts.append(part)
    return re.compile("|".join(parts)) if parts else None


def make_mapping(pairs: Iterable[tuple[str, str]], *, origin: str = "") -> NameMapping:
    """Check ``(original, pseudonym)`` pairs and order them longest first.

    Raises
    ------
    AnonymizeError
        Listing every problem: an empty original or pseudonym, control characters, an
        original given twice.
    """
    problems = []
    seen: dict[str, str] = {}
    clean: list[tuple[str, str]] = []
    for number, (original, pseudonym) in enumerate(pairs, start=1):
        original, pseudonym = original.strip(), pseudonym.strip()
        where = f"entry {number}" if not origin else f"row {number + 1}"
        if not original:
            problems.append(f"{where}: the original name is empty")
            continue
        if not pseudonym:
            problems.append(f"{where}: no pseudonym for '{original}'")
            continue
        if _CONTROL.search(original) or _CONTROL.search(pseudonym):
            problems.append(f"{where}: names may not contain tabs, newlines or control characters")
            continue
        if original in seen:
            problems.append(f"{where}: '{original}' is listed twice (first in {seen[original]})")
            continue
        seen[original] = where
        clean.append((original, pseudonym))
    if problems:
        prefix = f"{origin}: " if origin else ""
        raise AnonymizeError(
            f"{prefix}{len(problems)} bad mapping entr{'ies' if len(problems) > 1 else 'y'}, "
            "nothing was pseudonymised:\n  " + "\n  ".join(problems)
        )
    clean.sort(key=lambda pair: (-len(pair[0]), pair[0]))
    return NameMapping(tuple(clean), origin, _pattern(o for o, _ in clean))


def read_mapping(path: str | Path) -> NameMapping:
    """Read a mapping CSV (UTF-8, header ``original,pseudonym``).

    Raises
    ------
    AnonymizeError
        The file cannot be read, is not UTF-8, lacks the header, or has bad rows (all
        listed with their row numbers).
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise AnonymizeError(f"{path}: cannot read the name mapping: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise AnonymizeError(f"{path}: not UTF-8; save the mapping as UTF-8 CSV") from exc
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise AnonymizeError(f"{path}: not a readable CSV file: {exc}") from exc
    if not records or [c.strip().lower() for c in records[0]] != list(MAPPING_COLUMNS):
        raise AnonymizeError(
            f"{path}:1: the first row must be the header original,pseudonym "
            "(one name and its pseudonym per row after it)"
        )
    pairs = []
    problems = []
    for number, record in enumerate(records[1:], start=2):
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != 2:
            problems.append(f"row {number}: has {len(record)} fields, expected 2")
            continue
        pairs.append((record[0], record[1]))
    if problems:
        raise AnonymizeError(
            f"{path}: {len(problems)} bad row{'s' if len(problems) > 1 else ''}, nothing was "
            "pseudonymised:\n  " + "\n  ".join(problems)
        )
    if not pairs:
        raise AnonymizeError(f"{path}: no names to replace below the header")
    return make_mapping(pairs, origin=str(path))


@dataclass(frozen=True)
class OffsetMap:
    """Where each replaced stretch of the old text went: ``(old_start, old_end, new_start, new_end)``."""

    replacements: tuple[tuple[int, int, int, int], ...] = ()
    _starts: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_starts", tuple(r[0] for r in self.replacements))

    def _index(self, position: int) -> int:
        return bisect.bisect_right(self._starts, position) - 1

    def map(self, position: int, *, side: str = "start") -> int:
        """The new offset of an old one.

        An offset inside a replaced name moves to the start of its pseudonym for
        ``side="start"`` and to its end for ``side="end"``, so spans never cut a pseudonym.
        """
        i = self._index(position)
        if i < 0:
            return position
        old_start, old_end, new_start, new_end = self.replacements[i]
        if position >= old_end:
            return position + new_end - old_end
        if position == old_start or side == "start":
            return new_start
        return new_end

    def map_span(self, start: int, end: int) -> tuple[int, int]:
        """A span of the old text in the new text, covering the same words."""
        new_start = self.map(start, side="start")
        if end <= start:
            return new_start, new_start
        return new_start, self.map(end, side="end")

    @property
    def n_replacements(self) -> int:
        return len(self.replacements)


def pseudonymize_text(text: str, mapping: NameMapping | Mapping[str, str]) -> tuple[str, OffsetMap]:
    """Replace every listed name in ``text`` by its pseudonym.

    Parameters
    ----------
    text
        Any text.
    mapping
        A :class:`NameMapping` (see :func:`read_mapping`) or a plain ``{original: pseudonym}``
        dict.

    Returns
    -------
    (new_text, offset_map)
        The pseudonymised text and the map from old offsets to new ones.

    Examples
    --------
    >>> new, offsets = pseudonymize_text("王科长和Li说", {"王科长": "甲科长", "Li": "Zhang"})
    >>> new
    '甲科长和Zhang说'
    >>> offsets.map_span(4, 6)
    (4, 9)
    """
    if not isinstance(mapping, NameMapping):
        mapping = make_mapping(mapping.items())
    if mapping.pattern is None or not text:
        return text, OffsetMap()
    lookup = mapping.as_dict()
    pieces: list[str] = []
    replacements: list[tuple[int, int, int, int]] = []
    last = 0
    shift = 0
    for match in mapping.pattern.finditer(text):
        pseudonym = lookup[match.group(0)]
        pieces.append(text[last : match.start()])
        new_start = match.start() + shift
        pieces.append(pseudonym)
        replacements.append((match.start(), match.end(), new_start, new_start + len(pseudonym)))
        shift += len(pseudonym) - (match.end() - match.start())
        last = match.end()
    pieces.append(text[last:])
    return "".join(pieces), OffsetMap(tuple(replacements))
