"""Export a casekit project as a REFI-QDA project (``.qdpx``) for NVivo, ATLAS.ti, MAXQDA, QualCoder.

What goes in: coders as users; the codebook hierarchy with descriptions and colours (the
same ``<Code>`` elements as ``casekit codebook export --format qdc``, plus codes the store
holds beyond the codebook, e.g. imported ones); code families as sets; documents as text
sources with their manifest attributes as variables (and, on request, cases made from one
attribute); every coding on a selection (one selection per span); memos as notes referenced
from what they are about. Offsets are code points with exclusive ends; GUIDs are derived
from project-stable keys, so the same project exports to the same GUIDs every time.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit import __version__
from casekit.codebook.export import export_codebook
from casekit.codebook.model import Code, Codebook
from casekit.refi.errors import RefiError
from casekit.refi.guids import code_guid, object_guid
from casekit.refi.model import (
    Case,
    Note,
    RefiCode,
    RefiCoding,
    RefiProject,
    RefiSet,
    Selection,
    TextSource,
    User,
    Variable,
    note_title,
    quote_name,
)
from casekit.refi.tables import code_rows, document_rows, last_event_time, remembered
from casekit.refi.times import store_time
from casekit.store.codings import AUTO_CODER, CodeRow
from casekit.store.manual import coding_rows, get_segment, known_coders, list_memos

if TYPE_CHECKING:
    from casekit.project import Project
    from casekit.refi.pseudonyms import NameMapping

__all__ = ["ExportReport", "build_export", "export_qdpx"]

# Variables every document has, before its manifest attributes.
_FIXED_VARIABLES = ("doc_type", "language")


@dataclass
class ExportReport:
    """What an export wrote."""

    path: str
    n_documents: int = 0
    n_codes: int = 0
    n_codings: int = 0
    n_selections: int = 0
    n_memos: int = 0
    coders: list[str] = field(default_factory=list)
    n_replacements: int | None = None  # names replaced when pseudonymised

    def summary(self) -> str:
        coders = f" by {len(self.coders)} coder{'s' if len(self.coders) != 1 else ''}"
        coders += f" ({', '.join(self.coders)})" if self.coders else ""
        text = (
            f"exported {_n(self.n_documents, 'document')}, {_n(self.n_codes, 'code')}, "
            f"{_n(self.n_codings, 'coding')} on {_n(self.n_selections, 'selection')}{coders} "
            f"and {_n(self.n_memos, 'memo')} to {self.path}"
        )
        if self.n_replacements is not None:
            text += f"; pseudonymised ({_n(self.n_replacements, 'name')} replaced)"
        return text


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


# -- codes -------------------------------------------------------------------------------------
def _synthesized_codebook(
    codebook_id: str, rows: Sequence[CodeRow], order: dict[str, int]
) -> Codebook:
    """A codebook of codes the store holds without a codebook file (imported, or removed).

    Codes come in the order they were imported (``order``), the others after them by id.
    """
    ids = {r.id for r in rows}
    parents = {r.id: (r.parent if r.parent in ids and r.parent != r.id else None) for r in rows}
    # A parent cycle would hide its codes from the tree: cut it at the first repeat.
    for code_id in sorted(parents):
        seen, node = {code_id}, parents[code_id]
        while node is not None:
            if node in seen:
                parents[code_id] = None
                break
            seen.add(node)
            node = parents[node]
    codes = {
        r.id: Code(
            id=r.id,
            family=r.family or "imported",
            names={k: v for k, v in (("zh", r.name_zh), ("en", r.name_en)) if v},
            parent=parents[r.id],
            definition=r.definition,
        )
        for r in sorted(rows, key=lambda r: (order.get(r.id, len(order)), r.id))
    }
    return Codebook(id=codebook_id, version="", languages=("zh", "en"), codes=codes)


@dataclass
class _Codes:
    roots: list[RefiCode]
    sets: list[RefiSet]
    guids: dict[str, str]  # code id -> GUID
    nodes: dict[str, RefiCode]


def _code_tree(project: Project, lang: str) -> _Codes:
    from casekit.codebook.loader import load_codebook
    from casekit.refi.reader import read_codebook
    from casekit.refi.xmlsafe import parse_xml

    store = project.store
    rows = code_rows(store)
    groups: list[tuple[Codebook, bool]] = []
    own: set[str] = set()
    if project.codebook_path.is_file():
        codebook = load_codebook(project.codebook_path)
        groups.append((codebook, True))
        own = set(codebook.codes)
    by_group: dict[str, list[CodeRow]] = {}
    for row in rows:
        if row.id not in own:
            by_group.setdefault(row.codebook or "casekit", []).append(row)
    looks = remembered(store, "code")
    imported = {code_id: i for i, code_id in enumerate(looks)}
    groups += [(_synthesized_codebook(g, by_group[g], imported), False) for g in sorted(by_group)]
    real_parent = {r.id: r.parent for r in rows}
    family_guids = remembered(store, "family")
    order: list[str] = []
    nodes: dict[str, RefiCode] = {}
    guids: dict[str, str] = {}
    sets: list[RefiSet] = []
    for codebook, is_own in groups:
        # The same XML as 'casekit codebook export --format qdc', read back: one source of truth.
        qdc = export_codebook(codebook, "qdc", lang=lang)
        assert isinstance(qdc, bytes)
        codes, qdc_sets, _ = read_codebook(parse_xml(qdc, f"codebook {codebook.id}"), codebook.id)
        by_guid = {code_guid(codebook.id, c.id): c.id for c in codebook}
        renamed: dict[str, str] = {}
        stack = list(codes)
        while stack:
            node = stack.pop(0)
            stack[:0] = node.children
            node.children = []
            code_id = by_guid[node.guid]
            if is_own:
                real_parent[code_id] = codebook.codes[code_id].parent
            else:
                look = looks.get(code_id)
                if look is not None:
                    renamed[node.guid] = look.guid
                    node.guid = look.guid
                    node.name = look.name or node.name
                    node.color = look.color
                    node.description = look.description or ""
            nodes[code_id] = node
            guids[code_id] = node.guid
            order.append(code_id)
        for refi_set in qdc_sets:
            refi_set.codes = [renamed.get(g, g) for g in refi_set.codes]
            if not is_own and refi_set.name in family_guids:
                refi_set.guid = family_guids[refi_set.name].guid
            sets.append(refi_set)
    roots: list[RefiCode] = []
    for code_id in order:
        parent = real_parent.get(code_id)
        if parent in nodes and not _in_cycle(code_id, real_parent):
            nodes[parent].children.append(nodes[code_id])  # type: ignore[index]
        else:
            roots.append(nodes[code_id])
    return _Codes(roots, sets, guids, nodes)


def _in_cycle(code_id: str, parents: dict[str, str | None]) -> bool:
    seen = {code_id}
    node = parents.get(code_id)
    while node is not None:
        if node in seen:
            return True
        seen.add(node)
        node = parents.get(node)
    return False


# -- the project model -------------------------------------------------------------------------
def _check_coders(project: Project, coders: Sequence[str] | None) -> None:
    if not coders:
        return
    known = set(known_coders(project.store)) | {AUTO_CODER}
    unknown = [c for c in coders if c not in known]
    if unknown:
        listed = ", ".join(sorted(known - {AUTO_CODER})) or "none yet"
        raise RefiError(
            f"unknown coder{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}; coders in "
            f"this project: {listed} (and '{AUTO_CODER}' for automatic codings)"
        )


def _attributes(document: dict[str, Any]) -> dict[str, str]:
    values = {"doc_type": document["doc_type"], "language": document["language"]}
    for key, value in json.loads(document["attributes"] or "{}").items():
        if key not in values and value not in (None, ""):
            values[key] = str(value)
    return {k: v for k, v in values.items() if v}


def build_export(
    project: Project,
    *,
    coders: Sequence[str] | None = None,
    source: str | None = None,
    lang: str = "en",
    cases: str | None = None,
) -> tuple[RefiProject, dict[str, str]]:
    """The REFI-QDA model of a project and the text of each source (by source GUID).

    Parameters
    ----------
    project
        The open project.
    coders
        Only codings and memos of these coders (``rules`` is the automatic coder).
    source
        ``"manual"`` or ``"auto"`` codings only; None for both.
    lang
        Language of code names (``ID name``), as for ``casekit codebook export``.
    cases
        A document attribute; each of its values becomes a case holding the documents
        that have it.

    Raises
    ------
    RefiError
        An unknown coder or case attribute.
    CodebookError
        The project's codebook file is invalid.
    """
    _check_coders(project, coders)
    store = project.store
    codes = _code_tree(project, lang)
    documents = document_rows(store)
    doc_guids = remembered(store, "document")
    user_guids = remembered(store, "user")
    model = RefiProject(
        name=str(project.config["project"].get("name") or project.root.name),
        origin=f"casekit {__version__}",
        created=store_time(min((d["ingested_at"] for d in documents), default=None)),
        modified=store_time(last_event_time(store)),
        codes=codes.roots,
        sets=[s for s in codes.sets if s.codes],
    )
    users: dict[str, User] = {}

    def user(name: str) -> str:
        if name not in users:
            look = user_guids.get(name)
            users[name] = User(look.guid if look else object_guid("user", name), name)
        return users[name].guid

    # Documents and their variables.
    sources: dict[str, TextSource] = {}
    texts: dict[str, str] = {}
    keys: list[str] = []
    attributes: dict[str, dict[str, str]] = {}
    for document in documents:
        values = _attributes(document)
        attributes[document["name"]] = values
        keys += [k for k in values if k not in keys]
    ordered = [k for k in _FIXED_VARIABLES if k in keys] + sorted(
        k for k in keys if k not in _FIXED_VARIABLES
    )
    variable_guids = {k: object_guid("variable", k) for k in ordered}
    model.variables = [Variable(variable_guids[k], k) for k in ordered]
    for document in documents:
        name = document["name"]
        look = doc_guids.get(name)
        guid = look.guid if look else object_guid("document", name)
        sources[name] = TextSource(
            guid=guid,
            name=name,
            path=f"internal://{guid}.txt",
            created=store_time(document["ingested_at"]),
            variables={variable_guids[k]: v for k, v in attributes[name].items()},
        )
        texts[guid] = document["text"]
    model.sources = list(sources.values())
    if cases is not None:
        model.cases = _cases(cases, attributes, sources)

    # Codings, one selection per span.
    selections: dict[tuple[str, int, int], Selection] = {}
    notes: list[Note] = []
    rows = coding_rows(store, coders=list(coders) if coders else None, source=source)
    for code_id in sorted({r["code"] for r in rows} - codes.guids.keys()):
        # A code that has codings but is in neither the codebook nor the codes table.
        node = RefiCode(guid=code_guid("casekit", code_id), name=code_id)
        codes.roots.append(node)
        codes.nodes[code_id], codes.guids[code_id] = node, node.guid
    for row in rows:
        key = (row["document"], row["start"], row["end"])
        selection = _selection(selections, sources, texts, key)
        coding_guid = object_guid("coding", *key, row["code"], row["coder"])
        if any(c.guid == coding_guid for c in selection.codings):
            continue  # the same code by the same coder on the same span says nothing more
        created = store_time(row["created_at"])
        coding = RefiCoding(
            guid=coding_guid,
            code=codes.guids[row["code"]],
            user=user(row["coder"]),
            created=created,
        )
        if row["memo"]:
            note = Note(
                guid=object_guid("coding-memo", coding_guid),
                name=note_title(row["memo"]),
                text=row["memo"],
                user=coding.user,
                created=created,
            )
            notes.append(note)
            coding.note_refs.append(note.guid)
        selection.codings.append(coding)
        if selection.user is None:
            selection.user, selection.created = coding.user, created

    # Memos, as notes referenced from what they are about.
    for memo in list_memos(store):
        if coders and memo["author"] not in coders:
            continue
        note = Note(
            guid=object_guid(
                "memo", memo["target_type"], memo["target"], memo["author"], memo["created_at"]
            ),
            name=note_title(memo["text"]),
            text=memo["text"],
            user=user(memo["author"]),
            created=store_time(memo["created_at"]),
        )
        refs = _memo_refs(project, memo, model, sources, texts, codes, selections)
        if refs is None:
            refs = model.note_refs
            note.description = f"casekit memo on {memo['target_type']} {memo['target']}"
        refs.append(note.guid)
        notes.append(note)
    for name, source_element in sources.items():
        source_element.selections = sorted(
            (s for k, s in selections.items() if k[0] == name), key=lambda s: (s.start, s.end)
        )
    model.notes = notes
    model.users = sorted(users.values(), key=lambda u: u.name)
    return model, texts


def _selection(
    selections: dict[tuple[str, int, int], Selection],
    sources: dict[str, TextSource],
    texts: dict[str, str],
    key: tuple[str, int, int],
) -> Selection:
    if key not in selections:
        name, start, end = key
        text = texts[sources[name].guid]
        selections[key] = Selection(
            guid=object_guid("selection", *key),
            start=start,
            end=end,
            name=quote_name(text[start:end]),
        )
    return selections[key]


def _memo_refs(
    project: Project,
    memo: dict[str, Any],
    model: RefiProject,
    sources: dict[str, TextSource],
    texts: dict[str, str],
    codes: _Codes,
    selections: dict[tuple[str, int, int], Selection],
) -> list[str] | None:
    """The NoteRef list a memo belongs in, or None when its target is gone."""
    kind, target = memo["target_type"], memo["target"]
    if kind == "project":
        return model.note_refs
    if kind == "document" and target in sources:
        return sources[target].note_refs
    if kind == "code" and target in codes.nodes:
        return codes.nodes[target].note_refs
    if kind == "segment":
        segment = get_segment(project.store, target)
        if segment is not None and segment.document in sources:
            key = (segment.document, segment.start, segment.end)
            return _selection(selections, sources, texts, key).note_refs
    return None


def _cases(
    attribute: str, attributes: dict[str, dict[str, str]], sources: dict[str, TextSource]
) -> list[Case]:
    groups: dict[str, list[str]] = {}
    for name, values in attributes.items():
        if values.get(attribute):
            groups.setdefault(values[attribute], []).append(sources[name].guid)
    if not groups:
        available = sorted({k for values in attributes.values() for k in values})
        raise RefiError(
            f"no document has the attribute '{attribute}' to make cases from; attributes in "
            f"this project: {', '.join(available) or 'none'}"
        )
    return [
        Case(
            guid=object_guid("case", attribute, value),
            name=value,
            description=f"casekit: documents whose {attribute} is {value}",
            sources=members,
        )
        for value, members in sorted(groups.items())
    ]


def export_qdpx(
    project: Project,
    path: str | Path,
    *,
    coders: Sequence[str] | None = None,
    source: str | None = None,
    lang: str = "en",
    cases: str | None = None,
    anonymize: NameMapping | None = None,
) -> ExportReport:
    """Write the project as a ``.qdpx`` archive.

    Parameters
    ----------
    project
        The open project.
    path
        The archive to write (replaced if it exists).
    coders, source, lang, cases
        As for :func:`build_export`.
    anonymize
        Replace the names of this mapping in texts, document names, variables and memos,
        moving offsets so each selection covers the same words (see
        :mod:`casekit.refi.pseudonyms`).

    Returns
    -------
    ExportReport

    Examples
    --------
    >>> export_qdpx(project, "outputs/study.qdpx", coders=["li"])  # doctest: +SKIP
    """
    from casekit.refi.writer import write_qdpx

    model, texts = build_export(project, coders=coders, source=source, lang=lang, cases=cases)
    report = ExportReport(str(path))
    if anonymize is not None:
        from casekit.refi.anonymize import pseudonymize_export

        report.n_replacements = pseudonymize_export(model, texts, anonymize)
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        write_qdpx(model, texts, path)
    except OSError as exc:
        raise RefiError(f"cannot write {path}: {exc.strerror or exc}") from exc
    report.n_documents = len(model.sources)
    report.n_codes = sum(1 for _ in model.all_codes())
    report.n_selections = sum(len(s.selections) for s in model.sources)
    report.n_codings = sum(len(sel.codings) for s in model.sources for sel in s.selections)
    report.n_memos = len(model.notes) - sum(
        1 for s in model.sources for sel in s.selections for c in sel.codings for _ in c.note_refs
    )
    report.coders = sorted(u.name for u in model.users if _has_codings(model, u.guid))
    return report


def _has_codings(model: RefiProject, user_guid: str) -> bool:
    return any(
        c.user == user_guid for s in model.sources for sel in s.selections for c in sel.codings
    )
