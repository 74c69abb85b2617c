"""The parts of a REFI-QDA project casekit reads and writes, as plain dataclasses.

Import parses XML into these; export builds them from the store and writes XML from them, so
both directions (and pseudonymisation on the fly) work on one representation. GUIDs are kept
in canonical form (lower case, no braces); offsets of selections are as in the file until the
importer interprets them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

__all__ = [
    "Case",
    "Link",
    "Note",
    "RefiCode",
    "RefiCoding",
    "RefiProject",
    "RefiSet",
    "Selection",
    "TextSource",
    "User",
    "Variable",
    "iter_codes",
    "note_title",
    "quote_name",
]


@dataclass
class User:
    """A person (casekit: a coder or memo author)."""

    guid: str
    name: str


@dataclass
class RefiCode:
    """A code of the code book; ``children`` keep the hierarchy."""

    guid: str
    name: str
    is_codable: bool = True
    color: str | None = None
    description: str = ""
    note_refs: list[str] = field(default_factory=list)
    children: list[RefiCode] = field(default_factory=list)


@dataclass
class RefiCoding:
    """One code applied to a selection (or a whole source)."""

    guid: str
    code: str  # GUID of the code
    user: str | None = None  # GUID of the creating user
    created: str | None = None  # xsd:dateTime as written
    note_refs: list[str] = field(default_factory=list)


@dataclass
class Selection:
    """A span of a text source, ``start``/``end`` in the file's units (casekit: code points)."""

    guid: str
    start: int
    end: int
    name: str = ""
    user: str | None = None
    created: str | None = None
    description: str = ""
    codings: list[RefiCoding] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)
    line: int | None = None


@dataclass
class TextSource:
    """A text document: inline text or a path to a file in the archive.

    ``kind`` is ``TextSource`` or, for text read from other sources, the element it came from
    (``Representation`` of a PDF, ``Transcript`` of audio or video).
    """

    guid: str
    name: str
    text: str | None = None  # PlainTextContent, when inline
    path: str | None = None  # plainTextPath, e.g. internal://<guid>.txt
    user: str | None = None
    created: str | None = None
    description: str = ""
    selections: list[Selection] = field(default_factory=list)
    codings: list[RefiCoding] = field(default_factory=list)  # codings of the whole source
    note_refs: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)  # variable GUID -> value
    kind: str = "TextSource"
    line: int | None = None


@dataclass
class Note:
    """A memo: a text with a name, written by a user."""

    guid: str
    name: str = ""
    text: str = ""
    path: str | None = None  # plainTextPath, when the text is a file in the archive
    description: str = ""
    user: str | None = None
    created: str | None = None
    line: int | None = None


@dataclass
class Link:
    """A relation between two objects; casekit reads links from a note to what it is about."""

    guid: str
    origin: str | None = None
    target: str | None = None
    name: str = ""
    note_refs: list[str] = field(default_factory=list)


@dataclass
class RefiSet:
    """A named group of codes and/or sources (NVivo sets, ATLAS.ti groups)."""

    guid: str
    name: str
    description: str = ""
    codes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)


@dataclass
class Variable:
    """A document (or case) variable; casekit writes manifest attributes as Text variables."""

    guid: str
    name: str
    type: str = "Text"
    description: str = ""


@dataclass
class Case:
    """A case: a named group of sources with variable values of its own."""

    guid: str
    name: str
    description: str = ""
    sources: list[str] = field(default_factory=list)
    variables: dict[str, str] = field(default_factory=dict)


@dataclass
class RefiProject:
    """Everything casekit takes from (or puts into) a ``project.qde``."""

    name: str
    origin: str = ""
    created: str | None = None
    modified: str | None = None
    creating_user: str | None = None
    users: list[User] = field(default_factory=list)
    codes: list[RefiCode] = field(default_factory=list)
    variables: list[Variable] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    sources: list[TextSource] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    sets: list[RefiSet] = field(default_factory=list)
    note_refs: list[str] = field(default_factory=list)  # notes about the whole project
    description: str = ""
    skipped: list[str] = field(default_factory=list)  # what the reader could not represent

    def all_codes(self) -> Iterator[tuple[RefiCode, RefiCode | None]]:
        """Every code with its parent (None for top-level codes), depth-first."""
        return iter_codes(self.codes)


def iter_codes(
    codes: list[RefiCode], parent: RefiCode | None = None
) -> Iterator[tuple[RefiCode, RefiCode | None]]:
    """Depth-first ``(code, parent)`` pairs of a code tree."""
    for code in codes:
        yield code, parent
        yield from iter_codes(code.children, code)


_NOTE_TITLE_LENGTH = 50


def note_title(text: str) -> str:
    """The name casekit gives a note: its first line, cut at 50 characters."""
    first = " ".join(text.strip().split("\n", 1)[0].split())
    return first if len(first) <= _NOTE_TITLE_LENGTH else first[: _NOTE_TITLE_LENGTH - 1] + "…"


_QUOTE_LENGTH = 80


def quote_name(text: str) -> str:
    """The name casekit gives a selection: its text on one line, cut at 80 characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= _QUOTE_LENGTH else flat[: _QUOTE_LENGTH - 1] + "…"
