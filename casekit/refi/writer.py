"""Write the model as ``project.qde`` XML and pack it with its sources into a ``.qdpx``.

Children follow the schema's order, empty containers are left out (the schema wants at least
one child in each), text is UTF-8 without BOM with LF line ends, and the archive is
deterministic (fixed member times, sorted members), so the same project exports to the same
bytes.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from casekit.refi.model import Case, Note, RefiCode, RefiCoding, RefiProject, Selection, TextSource

__all__ = ["PROJECT_NAMESPACE", "SOURCES_DIR", "project_xml", "write_qdpx"]

PROJECT_NAMESPACE = "urn:QDA-XML:project:1.0"
SOURCES_DIR = "sources"
# XML 1.0 cannot hold most C0 control characters, even escaped.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _clean(text: str) -> str:
    return _XML_INVALID.sub("", text)


class _Builder:
    def __init__(self) -> None:
        from lxml import etree

        self.etree = etree

    def tag(self, name: str) -> str:
        return f"{{{PROJECT_NAMESPACE}}}{name}"

    def sub(self, parent: Any, local: str, /, **attributes: str | None) -> Any:
        element = self.etree.SubElement(parent, self.tag(local))
        for key, value in attributes.items():
            if value is not None:
                element.set(key, _clean(value))
        return element

    def text(self, parent: Any, name: str, value: str) -> None:
        if value:
            self.sub(parent, name).text = _clean(value)

    def refs(self, parent: Any, name: str, guids: list[str]) -> None:
        for guid in guids:
            self.sub(parent, name, targetGUID=guid)


def _code(b: _Builder, parent: Any, code: RefiCode) -> None:
    element = b.sub(
        parent,
        "Code",
        guid=code.guid,
        name=code.name,
        isCodable="true" if code.is_codable else "false",
        color=code.color,
    )
    b.text(element, "Description", code.description)
    b.refs(element, "NoteRef", code.note_refs)
    for child in code.children:
        _code(b, element, child)


def _coding(b: _Builder, parent: Any, coding: RefiCoding) -> None:
    element = b.sub(
        parent,
        "Coding",
        guid=coding.guid,
        creatingUser=coding.user,
        creationDateTime=coding.created,
    )
    b.sub(element, "CodeRef", targetGUID=coding.code)
    b.refs(element, "NoteRef", coding.note_refs)


def _selection(b: _Builder, parent: Any, selection: Selection) -> None:
    element = b.sub(
        parent,
        "PlainTextSelection",
        guid=selection.guid,
        name=selection.name or None,
        startPosition=str(selection.start),
        endPosition=str(selection.end),
        creatingUser=selection.user,
        creationDateTime=selection.created,
    )
    b.text(element, "Description", selection.description)
    for coding in selection.codings:
        _coding(b, element, coding)
    b.refs(element, "NoteRef", selection.note_refs)


def _variable_values(b: _Builder, parent: Any, values: Mapping[str, str]) -> None:
    for guid, value in values.items():
        element = b.sub(parent, "VariableValue")
        b.sub(element, "VariableRef", targetGUID=guid)
        b.sub(element, "TextValue").text = _clean(value)


def _source(b: _Builder, parent: Any, source: TextSource) -> None:
    element = b.sub(
        parent,
        "TextSource",
        guid=source.guid,
        name=source.name,
        plainTextPath=source.path,
        creatingUser=source.user,
        creationDateTime=source.created,
    )
    b.text(element, "Description", source.description)
    if source.text is not None:
        b.sub(element, "PlainTextContent").text = _clean(source.text)
    for selection in source.selections:
        _selection(b, element, selection)
    for coding in source.codings:
        _coding(b, element, coding)
    b.refs(element, "NoteRef", source.note_refs)
    _variable_values(b, element, source.variables)


def _note(b: _Builder, parent: Any, note: Note) -> None:
    element = b.sub(
        parent,
        "Note",
        guid=note.guid,
        name=note.name,
        creatingUser=note.user,
        creationDateTime=note.created,
    )
    b.text(element, "Description", note.description)
    b.sub(element, "PlainTextContent").text = _clean(note.text)


def _case(b: _Builder, parent: Any, case: Case) -> None:
    element = b.sub(parent, "Case", guid=case.guid, name=case.name)
    b.text(element, "Description", case.description)
    _variable_values(b, element, case.variables)
    b.refs(element, "SourceRef", case.sources)


def project_xml(project: RefiProject) -> bytes:
    """The ``project.qde`` of a model, as UTF-8 bytes with an XML declaration."""
    b = _Builder()
    root = b.etree.Element(b.tag("Project"), nsmap={None: PROJECT_NAMESPACE})
    for key, value in (
        ("name", project.name),
        ("origin", project.origin or None),
        ("creatingUserGUID", project.creating_user),
        ("creationDateTime", project.created),
        ("modifiedDateTime", project.modified),
    ):
        if value is not None:
            root.set(key, _clean(value))
    if project.users:
        users = b.sub(root, "Users")
        for user in project.users:
            b.sub(users, "User", guid=user.guid, name=user.name)
    if project.codes:
        codes = b.sub(b.sub(root, "CodeBook"), "Codes")
        for code in project.codes:
            _code(b, codes, code)
    if project.variables:
        variables = b.sub(root, "Variables")
        for variable in project.variables:
            element = b.sub(
                variables,
                "Variable",
                guid=variable.guid,
                name=variable.name,
                typeOfVariable=variable.type,
            )
            b.text(element, "Description", variable.description)
    if project.cases:
        cases = b.sub(root, "Cases")
        for case in project.cases:
            _case(b, cases, case)
    if project.sources:
        sources = b.sub(root, "Sources")
        for source in project.sources:
            _source(b, sources, source)
    if project.notes:
        notes = b.sub(root, "Notes")
        for note in project.notes:
            _note(b, notes, note)
    if project.sets:
        sets = b.sub(root, "Sets")
        for refi_set in project.sets:
            element = b.sub(sets, "Set", guid=refi_set.guid, name=refi_set.name)
            b.text(element, "Description", refi_set.description)
            b.refs(element, "MemberCode", refi_set.codes)
            b.refs(element, "MemberSource", refi_set.sources)
    b.text(root, "Description", project.description)
    b.refs(root, "NoteRef", project.note_refs)
    declaration = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    return declaration + b.etree.tostring(root, encoding="UTF-8", pretty_print=True)


def write_qdpx(project: RefiProject, texts: Mapping[str, str], path: str | Path) -> None:
    """Write ``project.qde`` and ``sources/<GUID>.txt`` (one per entry of ``texts``) to ``path``.

    ``texts`` maps each source's GUID to its text; it is written as UTF-8 without BOM, with
    LF line ends. The file is written next to ``path`` first and then moved into place, so
    an interrupted export never leaves half an archive under the final name.
    """
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    members = [("project.qde", project_xml(project))]
    for guid in sorted(texts):
        text = texts[guid].replace("\r\n", "\n").replace("\r", "\n")
        members.append((f"{SOURCES_DIR}/{guid}.txt", text.encode("utf-8")))
    try:
        with zipfile.ZipFile(partial, "w") as zf:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
