"""Read a ``project.qde`` or ``.qdc`` XML tree into the model, checking what the schema cannot.

The XML Schema does not catch dangling or duplicate GUIDs, start > end, a source with both
inline text and a path, or colours with an alpha channel; this reader does, and reports every
problem at once with its line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from casekit.refi.errors import RefiError
from casekit.refi.guids import normalize_guid
from casekit.refi.model import (
    Case,
    Link,
    Note,
    RefiCode,
    RefiCoding,
    RefiProject,
    RefiSet,
    Selection,
    TextSource,
    User,
    Variable,
)
from casekit.refi.xmlsafe import local_name

__all__ = ["MAX_LISTED", "normalize_color", "read_codebook", "read_project"]

MAX_LISTED = 40  # problems listed in one error; the rest are counted
_COLOR_RE = re.compile(r"^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8})$")
_TRUE = {"true", "1"}
_FALSE = {"false", "0"}
# Source elements whose own selections casekit cannot represent (areas, times).
_MEDIA_SOURCES = ("PictureSource", "AudioSource", "VideoSource")


def normalize_color(value: str | None) -> tuple[str | None, bool]:
    """``#RRGGBB`` (upper case) from ``#RGB``, ``#RRGGBB`` or ``#RRGGBBAA``; and whether it was valid.

    An alpha channel (which some tools write and the schema forbids) is dropped.
    """
    if value is None or not value.strip():
        return None, True
    match = _COLOR_RE.match(value.strip())
    if not match:
        return None, False
    digits = match.group(1)
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return "#" + digits[:6].upper(), len(match.group(1)) != 8


@dataclass
class _Context:
    origin: str
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # Every GUID-bearing element by tag, for duplicates and references.
    by_tag: dict[str, dict[str, Any]] = field(default_factory=dict)

    def problem(self, element: Any, message: str) -> None:
        line = getattr(element, "sourceline", None)
        where = f"{self.origin}:{line}" if line else self.origin
        self.problems.append(f"{where}: {message}")

    def fail_if_problems(self) -> None:
        if not self.problems:
            return
        listed = self.problems[:MAX_LISTED]
        more = len(self.problems) - len(listed)
        count = len(self.problems)
        raise RefiError(
            f"{self.origin}: {count} problem{'s' if count != 1 else ''}, nothing was imported:\n  "
            + "\n  ".join(listed)
            + (f"\n  … and {more} more" if more else "")
        )


def _children(element: Any, name: str) -> Iterator[Any]:
    for child in element:
        if local_name(child) == name:
            yield child


def _child(element: Any, name: str) -> Any | None:
    return next(_children(element, name), None)


def _text(element: Any, name: str) -> str:
    child = _child(element, name)
    return "" if child is None else (child.text or "")


def _guid(ctx: _Context, element: Any, attribute: str = "guid", *, required: bool = True) -> str:
    raw = element.get(attribute)
    if raw is None:
        if required:
            ctx.problem(element, f"<{local_name(element)}> has no {attribute}")
        return ""
    guid = normalize_guid(raw)
    if guid is None:
        ctx.problem(element, f"<{local_name(element)}> {attribute} '{raw}' is not a GUID")
        return ""
    return guid


def _optional_guid(ctx: _Context, element: Any, attribute: str) -> str | None:
    return _guid(ctx, element, attribute, required=False) or None


def _int(ctx: _Context, element: Any, attribute: str) -> int | None:
    raw = element.get(attribute)
    if raw is None:
        ctx.problem(element, f"<{local_name(element)}> has no {attribute}")
        return None
    try:
        value = int(raw.strip())
    except ValueError:
        ctx.problem(element, f"{attribute} '{raw}' is not an integer")
        return None
    if value < 0:
        ctx.problem(element, f"{attribute} {value} is negative")
        return None
    return value


def _refs(ctx: _Context, element: Any, name: str, attribute: str = "targetGUID") -> list[str]:
    out = []
    for child in _children(element, name):
        guid = _guid(ctx, child, attribute)
        if guid:
            out.append(guid)
    return out


def _index(ctx: _Context, root: Any) -> None:
    """Every element with a GUID by tag; duplicates within one tag are problems.

    ATLAS.ti gives a PDF selection and the matching selection of its text representation
    the same GUID, so a GUID shared by elements of different kinds is accepted.
    """
    for element in root.iter():
        raw = element.get("guid") if isinstance(element.tag, str) else None
        if raw is None:
            continue
        guid = normalize_guid(raw)
        if guid is None:
            continue  # reported where the element is read
        tag = local_name(element)
        same = ctx.by_tag.setdefault(tag, {})
        if guid in same:
            first = getattr(same[guid], "sourceline", "?")
            ctx.problem(element, f"duplicate GUID {guid}: another <{tag}> has it (line {first})")
        else:
            same[guid] = element


def _known(ctx: _Context, *tags: str) -> set[str]:
    out: set[str] = set()
    for tag in tags:
        out |= ctx.by_tag.get(tag, {}).keys()
    return out


# -- codes -------------------------------------------------------------------------------------
def _read_code(ctx: _Context, element: Any) -> RefiCode:
    guid = _guid(ctx, element)
    name = element.get("name")
    if name is None:
        ctx.problem(element, f"<Code>{' ' + guid if guid else ''} has no name")
    codable = (element.get("isCodable") or "true").strip().lower()
    if codable not in _TRUE | _FALSE:
        ctx.problem(element, f"isCodable '{element.get('isCodable')}' is not true, false, 1 or 0")
    color, valid = normalize_color(element.get("color"))
    if not valid:
        if color is None:
            ctx.notices.append(f"code '{name}': colour '{element.get('color')}' is not #RRGGBB")
        else:
            ctx.notices.append(f"code '{name}': alpha dropped from colour {element.get('color')}")
    return RefiCode(
        guid=guid,
        name=name or "",
        is_codable=codable not in _FALSE,
        color=color,
        description=_text(element, "Description"),
        note_refs=_refs(ctx, element, "NoteRef"),
        children=[_read_code(ctx, child) for child in _children(element, "Code")],
    )


def _read_codes(ctx: _Context, codebook: Any | None) -> list[RefiCode]:
    if codebook is None:
        return []
    codes = _child(codebook, "Codes")
    return [] if codes is None else [_read_code(ctx, c) for c in _children(codes, "Code")]


def _read_sets(ctx: _Context, sets: Any | None, member_attribute: str) -> list[RefiSet]:
    if sets is None:
        return []
    out = []
    for element in _children(sets, "Set"):
        out.append(
            RefiSet(
                guid=_guid(ctx, element),
                name=element.get("name") or "",
                description=_text(element, "Description"),
                codes=_member_codes(ctx, element, member_attribute),
                sources=_refs(ctx, element, "MemberSource"),
            )
        )
    return out


def _member_codes(ctx: _Context, element: Any, attribute: str) -> list[str]:
    out = []
    for child in _children(element, "MemberCode"):
        # .qdc uses @guid and .qde @targetGUID; tools mix them up, so take either.
        name = attribute if child.get(attribute) is not None else "guid"
        if child.get(name) is None:
            name = "targetGUID"
        guid = _guid(ctx, child, name)
        if guid:
            out.append(guid)
    return out


# -- sources -----------------------------------------------------------------------------------
def _read_coding(ctx: _Context, element: Any) -> RefiCoding | None:
    ref = _child(element, "CodeRef")
    guid = _guid(ctx, element)
    if ref is None:
        ctx.problem(element, f"<Coding> {guid} has no <CodeRef>")
        return None
    return RefiCoding(
        guid=guid,
        code=_guid(ctx, ref, "targetGUID"),
        user=_optional_guid(ctx, element, "creatingUser"),
        created=element.get("creationDateTime"),
        note_refs=_refs(ctx, element, "NoteRef"),
    )


def _codings(ctx: _Context, element: Any) -> list[RefiCoding]:
    out = []
    for child in _children(element, "Coding"):
        coding = _read_coding(ctx, child)
        if coding is not None:
            out.append(coding)
    return out


def _read_selection(ctx: _Context, element: Any) -> Selection | None:
    guid = _guid(ctx, element)
    start = _int(ctx, element, "startPosition")
    end = _int(ctx, element, "endPosition")
    if start is None or end is None:
        return None
    if start > end:
        ctx.problem(element, f"selection {guid}: startPosition {start} > endPosition {end}")
        return None
    return Selection(
        guid=guid,
        start=start,
        end=end,
        name=element.get("name") or "",
        user=_optional_guid(ctx, element, "creatingUser"),
        created=element.get("creationDateTime"),
        description=_text(element, "Description"),
        codings=_codings(ctx, element),
        note_refs=_refs(ctx, element, "NoteRef"),
        line=getattr(element, "sourceline", None),
    )


def _variable_values(ctx: _Context, element: Any) -> dict[str, str]:
    values: dict[str, str] = {}
    for value in _children(element, "VariableValue"):
        ref = _child(value, "VariableRef")
        if ref is None:
            ctx.problem(value, "<VariableValue> has no <VariableRef>")
            continue
        guid = _guid(ctx, ref, "targetGUID")
        content = next(
            (c.text or "" for c in value if local_name(c).endswith("Value") and c is not ref),
            "",
        )
        if guid:
            values[guid] = content.strip()
    return values


def _read_text_source(
    ctx: _Context, element: Any, *, name: str | None = None, kind: str = "TextSource"
) -> TextSource:
    guid = _guid(ctx, element)
    content = _child(element, "PlainTextContent")
    path = element.get("plainTextPath")
    text = None if content is None else (content.text or "")
    label = name or element.get("name") or guid
    if text is not None and path:
        ctx.problem(
            element,
            f"source '{label}' has both inline text and plainTextPath {path}; which one is the "
            "text is ambiguous",
        )
    selections = []
    for child in _children(element, "PlainTextSelection"):
        selection = _read_selection(ctx, child)
        if selection is not None:
            selections.append(selection)
    return TextSource(
        guid=guid,
        name=label,
        text=text,
        path=path,
        user=_optional_guid(ctx, element, "creatingUser"),
        created=element.get("creationDateTime"),
        description=_text(element, "Description"),
        selections=selections,
        codings=_codings(ctx, element),
        note_refs=_refs(ctx, element, "NoteRef"),
        variables=_variable_values(ctx, element),
        kind=kind,
        line=getattr(element, "sourceline", None),
    )


def _n_codings(element: Any) -> int:
    return sum(1 for e in element.iter() if local_name(e) == "Coding")


def _read_sources(ctx: _Context, sources: Any | None, skipped: list[str]) -> list[TextSource]:
    if sources is None:
        return []
    out = []
    for element in sources:
        tag = local_name(element)
        name = element.get("name") or element.get("guid") or tag
        if tag == "TextSource":
            out.append(_read_text_source(ctx, element))
        elif tag == "PDFSource":
            representation = _child(element, "Representation")
            n_area = sum(_n_codings(s) for s in _children(element, "PDFSelection"))
            n_area += len(list(_children(element, "Coding")))
            if representation is not None:
                out.append(_read_text_source(ctx, representation, name=name, kind="Representation"))
                if n_area:
                    skipped.append(
                        f"PDF '{name}': {n_area} codings of page areas (its text "
                        "representation's codings are imported)"
                    )
            else:
                skipped.append(f"PDF '{name}': no text representation ({n_area} codings)")
        elif tag in _MEDIA_SOURCES:
            kind = tag.removesuffix("Source").lower()
            skipped.append(
                f"{kind} '{name}': casekit codes text only ({_n_codings(element)} codings)"
            )
    return out


# -- notes, links, variables, cases --------------------------------------------------------
def _read_notes(ctx: _Context, notes: Any | None) -> list[Note]:
    if notes is None:
        return []
    out = []
    for element in _children(notes, "Note"):
        content = _child(element, "PlainTextContent")
        path = element.get("plainTextPath")
        if content is not None and path:
            ctx.problem(element, f"note '{element.get('name')}' has both inline text and a path")
        out.append(
            Note(
                guid=_guid(ctx, element),
                name=element.get("name") or "",
                text="" if content is None else (content.text or ""),
                path=path if content is None else None,
                description=_text(element, "Description"),
                user=_optional_guid(ctx, element, "creatingUser"),
                created=element.get("creationDateTime"),
                line=getattr(element, "sourceline", None),
            )
        )
    return out


def _read_links(ctx: _Context, links: Any | None) -> list[Link]:
    if links is None:
        return []
    return [
        Link(
            guid=_guid(ctx, element),
            origin=_optional_guid(ctx, element, "originGUID"),
            target=_optional_guid(ctx, element, "targetGUID"),
            name=element.get("name") or "",
            note_refs=_refs(ctx, element, "NoteRef"),
        )
        for element in _children(links, "Link")
    ]


def _read_variables(ctx: _Context, variables: Any | None) -> list[Variable]:
    if variables is None:
        return []
    return [
        Variable(
            guid=_guid(ctx, element),
            name=element.get("name") or "",
            type=element.get("typeOfVariable") or "Text",
            description=_text(element, "Description"),
        )
        for element in _children(variables, "Variable")
    ]


def _read_cases(ctx: _Context, cases: Any | None) -> list[Case]:
    if cases is None:
        return []
    return [
        Case(
            guid=_guid(ctx, element),
            name=element.get("name") or "",
            description=_text(element, "Description"),
            sources=_refs(ctx, element, "SourceRef"),
            variables=_variable_values(ctx, element),
        )
        for element in _children(cases, "Case")
    ]


# -- references --------------------------------------------------------------------------------
def _check_refs(ctx: _Context, root: Any, refs: Iterable[tuple[str, str, set[str], str]]) -> None:
    """Each ``(element name, attribute, known GUIDs, what)``: references must resolve."""
    for name, attribute, known, what in refs:
        for element in root.iter():
            if local_name(element) != name:
                continue
            raw = element.get(attribute)
            guid = normalize_guid(raw)
            if guid is not None and guid not in known:
                ctx.problem(
                    element,
                    f"<{name}> {attribute} {guid} refers to no {what} in the file (a dangling GUID)",
                )


def _check_users(ctx: _Context, root: Any, users: set[str]) -> None:
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for attribute in ("creatingUser", "modifyingUser"):
            guid = normalize_guid(element.get(attribute))
            if guid is not None and guid not in users:
                ctx.problem(
                    element,
                    f"<{local_name(element)}> {attribute} {guid} is not one of the <Users> "
                    "(a dangling GUID)",
                )


_SOURCE_TAGS = ("TextSource", "PDFSource", "PictureSource", "AudioSource", "VideoSource")
_SELECTION_TAGS = (
    "PlainTextSelection",
    "PDFSelection",
    "PictureSelection",
    "AudioSelection",
    "VideoSelection",
    "TranscriptSelection",
)


def read_project(root: Any, origin: str) -> RefiProject:
    """The model of a ``<Project>`` element.

    Parameters
    ----------
    root
        The parsed root element (see :func:`casekit.refi.xmlsafe.parse_xml`).
    origin
        The file (``archive.qdpx:project.qde``) named in messages.

    Raises
    ------
    RefiError
        Listing every problem with its line: missing or malformed GUIDs and positions,
        duplicate GUIDs, references to GUIDs that do not exist, start > end, sources with
        both inline text and a path.
    """
    ctx = _Context(origin)
    if local_name(root) != "Project":
        raise RefiError(
            f"{origin}: the root element is <{local_name(root)}>, not <Project>; is this a "
            "REFI-QDA project (.qde)?"
        )
    _index(ctx, root)
    skipped: list[str] = []
    users_element = _child(root, "Users")
    users = [
        User(guid=_guid(ctx, u), name=(u.get("name") or u.get("id") or "").strip())
        for u in (_children(users_element, "User") if users_element is not None else ())
    ]
    project = RefiProject(
        name=root.get("name") or "",
        origin=root.get("origin") or "",
        created=root.get("creationDateTime"),
        modified=root.get("modifiedDateTime"),
        creating_user=_optional_guid(ctx, root, "creatingUserGUID"),
        users=users,
        codes=_read_codes(ctx, _child(root, "CodeBook")),
        variables=_read_variables(ctx, _child(root, "Variables")),
        cases=_read_cases(ctx, _child(root, "Cases")),
        sources=_read_sources(ctx, _child(root, "Sources"), skipped),
        notes=_read_notes(ctx, _child(root, "Notes")),
        links=_read_links(ctx, _child(root, "Links")),
        sets=_read_sets(ctx, _child(root, "Sets"), "targetGUID"),
        note_refs=_refs(ctx, root, "NoteRef"),
        description=_text(root, "Description"),
        skipped=skipped,
    )
    everything = set().union(*(d.keys() for d in ctx.by_tag.values())) if ctx.by_tag else set()
    _check_refs(
        ctx,
        root,
        [
            ("CodeRef", "targetGUID", _known(ctx, "Code"), "code"),
            ("NoteRef", "targetGUID", _known(ctx, "Note"), "note"),
            ("VariableRef", "targetGUID", _known(ctx, "Variable"), "variable"),
            ("MemberCode", "targetGUID", _known(ctx, "Code"), "code"),
            ("MemberCode", "guid", _known(ctx, "Code"), "code"),
            ("MemberSource", "targetGUID", _known(ctx, *_SOURCE_TAGS), "source"),
            ("MemberNote", "targetGUID", _known(ctx, "Note"), "note"),
            ("SourceRef", "targetGUID", _known(ctx, *_SOURCE_TAGS), "source"),
            ("SelectionRef", "targetGUID", _known(ctx, *_SELECTION_TAGS), "selection"),
            ("Link", "originGUID", everything, "object"),
            ("Link", "targetGUID", everything, "object"),
        ],
    )
    _check_users(ctx, root, {u.guid for u in users if u.guid})
    ctx.fail_if_problems()
    project.skipped.extend(ctx.notices)
    return project


def read_codebook(root: Any, origin: str) -> tuple[list[RefiCode], list[RefiSet], list[str]]:
    """Codes, sets and notices of a ``<CodeBook>`` (a ``.qdc`` file).

    Raises
    ------
    RefiError
        The root is not ``<CodeBook>``, or any code or set is malformed, duplicated or
        refers to a code that does not exist (all problems listed).
    """
    ctx = _Context(origin)
    if local_name(root) != "CodeBook":
        raise RefiError(
            f"{origin}: the root element is <{local_name(root)}>, not <CodeBook>; is this a "
            "REFI-QDA codebook (.qdc)?"
        )
    _index(ctx, root)
    codes = _read_codes(ctx, root)
    sets = _read_sets(ctx, _child(root, "Sets"), "guid")
    known = _known(ctx, "Code")
    _check_refs(
        ctx,
        root,
        [("MemberCode", "guid", known, "code"), ("MemberCode", "targetGUID", known, "code")],
    )
    if not codes and not ctx.problems:
        ctx.problems.append(f"{origin}: the codebook has no codes")
    ctx.fail_if_problems()
    return codes, sets, ctx.notices
