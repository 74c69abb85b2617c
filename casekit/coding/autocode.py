"""Automatic coding of a whole project: rules over every segment, written per document."""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casekit.coding.manual import sync_codebook
from casekit.errors import CasekitError
from casekit.project import Project
from casekit.store import Store
from casekit.store.codings import (
    NewCoding,
    autocode_done,
    replace_auto_codings,
)

__all__ = [
    "AutocodeReport",
    "BatchRunner",
    "DocumentBatch",
    "WriteDocument",
    "autocode_project",
    "code_document",
]

Progress = Callable[[int, int, str], None]
# A document's work: (document_id, [(segment_id, segment_start, text, lang), ...]).
DocumentBatch = tuple[int, list[tuple[int, int, str, str]]]
# Stores one document's codings: write(document_id, codings, n_segments), one transaction.
WriteDocument = Callable[[int, list[NewCoding], int], None]
# Codes documents somewhere else (processes, a Dask cluster) and hands each one to ``write``:
# runner(codebook_path, batches, write). Workers compile the codebook from the file themselves.
BatchRunner = Callable[[str, Iterator[DocumentBatch], WriteDocument], None]


@dataclass
class AutocodeReport:
    """What one autocode run did."""

    codebook: str
    codebook_version: str
    unit: str
    n_documents: int = 0
    n_skipped: int = 0
    n_segments: int = 0
    n_codings: int = 0
    codes_used: set[str] = field(default_factory=set)
    n_manual: int = 0

    def summary(self) -> str:
        text = (
            f"coded {self.n_segments:,} segments in {self.n_documents} documents: "
            f"{self.n_codings:,} codings from {len(self.codes_used)} codes; "
            f"{self.n_manual:,} manual codings untouched"
        )
        if self.n_skipped:
            text += f"; {self.n_skipped} documents already up to date (use --force to redo)"
        return text


def code_document(compiled: Any, segments: list[tuple[int, int, str, str]]) -> list[NewCoding]:
    """Codings for one document's segments ``(segment_id, segment_start, text, lang)``.

    One coding per (segment, code, span): when several rules find the same span, the
    reduction keeps one (see :func:`casekit.coding.hits.reduce_hits`). Offsets become
    document offsets.
    """
    from casekit.coding.rules import apply_rules_to_segments

    starts: dict[Any, int] = {seg_id: start for seg_id, start, _, _ in segments}
    triples = ((seg_id, text, lang) for seg_id, _, text, lang in segments)
    out = []
    for seg_id, hit in apply_rules_to_segments(compiled, triples, reduce="span"):
        offset = starts[seg_id]
        out.append(
            NewCoding(
                segment_id=int(seg_id),  # type: ignore[call-overload]
                code=hit.code,
                start=offset + hit.start,
                end=offset + hit.end,
                rule=hit.rule_id,
                matched_text=hit.matched_text,
            )
        )
    return out


def _worker_code(codebook_path: str, batch: DocumentBatch) -> tuple[int, list[NewCoding]]:
    """Runs in a worker process: compile (cached per process) and code one document."""
    from casekit.coding.rules import compile_from_path

    document_id, segments = batch
    return document_id, code_document(compile_from_path(codebook_path), segments)


def _document_batches(store: Store, doc_rows: list[Any], unit: str) -> Iterator[DocumentBatch]:
    for doc in doc_rows:
        rows = store.query(
            "SELECT id, start, text FROM segments WHERE document_id = ? AND unit = ? ORDER BY idx",
            (doc["id"], unit),
        )
        if not rows:  # e.g. 'turn' asked for a policy document: code its paragraphs
            rows = store.query(
                "SELECT id, start, text FROM segments WHERE document_id = ? AND unit = 'paragraph' "
                "ORDER BY idx",
                (doc["id"],),
            )
        yield doc["id"], [(r["id"], r["start"], r["text"], doc["language"]) for r in rows]


def autocode_project(
    project: Project,
    *,
    codebook_path: str | Path | None = None,
    unit: str | None = None,
    documents: list[str] | None = None,
    workers: int = 1,
    force: bool = False,
    progress: Progress | None = None,
    runner: BatchRunner | None = None,
) -> AutocodeReport:
    """Apply the codebook's rules to every segment of the project (or of ``documents``).

    Each document's automatic codings are replaced in one transaction, so a run killed
    half-way leaves every document either fully old or fully new, and manual codings are
    never touched. Documents already coded with the same codebook version, unit and text
    are skipped unless ``force``; rerunning after an interruption finishes the job.

    Parameters
    ----------
    project
        The open project.
    codebook_path
        Codebook YAML; default ``codebook.file`` from ``casekit.toml``.
    unit
        Segment unit to evaluate rules on; default ``autocode.unit``. Documents with no
        segments of that unit are coded on their paragraphs.
    documents
        Names of documents to code; default all.
    workers
        Worker processes; each compiles the codebook itself from the file (a spaCy zh
        pipeline cannot be pickled) and receives plain text.
    force
        Recode documents whose codings are already current.
    progress
        Called as ``progress(done, total, document_name)`` after each document is stored.
    runner
        Codes the documents elsewhere instead (``workers`` is then ignored), e.g. a
        :class:`casekit.distributed.autocode.DaskBatchRunner`; it must code each document
        with :func:`code_document` and pass the result to ``write``.
    """
    from casekit.codebook import load_codebook
    from casekit.coding.rules import compile_codebook

    path = Path(codebook_path) if codebook_path else project.codebook_path
    codebook = load_codebook(path)
    unit = unit or project.config["autocode"]["unit"]
    store = project.store
    sync_codebook(project, codebook)

    sql = "SELECT id, name, language, sha256 FROM documents"
    params: tuple[Any, ...] = ()
    if documents:
        known = {r[0] for r in store.query("SELECT name FROM documents")}
        missing = [d for d in documents if d not in known]
        if missing:
            raise CasekitError(
                f"no document named {', '.join(repr(m) for m in missing)}; see 'casekit docs list'"
            )
        sql += f" WHERE name IN ({','.join('?' * len(documents))})"
        params = tuple(documents)
    doc_rows = store.query(sql + " ORDER BY name", params)
    if not doc_rows:
        raise CasekitError("no documents to code; run 'casekit ingest' first")

    version = codebook.content_hash
    report = AutocodeReport(codebook.id, version, unit)
    done = {} if force else autocode_done(store, version, unit)
    todo = [d for d in doc_rows if done.get(d["id"]) != d["sha256"]]
    report.n_skipped = len(doc_rows) - len(todo)
    by_id = {d["id"]: d for d in todo}

    def write(document_id: int, codings: list[NewCoding], n_segments: int) -> None:
        doc = by_id[document_id]
        with store.transaction() as con:
            replace_auto_codings(
                con,
                document_id=document_id,
                codebook=codebook.id,
                codebook_version=version,
                unit=unit,
                sha256=doc["sha256"],
                codings=codings,
            )
        report.n_documents += 1
        report.n_segments += n_segments
        report.n_codings += len(codings)
        report.codes_used.update(c.code for c in codings)
        if progress:
            progress(report.n_documents, len(todo), doc["name"])

    batches = _document_batches(store, todo, unit)
    if runner is not None:
        runner(str(path.resolve()), batches, write)
    elif workers <= 1:
        models = {
            lang: name
            for lang, name in (
                ("zh", project.config["nlp"].get("zh_model")),
                ("en", project.config["nlp"].get("en_model")),
            )
            if name
        }
        compiled = compile_codebook(codebook, models=models)
        for document_id, segments in batches:
            write(document_id, code_document(compiled, segments), len(segments))
    else:
        _code_in_processes(str(path.resolve()), batches, workers, write)

    report.n_manual = store.scalar(
        "SELECT COUNT(*) FROM codings WHERE source = 'manual' AND deleted_at IS NULL"
    )
    with store.transaction() as con:
        Store.log_event(
            con,
            "autocode",
            "autocode.run",
            {
                "codebook": codebook.id,
                "version": version,
                "unit": unit,
                "documents": report.n_documents,
                "codings": report.n_codings,
                "skipped": report.n_skipped,
            },
        )
    return report


def _code_in_processes(
    codebook_path: str, batches: Iterator[DocumentBatch], workers: int, write: WriteDocument
) -> None:
    """Code documents in ``workers`` processes, keeping at most 2 x workers batches in flight."""
    sizes: dict[int, int] = {}
    with cf.ProcessPoolExecutor(max_workers=workers) as pool:
        pending: set[cf.Future[tuple[int, list[NewCoding]]]] = set()
        for batch in batches:
            sizes[batch[0]] = len(batch[1])
            pending.add(pool.submit(_worker_code, codebook_path, batch))
            if len(pending) >= 2 * workers:
                finished, pending = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
                for fut in sorted(finished, key=lambda f: f.result()[0]):
                    write(*fut.result(), sizes.pop(fut.result()[0]))
        for fut in sorted(cf.as_completed(pending), key=lambda f: f.result()[0]):
            write(*fut.result(), sizes.pop(fut.result()[0]))
