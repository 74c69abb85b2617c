"""Ingest a corpus into the project store: check every file, then read, segment and write each one."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from casekit.errors import IngestError
from casekit.ingest.manifest import Manifest, read_manifest
from casekit.ingest.readers import SUPPORTED_SUFFIXES, SourceText, read_source
from casekit.project import Project
from casekit.segmentation import Segment, segment_text
from casekit.store import Store
from casekit.store.documents import (
    DocumentRecord,
    count_document_codings,
    document_by_name,
    document_by_path,
    insert_document,
    replace_document,
    update_document_attributes,
)
from casekit.text import detect_language

__all__ = ["IngestReport", "collect_files", "ingest_corpus"]

Progress = Callable[[int, int, str], None]
ACTOR = "ingest"


@dataclass
class IngestReport:
    """What one ingest run changed."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    attributes_updated: list[str] = field(default_factory=list)
    n_segments: int = 0
    n_codings_reanchored: int = 0
    n_codings_dropped: int = 0

    def summary(self) -> str:
        parts = [
            f"ingested {len(self.added)} new and {len(self.updated)} changed documents "
            f"({self.n_segments:,} segments); {len(self.unchanged)} unchanged"
        ]
        if self.attributes_updated:
            parts.append(f"attributes updated for {len(self.attributes_updated)}")
        if self.n_codings_reanchored or self.n_codings_dropped:
            parts.append(
                f"{self.n_codings_reanchored} codings re-anchored, {self.n_codings_dropped} dropped (logged)"
            )
        return "; ".join(parts)


@dataclass
class _Planned:
    """What the check pass learnt about one file; no text is kept, so memory stays flat."""

    name: str
    source_path: Path
    path: str
    doc_type: str
    language: str
    attributes: dict[str, str]
    sha256: str
    text_changed: bool
    existing_id: int | None = None
    existing_doc_type: str = ""
    existing_language: str = ""
    existing_attributes: dict[str, str] = field(default_factory=dict)


# Control characters (and bidirectional overrides) in a file name can rewrite the terminal
# or disguise the name in every list and message that shows it.
_HOSTILE_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _excluded(rel: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatch(rel, p) for p in patterns)


def collect_files(project: Project, paths: Iterable[str | Path] | None = None) -> list[Path]:
    """The corpus files to ingest: ``paths`` (files or folders) or the whole corpus folder."""
    root = project.root.resolve()
    corpus = project.corpus_dir.resolve()
    excludes = project.config["corpus"]["exclude"]
    targets = [Path(p) for p in paths] if paths else [corpus]
    files: list[Path] = []
    for target in targets:
        resolved = target.resolve()
        if not resolved.is_relative_to(root):
            raise IngestError(
                f"{target}: outside the project ({root}); copy it into {corpus.name}/ first"
            )
        if not resolved.exists():
            raise IngestError(f"{target}: no such file or folder")
        candidates = sorted(resolved.rglob("*")) if resolved.is_dir() else [resolved]
        for path in candidates:
            if not path.is_file() or path.suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            if path == project.manifest_path.resolve():
                continue
            rel = path.relative_to(corpus).as_posix() if path.is_relative_to(corpus) else path.name
            if resolved.is_dir() and _excluded(rel, excludes):
                continue
            if _HOSTILE_NAME.search(path.relative_to(root).as_posix()):
                raise IngestError(
                    f"{path.relative_to(root).as_posix()!r}: the file name contains control "
                    "characters (shown escaped); rename the file and ingest again"
                )
            files.append(path)
    return sorted(dict.fromkeys(files))


def _check_manifest(project: Project, manifest: Manifest, files: list[Path]) -> None:
    corpus = project.corpus_dir.resolve()
    for name, line in manifest.row_numbers.items():
        if not (corpus / name).is_file():
            raise IngestError(f"{manifest.path}:{line}: '{name}' does not exist in {corpus.name}/")
    for path in files:
        rel = path.relative_to(corpus).as_posix() if path.is_relative_to(corpus) else path.name
        if rel not in manifest.rows:
            raise IngestError(
                f"{path}: not listed in {manifest.path.name}; add a row for '{rel}' "
                "(or add it to corpus.exclude in casekit.toml)"
            )


def _plan(
    project: Project, files: list[Path], manifest: Manifest | None, force: bool
) -> list[_Planned]:
    """Read and check every file, keeping only what the write pass needs (not the text)."""
    store = project.store
    corpus = project.corpus_dir.resolve()
    seen: dict[str, Path] = {}
    planned = []
    for path in files:
        name = path.stem
        if name in seen:
            raise IngestError(
                f"{path}: duplicate document name '{name}' (also {seen[name]}); rename one of the files"
            )
        seen[name] = path
        rel_project = project.relative(path)
        rel_corpus = (
            path.relative_to(corpus).as_posix() if path.is_relative_to(corpus) else path.name
        )
        row = dict(manifest.rows.get(rel_corpus, {})) if manifest else {}
        existing = document_by_path(store, rel_project)
        if existing is None:
            other = document_by_name(store, name)
            if other is not None:
                raise IngestError(
                    f"{path}: duplicate document name '{name}' (already ingested from {other['path']})"
                )
        source = read_source(path)
        language = row.pop("language", "") or detect_language(source.text)
        doc_type = row.pop("doc_type", "") or "document"
        item = _Planned(
            name,
            path,
            rel_project,
            doc_type,
            language,
            row,
            source.sha256,
            text_changed=existing is None or existing["sha256"] != source.sha256,
        )
        if existing is not None:
            item.existing_id = existing["id"]
            item.existing_doc_type = existing["doc_type"]
            item.existing_language = existing["language"]
            item.existing_attributes = json.loads(existing["attributes"])
        if item.existing_id is not None and item.text_changed and not force:
            n_codings = count_document_codings(store, item.existing_id)
            if n_codings:
                raise IngestError(
                    f"{path}: changed since it was ingested and {n_codings} manual codings point into it; "
                    "nothing was ingested. Check the change, then run 'casekit ingest --force' to "
                    "re-anchor the codings (codings whose text is gone are dropped and logged)"
                )
        planned.append(item)
    return planned


def _read_again(item: _Planned) -> SourceText:
    """The write pass's read of a file checked before; it must not have changed in between."""
    source = read_source(item.source_path)
    if source.sha256 != item.sha256:
        raise IngestError(
            f"{item.source_path}: changed while it was being ingested; documents before it were "
            "stored. Run 'casekit ingest' again when the file is final"
        )
    return source


def ingest_corpus(
    project: Project,
    paths: Iterable[str | Path] | None = None,
    *,
    force: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Read, check and segment corpus files, then store them.

    Every file is read and checked before anything is written, so bad input changes nothing.
    Each document is then read again, segmented and written in its own transaction: memory
    holds one document at a time however large the corpus, a run killed half-way leaves the
    documents written so far complete, and the next run does the rest (unchanged files are
    skipped by their SHA-256).

    Parameters
    ----------
    project
        The open project.
    paths
        Files or folders inside the project; default: the whole corpus folder.
    force
        Re-ingest changed files that have codings, re-anchoring each coding on its text
        (dropping, with an event, those whose text is gone).
    progress
        Called as ``progress(done, total, document_name)`` after each document is written.
    """
    files = collect_files(project, paths)
    if not files:
        raise IngestError(
            f"{project.corpus_dir}: no corpus files ({', '.join(SUPPORTED_SUFFIXES)}) to ingest"
        )
    manifest = read_manifest(project.manifest_path) if project.manifest_path.is_file() else None
    if manifest is not None:
        _check_manifest(project, manifest, files)
    planned = _plan(project, files, manifest, force)

    report = IngestReport()
    store = project.store
    segment_units = project.config["segment"]
    for done, item in enumerate(planned, start=1):
        if not item.text_changed:
            if _attributes_changed(item):
                _update_attributes(store, item)
                report.attributes_updated.append(item.name)
            else:
                report.unchanged.append(item.name)
        else:
            source = _read_again(item)
            units = segment_units.get(item.doc_type, segment_units["default"])
            segments = segment_text(source.text, units, language=item.language)
            if item.existing_id is None:
                _insert_document(store, item, source, segments)
                report.added.append(item.name)
            else:
                kept, dropped = _replace_document(store, item, source, segments)
                report.updated.append(item.name)
                report.n_codings_reanchored += kept
                report.n_codings_dropped += dropped
            report.n_segments += len(segments)
        if progress:
            progress(done, len(planned), item.name)
    return report


def _attributes_changed(item: _Planned) -> bool:
    return (
        item.existing_attributes != item.attributes
        or item.existing_doc_type != item.doc_type
        or item.existing_language != item.language
    )


def _update_attributes(store: Store, item: _Planned) -> None:
    assert item.existing_id is not None
    with store.transaction() as con:
        update_document_attributes(
            con,
            item.existing_id,
            item.name,
            attributes=item.attributes,
            doc_type=item.doc_type,
            language=item.language,
            actor=ACTOR,
        )


def _record(item: _Planned, source: SourceText, segments: list[Segment]) -> DocumentRecord:
    return DocumentRecord(
        name=item.name,
        path=item.path,
        sha256=source.sha256,
        text=source.text,
        language=item.language,
        doc_type=item.doc_type,
        encoding=source.encoding,
        attributes=item.attributes,
        segments=segments,
        cr_positions=source.cr_positions,
    )


def _insert_document(
    store: Store, item: _Planned, source: SourceText, segments: list[Segment]
) -> None:
    with store.transaction() as con:
        insert_document(con, _record(item, source, segments), actor=ACTOR)


def _replace_document(
    store: Store, item: _Planned, source: SourceText, segments: list[Segment]
) -> tuple[int, int]:
    """Swap in new text and segments; re-anchor codings on their text. Returns (kept, dropped)."""
    assert item.existing_id is not None
    with store.transaction() as con:
        return replace_document(con, item.existing_id, _record(item, source, segments), actor=ACTOR)
