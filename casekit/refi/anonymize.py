"""Pseudonymised copies of a project, and pseudonymised exports on the fly.

:func:`anonymize_project` writes a new project folder: ``casekit.toml`` and the codebooks
copied, every stored document's text written (pseudonymised, UTF-8, LF) to ``corpus/``, the
manifest rewritten, and the store copied and rewritten in one transaction — document texts
and names, segments, codings (offsets moved so each still covers the same words), memos,
rejected suggestions and the event log. The original project is only read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from casekit.config import CONFIG_NAME
from casekit.refi.errors import AnonymizeError
from casekit.refi.model import RefiProject, quote_name
from casekit.refi.pseudonyms import NameMapping, OffsetMap, pseudonymize_text
from casekit.segmentation import UNIT_LETTERS
from casekit.store import Store

if TYPE_CHECKING:
    from casekit.project import Project

__all__ = ["AnonymizeReport", "anonymize_project", "default_output", "pseudonymize_export"]

_ACTOR = "anonymize"


# -- exports -----------------------------------------------------------------------------------
def pseudonymize_export(model: RefiProject, texts: dict[str, str], mapping: NameMapping) -> int:
    """Pseudonymise an export model in place; returns the number of names replaced.

    Source texts and names, variable values, selection spans and names, notes and cases are
    rewritten; codes and users (coders) are not.
    """
    count = 0

    def swap(text: str) -> str:
        nonlocal count
        new, offsets = pseudonymize_text(text, mapping)
        count += offsets.n_replacements
        return new

    model.name = swap(model.name)
    for source in model.sources:
        new, offsets = pseudonymize_text(texts[source.guid], mapping)
        count += offsets.n_replacements
        texts[source.guid] = new
        source.name = swap(source.name)
        source.variables = {k: swap(v) for k, v in source.variables.items()}
        for selection in source.selections:
            selection.start, selection.end = offsets.map_span(selection.start, selection.end)
            if selection.name:
                selection.name = quote_name(new[selection.start : selection.end])
            selection.description = swap(selection.description)
    for note in model.notes:
        note.name, note.text, note.description = (
            swap(note.name),
            swap(note.text),
            swap(note.description),
        )
    for case in model.cases:
        case.name, case.description = swap(case.name), swap(case.description)
    return count


# -- project copies ----------------------------------------------------------------------------
@dataclass
class AnonymizeReport:
    """What a pseudonymised copy holds."""

    source: str
    target: str
    n_names: int = 0
    n_documents: int = 0
    n_replacements: int = 0
    n_codings: int = 0
    n_memos: int = 0
    renamed: dict[str, str] = field(default_factory=dict)  # document names changed
    not_copied: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (
            f"wrote a pseudonymised copy of {self.source} to {self.target}: "
            f"{self.n_documents} documents, {self.n_replacements:,} names replaced "
            f"(mapping of {self.n_names}); {self.n_codings:,} codings and {self.n_memos:,} "
            "memos carried over"
        )
        if self.renamed:
            text += f"; {len(self.renamed)} documents renamed"
        if self.not_copied:
            shown = ", ".join(self.not_copied[:5])
            more = f" and {len(self.not_copied) - 5} more" if len(self.not_copied) > 5 else ""
            text += f"; not copied (may name people, or hold offsets): {shown}{more}"
        return text


def default_output(project: Project) -> Path:
    """Where the copy goes without ``--out``: ``<project>-pseudonymised`` next to the project."""
    return project.root.parent / f"{project.root.name}-pseudonymised"


@dataclass
class _Document:
    id: int
    name: str
    new_name: str
    path: str
    new_path: str
    text: str
    new_text: str
    offsets: OffsetMap


def _check_target(project: Project, target: Path) -> None:
    root = project.root.resolve()
    resolved = target.resolve()
    if resolved == root or resolved.is_relative_to(root):
        raise AnonymizeError(
            f"{target}: inside the project; choose a folder outside it for the pseudonymised copy"
        )
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise AnonymizeError(
            f"{target}: already exists and is not empty; choose a new folder (nothing is "
            "overwritten)"
        )


def _corpus_prefix(project: Project) -> str:
    return project.relative(project.corpus_dir) + "/"


def _new_path(project: Project, path: str, new_name: str, swap: Callable[[str], str]) -> str:
    """A stored document's path in the copy: its text as ``.txt`` under the same folder."""
    prefix = _corpus_prefix(project)
    if path.startswith(prefix):
        folder = PurePosixPath(path).parent
        return (PurePosixPath(swap(str(folder))) / f"{new_name}.txt").as_posix()
    return swap(path)


def anonymize_project(
    project: Project, mapping: NameMapping, out: str | Path | None = None
) -> AnonymizeReport:
    """Write a pseudonymised copy of ``project`` to ``out``.

    Parameters
    ----------
    project
        The open project; it is only read.
    mapping
        The names to replace (see :func:`casekit.refi.pseudonyms.read_mapping`).
    out
        A new (or empty) folder outside the project; default :func:`default_output`.

    Returns
    -------
    AnonymizeReport

    Raises
    ------
    AnonymizeError
        The target exists and is not empty, lies inside the project, or two documents
        would get the same name. Nothing is left behind on failure.
    """
    target = Path(out) if out is not None else default_output(project)
    _check_target(project, target)
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        report = _write_copy(project, mapping, work)
        if target.exists():
            target.rmdir()
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    report.target = str(target)
    return report


def _write_copy(project: Project, mapping: NameMapping, work: Path) -> AnonymizeReport:
    report = AnonymizeReport(source=str(project.root), target=str(work), n_names=len(mapping.pairs))

    def swap(text: str) -> str:
        return pseudonymize_text(text, mapping)[0]

    shutil.copy2(project.root / CONFIG_NAME, work / CONFIG_NAME)
    codebooks = project.root / "codebooks"
    if codebooks.is_dir():
        shutil.copytree(codebooks, work / "codebooks")
    (work / "outputs").mkdir()
    corpus = work / project.relative(project.corpus_dir)
    corpus.mkdir(parents=True, exist_ok=True)

    store = project.store
    documents = []
    for row in store.query("SELECT id, name, path, text FROM documents ORDER BY id"):
        new_text, offsets = pseudonymize_text(row["text"], mapping)
        new_name = swap(row["name"]).replace("/", "-")
        documents.append(
            _Document(
                row["id"],
                row["name"],
                new_name,
                row["path"],
                _new_path(project, row["path"], new_name, swap),
                row["text"],
                new_text,
                offsets,
            )
        )
        report.n_replacements += offsets.n_replacements
        if new_name != row["name"]:
            report.renamed[row["name"]] = new_name
    names: dict[str, str] = {}
    for doc in documents:
        if doc.new_name in names:
            raise AnonymizeError(
                f"documents '{names[doc.new_name]}' and '{doc.name}' would both be called "
                f"'{doc.new_name}' in the copy; change the mapping so names stay distinct"
            )
        names[doc.new_name] = doc.name

    digests = {}
    for doc in documents:
        if doc.path.startswith(_corpus_prefix(project)):
            data = doc.new_text.encode("utf-8")
            file = work / doc.new_path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(data)
            digests[doc.id] = hashlib.sha256(data).hexdigest()
    report.not_copied = _write_manifest(project, work, documents, swap)

    db = work / project.db_path.name
    target = sqlite3.connect(db)
    try:
        store.con.backup(target)
    finally:
        target.close()
    copy = Store(db)
    try:
        copy.con.execute("PRAGMA secure_delete = ON")
        with copy.transaction() as con:
            _rewrite_store(con, documents, digests, swap, report)
            Store.log_event(
                con,
                _ACTOR,
                "project.anonymize",
                {
                    "names": len(mapping.pairs),
                    "replacements": report.n_replacements,
                    "documents_renamed": len(report.renamed),
                },
            )
        # Old texts must not survive in free pages or the write-ahead log of the copy.
        copy.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        copy.con.execute("VACUUM")
        copy.con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        copy.close()
    report.n_documents = len(documents)
    return report


def _write_manifest(
    project: Project, work: Path, documents: list[_Document], swap: Callable[[str], str]
) -> list[str]:
    """Copy the manifest rows of stored documents (renamed, values pseudonymised).

    Returns the corpus files not carried over, as project-relative paths.
    """
    prefix = _corpus_prefix(project)
    by_corpus_path = {
        d.path.removeprefix(prefix): d.new_path.removeprefix(prefix)
        for d in documents
        if d.path.startswith(prefix)
    }
    manifest = project.manifest_path
    skipped = []
    if manifest.is_file():
        text = manifest.read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline="")))
        header = [h.strip() for h in rows[0]] if rows else []
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if header:
            writer.writerow(header)
            column = header.index("file") if "file" in header else None
            for record in rows[1:]:
                if column is None or len(record) <= column:
                    continue
                name = record[column].strip().replace("\\", "/")
                if name not in by_corpus_path:
                    continue
                writer.writerow(
                    [by_corpus_path[name] if i == column else swap(v) for i, v in enumerate(record)]
                )
        target = work / project.relative(manifest)
        target.write_text(out.getvalue(), encoding="utf-8")
    stored = {d.path for d in documents}
    for file in sorted(project.corpus_dir.rglob("*")):
        relative = project.relative(file)
        if file.is_file() and file != manifest and relative not in stored:
            skipped.append(relative)
    return skipped


def _json_swap(value: Any, swap: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return swap(value)
    if isinstance(value, list):
        return [_json_swap(v, swap) for v in value]
    if isinstance(value, dict):
        return {swap(k): _json_swap(v, swap) for k, v in value.items()}
    return value


def _rename_key(key: str, renamed: dict[str, str]) -> str:
    """A segment key (``doc/t3``) with its document renamed."""
    document, _, rest = key.rpartition("/")
    if document in renamed and rest[:1] in UNIT_LETTERS.values():
        return f"{renamed[document]}/{rest}"
    return key


def _rewrite_store(
    con: sqlite3.Connection,
    documents: list[_Document],
    digests: dict[int, str],
    swap: Callable[[str], str],
    report: AnonymizeReport,
) -> None:
    by_id = {d.id: d for d in documents}
    renamed = {d.name: d.new_name for d in documents if d.name != d.new_name}
    # Names and keys are unique: move them out of the way first, so renames may swap.
    con.execute("UPDATE documents SET name = '~anonymize~' || id, path = '~anonymize~' || id")
    con.execute("UPDATE segments SET key = '~anonymize~' || id")
    for doc in documents:
        row = con.execute(
            "SELECT attributes, encoding, cr_positions, sha256 FROM documents WHERE id = ?",
            (doc.id,),
        ).fetchone()
        attributes = {k: _json_swap(v, swap) for k, v in json.loads(row["attributes"]).items()}
        digest = digests.get(doc.id, row["sha256"])
        written = doc.id in digests
        con.execute(
            "UPDATE documents SET name = ?, path = ?, text = ?, sha256 = ?, attributes = ?, "
            "encoding = ?, cr_positions = ? WHERE id = ?",
            (
                doc.new_name,
                doc.new_path,
                doc.new_text,
                digest,
                json.dumps(attributes, ensure_ascii=False, sort_keys=True),
                "utf-8" if written else row["encoding"],
                "[]" if written else row["cr_positions"],
                doc.id,
            ),
        )
        con.execute("UPDATE autocode_state SET sha256 = ? WHERE document_id = ?", (digest, doc.id))
    for seg in con.execute(
        "SELECT id, document_id, unit, idx, start, end, speaker, label FROM segments"
    ).fetchall():
        doc = by_id[seg["document_id"]]
        start, end = doc.offsets.map_span(seg["start"], seg["end"])
        con.execute(
            "UPDATE segments SET key = ?, start = ?, end = ?, text = ?, speaker = ?, label = ? "
            "WHERE id = ?",
            (
                f"{doc.new_name}/{UNIT_LETTERS[seg['unit']]}{seg['idx']}",
                start,
                end,
                doc.new_text[start:end],
                None if seg["speaker"] is None else swap(seg["speaker"]),
                None if seg["label"] is None else swap(seg["label"]),
                seg["id"],
            ),
        )
    codings = con.execute(
        "SELECT c.id, s.document_id, c.start, c.end, c.memo, c.matched_text FROM codings c "
        "JOIN segments s ON s.id = c.segment_id"
    ).fetchall()
    for coding in codings:
        doc = by_id[coding["document_id"]]
        start, end = doc.offsets.map_span(coding["start"], coding["end"])
        con.execute(
            "UPDATE codings SET start = ?, end = ?, matched_text = ?, memo = ? WHERE id = ?",
            (
                start,
                end,
                doc.new_text[start:end] if coding["matched_text"] else "",
                None if coding["memo"] is None else swap(coding["memo"]),
                coding["id"],
            ),
        )
    report.n_codings = len(codings)
    for rejection in con.execute("SELECT id, document_id, start, end FROM rejections").fetchall():
        start, end = by_id[rejection["document_id"]].offsets.map_span(
            rejection["start"], rejection["end"]
        )
        con.execute(
            "UPDATE rejections SET start = ?, end = ? WHERE id = ?", (start, end, rejection["id"])
        )
    memos = con.execute("SELECT id, target_type, target, text FROM memos").fetchall()
    for memo in memos:
        target = memo["target"]
        if memo["target_type"] == "document":
            target = renamed.get(target, target)
        elif memo["target_type"] == "segment":
            target = _rename_key(target, renamed)
        con.execute(
            "UPDATE memos SET target = ?, text = ? WHERE id = ?",
            (target, swap(memo["text"]), memo["id"]),
        )
    report.n_memos = len(memos)
    for position in con.execute("SELECT rowid, segment FROM session_positions").fetchall():
        con.execute(
            "UPDATE session_positions SET segment = ? WHERE rowid = ?",
            (_rename_key(position["segment"], renamed), position["rowid"]),
        )
    for event in con.execute("SELECT id, payload FROM events").fetchall():
        try:
            payload = json.loads(event["payload"])
        except json.JSONDecodeError:
            continue
        con.execute(
            "UPDATE events SET payload = ? WHERE id = ?",
            (
                json.dumps(_json_swap(payload, swap), ensure_ascii=False, sort_keys=True),
                event["id"],
            ),
        )
    for old, new in renamed.items():
        con.execute(
            "UPDATE refi_objects SET key = ? WHERE kind = 'document' AND key = ?", (new, old)
        )
