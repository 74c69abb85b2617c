"""Import a REFI-QDA project (``.qdpx``, or a bare ``.qde``) into a casekit project.

Text sources become documents (segmented with the project's units for their document type),
codes keep their hierarchy (and are matched to the project's own codes where they are the
same), each coding of a selection becomes a coding of the coder who made it, and notes become
memos on what they are attached to. Offsets are interpreted per source (see
:mod:`casekit.refi.offsets`). Everything is read and checked first; then the import is one
transaction and one event, so a bad file changes nothing and ``casekit undo`` can take the
codings and memos back out.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from casekit.refi.archive import DEFAULT_LIMITS, Archive, ArchiveLimits, open_archive
from casekit.refi.codes import CodePlan, plan_codes
from casekit.refi.errors import RefiError
from casekit.refi.guids import object_guid
from casekit.refi.model import Note, RefiProject, Selection, TextSource, iter_codes, note_title
from casekit.refi.offsets import SourceOffsets, choose_offsets
from casekit.refi.placement import SegmentIndex
from casekit.refi.reader import read_project
from casekit.refi.tables import (
    Remembered,
    auto_coding_keys,
    code_rows,
    guid_keys,
    insert_coding,
    insert_memo,
    memo_keys,
    remember,
)
from casekit.refi.times import store_time
from casekit.refi.xmlsafe import parse_xml
from casekit.store import Store, utc_now
from casekit.store.codings import AUTO_CODER, insert_code

if TYPE_CHECKING:
    from casekit.project import Project

__all__ = ["ImportReport", "SourceReport", "import_qdpx"]

ACTOR = "import"
UNKNOWN_USER = "imported"
_EXTENSIONS = re.compile(r"\.(txt|docx?|rtf|pdf|md|odt|html?)$", re.IGNORECASE)
_BAD_CODER_CHARS = re.compile(r"[,\t\r\n]+")


@dataclass
class SourceReport:
    """What happened to one text source."""

    source: str  # the name in the file
    document: str = ""  # the casekit document
    status: str = "added"  # added | existing | skipped
    offsets: str = ""
    n_codings: int = 0
    reason: str = ""

    def line(self) -> str:
        if self.status == "skipped":
            return f"  {self.source}: skipped ({self.reason})"
        what = "new document" if self.status == "added" else "existing document"
        name = f" as {self.document}" if self.document != self.source else ""
        return f"  {self.source}{name}: {what}, {self.n_codings:,} codings; offsets: {self.offsets}"


@dataclass
class ImportReport:
    """What an import did; :meth:`lines` is what the command prints."""

    path: str
    n_documents: int = 0
    n_codes_added: int = 0
    n_codes_matched: int = 0
    n_codings: int = 0
    n_skipped: int = 0  # codings already in the project
    n_memos: int = 0
    coders: list[str] = field(default_factory=list)
    sources: list[SourceReport] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    event_id: int | None = None

    def summary(self) -> str:
        who = f" by {', '.join(self.coders)}" if self.coders else ""
        text = (
            f"imported {_n(self.n_documents, 'new document')}, {_n(self.n_codes_added, 'new code')} "
            f"({self.n_codes_matched:,} matched the project's), {_n(self.n_codings, 'coding')}"
            f"{who} and {_n(self.n_memos, 'memo')} from {self.path}"
        )
        if self.n_skipped:
            text += f"; {self.n_skipped:,} codings already present were skipped"
        return text

    def lines(self) -> list[str]:
        out = [self.summary()]
        out += [s.line() for s in self.sources]
        out += [f"  note: {n}" for n in self.notices]
        return out


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


# -- plan ------------------------------------------------------------------------------------
@dataclass
class _PlannedDocument:
    name: str
    source: TextSource
    text: str
    sha256: str
    encoding: str
    language: str
    doc_type: str
    attributes: dict[str, str]
    cr_positions: list[int]
    segments: list[Any]  # casekit.segmentation.Segment, for new documents
    existing_id: int | None
    index: SegmentIndex
    spans: dict[str, tuple[int, int]]  # selection GUID -> (start, end) in text


@dataclass
class _PlannedCoding:
    document: str
    unit: str
    idx: int
    code: str
    start: int
    end: int
    coder: str
    created: str
    memo: str | None


@dataclass
class _PlannedMemo:
    target_type: str
    target: str  # for segments: filled in after placement, from (document, unit, idx)
    author: str
    text: str
    created: str
    place: tuple[str, str, int] | None = None  # (document, unit, idx) of a segment memo


def _coder_name(name: str, prefix: str) -> str:
    name = " ".join(_BAD_CODER_CHARS.sub(" ", name).split())
    return f"{prefix}{name}" if prefix else name


def _document_name(source: TextSource, taken: set[str]) -> str:
    name = _EXTENSIONS.sub("", source.name.strip()).replace("/", "-").replace("\\", "-").strip()
    name = name or f"source-{source.guid[:8]}"
    candidate, n = name, 2
    while candidate in taken:
        candidate = f"{name}-{n}"
        n += 1
    taken.add(candidate)
    return candidate


def _note_text(note: Note, archive: Archive, problems: list[str]) -> str:
    text = note.text
    if note.path:
        member = archive.find(note.path) if note.path.startswith("internal://") else None
        if member is None:
            problems.append(f"note '{note.name}': its text {note.path} is not in the archive")
            return ""
        from casekit.ingest.readers import decode_bytes

        text = decode_bytes(archive.read(member), archive.origin(member))[0]
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    parts = []
    if note.name.strip() and note.name.strip() != note_title(text):
        parts.append(note.name.strip())
    if text.strip():
        parts.append(text)
    if note.description.strip():
        parts.append(note.description.strip())
    return "\n\n".join(parts)


class _Planner:
    """Reads and checks everything; writes nothing."""

    def __init__(
        self, project: Project, archive: Archive, model: RefiProject, prefix: str, skip: bool
    ) -> None:
        self.project = project
        self.store = project.store
        self.archive = archive
        self.model = model
        self.prefix = prefix
        self.skip_missing = skip
        self.origin = archive.path.name
        self.report = ImportReport(str(archive.path))
        self.problems: list[str] = []
        self.users = {u.guid: u.name for u in model.users}
        self.used_users: dict[str, str] = {}  # coder name -> user GUID
        self.documents: list[_PlannedDocument] = []
        self.codings: list[_PlannedCoding] = []
        self.memos: list[_PlannedMemo] = []
        self.codes: CodePlan = CodePlan()
        self.notes = {n.guid: n for n in model.notes}
        self.attached: set[str] = set()

    # -- people ------------------------------------------------------------------------------
    def coder(self, *guids: str | None) -> tuple[str, str]:
        """``(coder, source)`` for the first known user GUID; ``rules`` stays automatic."""
        for guid in guids:
            if guid and self.users.get(guid, "").strip():
                raw = self.users[guid]
                if not self.prefix and raw.strip() == AUTO_CODER:
                    return AUTO_CODER, "auto"
                name = _coder_name(raw, self.prefix)
                self.used_users.setdefault(name, guid)
                return name, "manual"
        return _coder_name(UNKNOWN_USER, self.prefix), "manual"

    # -- sources -----------------------------------------------------------------------------
    def source_bytes(self, source: TextSource) -> tuple[bytes | None, str]:
        if source.text is not None:
            return source.text.encode("utf-8"), "inline"
        if not source.path:
            return None, "it has neither text nor a plainTextPath"
        if not source.path.lower().startswith("internal://"):
            return None, f"its text {source.path} is outside the archive"
        member = self.archive.find(source.path) if self.archive.is_zip else None
        if member is None:
            return None, f"its text {source.path} is not in the archive"
        return self.archive.read(member), member

    def plan_sources(self) -> None:
        from casekit.coding.manual import default_unit
        from casekit.ingest.readers import decode_bytes
        from casekit.segmentation import segment_text
        from casekit.store.documents import document_by_name
        from casekit.text import detect_language, normalize_newlines

        known = guid_keys(self.store, "document")
        taken: set[str] = set()
        attributes = self.source_attributes()
        for source in self.model.sources:
            entry = SourceReport(source.name)
            data, member = self.source_bytes(source)
            if data is None:
                if self.skip_missing:
                    entry.status, entry.reason = "skipped", member
                    self.report.sources.append(entry)
                    continue
                self.problems.append(
                    f"{self.origin}: source '{source.name}': {member}; nothing was imported. "
                    "Export the project again with its sources, or pass --skip-missing to "
                    "import the rest"
                )
                continue
            origin = self.archive.origin(member if member != "inline" else None)
            raw, encoding = decode_bytes(data, f"{origin} (source '{source.name}')")
            had_bom = data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
            offsets = SourceOffsets(raw, had_bom=had_bom)
            text = offsets.text
            if not text.strip():
                entry.status, entry.reason = "skipped", "its text is empty"
                self.report.sources.append(entry)
                continue
            spans = [(s.start, s.end, s.name) for s in source.selections]
            choice, converted = choose_offsets(offsets, spans)
            if choice is None:
                self.report_outside(source, converted, len(text))
                continue
            entry.offsets = choice.describe()
            values = dict(attributes.get(source.guid, {}))
            doc_type = values.pop("doc_type", "") or "document"
            language = values.pop("language", "")
            if language not in ("zh", "en"):
                language = detect_language(text)
            name = known.get(source.guid) or _document_name(source, taken)
            taken.add(name)
            existing = document_by_name(self.store, name)
            if existing is not None:
                if existing["text"].rstrip() != text.rstrip():
                    self.problems.append(
                        f"{self.origin}: source '{source.name}': the project already has a "
                        f"document '{name}' with a different text; rename the source in the "
                        "other program, or import into another project. Nothing was imported"
                    )
                    continue
                text = existing["text"]
                index = self.existing_index(existing["id"])
                segments: list[Any] = []
                entry.status = "existing"
            else:
                units = self.project.config["segment"].get(
                    doc_type, self.project.config["segment"]["default"]
                )
                segments = segment_text(text, units, language=language)
                index = SegmentIndex(
                    {
                        unit: sorted((s.start, s.end, s.idx) for s in segments if s.unit == unit)
                        for unit in {s.unit for s in segments}
                    },
                    default_unit({s.unit for s in segments}),
                )
            entry.document = name
            planned = _PlannedDocument(
                name=name,
                source=source,
                text=text,
                sha256=hashlib.sha256(data).hexdigest(),
                encoding=encoding,
                language=language,
                doc_type=doc_type,
                attributes=values,
                cr_positions=normalize_newlines(raw)[1],
                segments=segments,
                existing_id=None if existing is None else existing["id"],
                index=index,
                spans={
                    s.guid: (min(c[0], len(text)), min(c[1], len(text)))
                    for s, c in zip(source.selections, converted, strict=True)
                    if c is not None
                },
            )
            self.documents.append(planned)
            self.report.sources.append(entry)
            if choice.n_named > choice.n_names_matching:
                self.report.notices.append(
                    f"source '{source.name}': {choice.n_named - choice.n_names_matching} of "
                    f"{choice.n_named} selection names differ from the selected text"
                )

    def report_outside(
        self, source: TextSource, converted: Sequence[tuple[int, int] | None], length: int
    ) -> None:
        for selection, span in zip(source.selections, converted, strict=True):
            if span is None:
                line = f":{selection.line}" if selection.line else ""
                self.problems.append(
                    f"{self.archive.origin(self.archive.qde_name or None)}{line}: selection "
                    f"{selection.guid} "
                    f"({selection.start}-{selection.end}) of source '{source.name}' lies outside "
                    f"its text ({length:,} characters) under every offset convention"
                )

    def existing_index(self, document_id: int) -> SegmentIndex:
        from casekit.coding.manual import default_unit

        units: dict[str, list[tuple[int, int, int]]] = {}
        for row in self.store.query(
            "SELECT unit, idx, start, end FROM segments WHERE document_id = ? ORDER BY start",
            (document_id,),
        ):
            units.setdefault(row["unit"], []).append((row["start"], row["end"], row["idx"]))
        return SegmentIndex(units, default_unit(set(units)))

    def source_attributes(self) -> dict[str, dict[str, str]]:
        """Attributes per source GUID from variables, cases and sets of sources."""
        names = {v.guid: v.name for v in self.model.variables}
        out: dict[str, dict[str, str]] = {}
        for source in self.model.sources:
            out[source.guid] = {
                names.get(g, g): v for g, v in source.variables.items() if v and names.get(g)
            }
        for case in self.model.cases:
            for guid in case.sources:
                values = out.setdefault(guid, {})
                if case.name and case.name not in values.values():
                    joined = values.get("case")
                    values["case"] = f"{joined}; {case.name}" if joined else case.name
                for g, v in case.variables.items():
                    if v and names.get(g):
                        values.setdefault(names[g], v)
        for refi_set in self.model.sets:
            key, sep, value = refi_set.name.partition(":")
            for guid in refi_set.sources:
                values = out.setdefault(guid, {})
                if sep and key.strip() and value.strip():
                    values.setdefault(key.strip(), value.strip())
                else:
                    groups = [g for g in values.get("sets", "").split("; ") if g]
                    values["sets"] = "; ".join(sorted({*groups, refi_set.name}))
        return out

    # -- codings and memos -------------------------------------------------------------------
    def plan_codings(self) -> None:
        now = utc_now()
        for doc in self.documents:
            source = doc.source
            whole = Selection(guid="", start=0, end=len(doc.text), codings=source.codings)
            for selection in [*source.selections, whole]:
                span = doc.spans.get(selection.guid, (0, len(doc.text)))
                if not selection.codings and not selection.note_refs and not selection.description:
                    continue
                unit, idx = doc.index.place(*span)
                for coding in selection.codings:
                    coder, _ = self.coder(coding.user, selection.user, source.user)
                    memo = "\n\n".join(
                        t for t in (self.note_text(g) for g in coding.note_refs) if t
                    )
                    self.codings.append(
                        _PlannedCoding(
                            doc.name,
                            unit,
                            idx,
                            self.codes.ids[coding.code],
                            span[0],
                            span[1],
                            coder,
                            store_time(coding.created or selection.created) or now,
                            memo or None,
                        )
                    )
                if selection.description.strip():
                    author, _ = self.coder(selection.user, source.user)
                    created = store_time(selection.created) or now
                    self.memos.append(
                        _PlannedMemo(
                            "segment",
                            "",
                            author,
                            selection.description.strip(),
                            created,
                            (doc.name, unit, idx),
                        )
                    )
                for guid in selection.note_refs:
                    self.memo_from_note(guid, "segment", "", place=(doc.name, unit, idx))
            for guid in source.note_refs:
                self.memo_from_note(guid, "document", doc.name)
            if source.description.strip():
                author, _ = self.coder(source.user)
                self.memos.append(
                    _PlannedMemo(
                        "document",
                        doc.name,
                        author,
                        source.description.strip(),
                        store_time(source.created) or now,
                    )
                )

    def note_text(self, guid: str) -> str:
        note = self.notes.get(guid)
        if note is None:
            return ""
        self.attached.add(guid)
        return _note_text(note, self.archive, self.problems)

    def memo_from_note(
        self, guid: str, target_type: str, target: str, place: tuple[str, str, int] | None = None
    ) -> None:
        note = self.notes.get(guid)
        if note is None:
            return
        text = self.note_text(guid)
        if not text.strip():
            return
        author, _ = self.coder(note.user)
        created = store_time(note.created) or utc_now()
        self.memos.append(_PlannedMemo(target_type, target, author, text, created, place))

    def plan_memos(self) -> None:
        codes = {code.guid: code for code, _ in iter_codes(self.model.codes)}
        for code in codes.values():
            for guid in code.note_refs:
                self.memo_from_note(guid, "code", self.codes.ids[code.guid])
        for guid in self.model.note_refs:
            self.memo_from_note(guid, "project", "")
        documents = {d.source.guid: d for d in self.documents}
        selections = {
            s.guid: d for d in self.documents for s in d.source.selections if s.guid in d.spans
        }
        for link in self.model.links:
            for note_guid, other in ((link.origin, link.target), (link.target, link.origin)):
                if note_guid not in self.notes or other is None or note_guid in self.attached:
                    continue
                if other in codes:
                    self.memo_from_note(note_guid, "code", self.codes.ids[other])
                elif other in documents:
                    self.memo_from_note(note_guid, "document", documents[other].name)
                elif other in selections:
                    doc = selections[other]
                    unit, idx = doc.index.place(*doc.spans[other])
                    self.memo_from_note(note_guid, "segment", "", place=(doc.name, unit, idx))
        for guid in self.notes:
            if guid not in self.attached:
                self.memo_from_note(guid, "project", "")

    # -- all of it ---------------------------------------------------------------------------
    def plan(self) -> None:
        self.codes = plan_codes(
            self.model.codes,
            self.model.sets,
            code_rows(self.store),
            guid_keys(self.store, "code"),
            origin=self.origin,
        )
        self.plan_sources()
        if self.problems:
            raise RefiError(
                f"{self.origin}: {len(self.problems)} problem"
                f"{'s' if len(self.problems) > 1 else ''}, nothing was imported:\n  "
                + "\n  ".join(self.problems[:40])
                + (f"\n  … and {len(self.problems) - 40} more" if len(self.problems) > 40 else "")
            )
        self.plan_codings()
        self.plan_memos()
        if self.problems:
            raise RefiError(f"{self.origin}: " + "; ".join(self.problems) + "; nothing imported")
        self.report.notices += self.model.skipped
        if self.codes.sets_not_kept:
            self.report.notices.append(
                "code sets not kept (casekit groups codes by hierarchy and family): "
                + ", ".join(self.codes.sets_not_kept)
            )


# -- write -------------------------------------------------------------------------------------
def _write(planner: _Planner, data: bytes) -> None:
    from casekit.store.documents import DocumentRecord, insert_document
    from casekit.store.manual import manual_coding_keys

    report = planner.report
    store = planner.store
    origin = planner.origin
    with store.transaction() as con:
        for code in planner.codes.new:
            insert_code(con, code)
        seg_ids: dict[tuple[str, str, int], int] = {}
        doc_ids: dict[str, int] = {}
        for doc in planner.documents:
            if doc.existing_id is None:
                doc.existing_id = insert_document(
                    con,
                    DocumentRecord(
                        name=doc.name,
                        path=f"refi:{origin}/{doc.name}",
                        sha256=doc.sha256,
                        text=doc.text,
                        language=doc.language,
                        doc_type=doc.doc_type,
                        encoding=doc.encoding,
                        attributes=doc.attributes,
                        segments=doc.segments,
                        cr_positions=doc.cr_positions,
                    ),
                    actor=ACTOR,
                )
                created = store_time(doc.source.created)
                if created is not None:
                    # The source's own creation time, so exporting again keeps it.
                    con.execute(
                        "UPDATE documents SET ingested_at = ? WHERE id = ?",
                        (created, doc.existing_id),
                    )
                report.n_documents += 1
            doc_ids[doc.name] = doc.existing_id
            for row in con.execute(
                "SELECT id, unit, idx FROM segments WHERE document_id = ?", (doc.existing_id,)
            ):
                seg_ids[(doc.name, row["unit"], row["idx"])] = row["id"]
        manual = manual_coding_keys(con, doc_ids.values())
        auto = auto_coding_keys(con, doc_ids.values())
        coding_ids: list[int] = []
        counts = {d.name: 0 for d in planner.documents}
        coders: set[str] = set()
        texts = {d.name: d.text for d in planner.documents}
        for c in planner.codings:
            source = "auto" if c.coder == AUTO_CODER else "manual"
            key = (doc_ids[c.document], c.start, c.end, c.code, c.coder)
            existing = auto if source == "auto" else manual
            if key in existing:
                report.n_skipped += 1
                continue
            existing.add(key)
            coding_ids.append(
                insert_coding(
                    con,
                    segment_id=seg_ids[(c.document, c.unit, c.idx)],
                    code=c.code,
                    start=c.start,
                    end=c.end,
                    source=source,
                    coder=c.coder,
                    matched_text=texts[c.document][c.start : c.end],
                    codebook_version="",
                    memo=c.memo,
                    created_at=c.created,
                )
            )
            counts[c.document] += 1
            coders.add(c.coder)
        memo_ids: list[int] = []
        present = memo_keys(con)
        for m in planner.memos:
            target = m.target
            if m.place is not None:
                target = _segment_key(*m.place)
            memo_key = (m.target_type, target, m.author, m.text)
            if memo_key in present:
                continue
            present.add(memo_key)
            memo_ids.append(
                insert_memo(
                    con,
                    target_type=m.target_type,
                    target=target,
                    author=m.author,
                    text=m.text,
                    created_at=m.created,
                )
            )
        remember(con, _remembered(planner))
        report.n_codings = len(coding_ids)
        report.n_memos = len(memo_ids)
        report.coders = sorted(coders)
        report.n_codes_added = len(planner.codes.new)
        report.n_codes_matched = planner.codes.n_matched
        for entry in report.sources:
            entry.n_codings = counts.get(entry.document, 0)
        if coding_ids or memo_ids or report.n_documents or report.n_codes_added:
            report.event_id = Store.log_event(
                con,
                ACTOR,
                "refi.import",
                {
                    "summary": report.summary(),
                    "file": origin,
                    "sha256": hashlib.sha256(data).hexdigest(),
                    "documents": [d.name for d in planner.documents],
                    "codes_added": [c.id for c in planner.codes.new],
                    "effect": {
                        "codings": {"added": coding_ids, "removed": []},
                        "memos": {"added": memo_ids, "removed": []},
                    },
                },
            )


def _segment_key(document: str, unit: str, idx: int) -> str:
    from casekit.segmentation import segment_key

    return segment_key(document, unit, idx)


def _remembered(planner: _Planner) -> list[Remembered]:
    origin = planner.origin
    # GUIDs casekit would give anyway (a file it exported) need not be remembered.
    rows = list(planner.codes.remembered)
    rows += [
        Remembered("document", d.name, d.source.guid, origin=origin)
        for d in planner.documents
        if d.source.guid != object_guid("document", d.name)
    ]
    rows += [
        Remembered("user", name, guid, origin=origin)
        for name, guid in planner.used_users.items()
        if guid != object_guid("user", name)
    ]
    return rows


def import_qdpx(
    project: Project,
    path: str | Path,
    *,
    coder_prefix: str = "",
    skip_missing: bool = False,
    limits: ArchiveLimits = DEFAULT_LIMITS,
) -> ImportReport:
    """Import a ``.qdpx`` archive (or a bare ``.qde``) into the project: all of it or nothing.

    Parameters
    ----------
    project
        The open project.
    path
        The archive.
    coder_prefix
        Put before every user name to make the coder name (``nvivo-`` gives ``nvivo-Anna``),
        so imported work stays apart from the project's coders.
    skip_missing
        Import the rest when some sources' texts are not in the archive (they are listed);
        by default that is an error.
    limits
        Size caps for archive members (see :class:`~casekit.refi.archive.ArchiveLimits`).

    Returns
    -------
    ImportReport
        With one line per source naming the offset convention used.

    Raises
    ------
    RefiError
        A hostile or damaged archive, XML with a DTD, missing or malformed required parts,
        dangling or duplicate GUIDs, selections outside their text, missing sources, or a
        source whose name is taken by a different document; nothing was written.
    """
    archive = open_archive(path, limits=limits)
    origin = archive.origin(archive.qde_name or None)
    model = read_project(parse_xml(archive.qde, origin), origin)
    if coder_prefix and _BAD_CODER_CHARS.search(coder_prefix):
        raise RefiError("--as-coder-prefix may not contain commas, tabs or newlines")
    planner = _Planner(project, archive, model, coder_prefix, skip_missing)
    planner.plan()
    _write(planner, Path(path).read_bytes())
    return planner.report
