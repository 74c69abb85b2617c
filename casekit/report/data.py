"""Everything the HTML report shows, read from a project in one place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from casekit.figures.build import FigureData, Source, load_figure_data

if TYPE_CHECKING:
    from casekit.project import Project

__all__ = ["ReportData", "ReportDocument", "load_report_data"]


@dataclass(frozen=True)
class ReportDocument:
    """One document for the browsable view: its text and manifest attributes."""

    name: str
    doc_type: str
    language: str
    text: str
    attributes: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportData:
    """The inputs of :func:`casekit.report.html.build_report`.

    Attributes
    ----------
    title
        Project name.
    selection
        Codings, segments and codes at the report's unit (what tables and figures count).
    documents
        Documents with their text, sorted by name.
    spans
        Codings at document offsets (``codings_frame`` without a unit): at least ``document,
        code, family, start, end``; highlighted in the document view.
    status
        ``casekit.store.queries.project_status`` of the store.
    codebook
        ``id, version, title, hash`` of the codebook file (empty when it cannot be read).
    """

    title: str
    selection: FigureData
    documents: list[ReportDocument]
    spans: pd.DataFrame
    status: dict[str, Any] = field(default_factory=dict)
    codebook: dict[str, str] = field(default_factory=dict)


def load_report_data(
    project: Project,
    *,
    selection: FigureData | None = None,
    unit: str | None = None,
    source: Source | None = None,
    coders: Sequence[str] | None = None,
) -> ReportData:
    """Read a project's documents, codings, codes and codebook identity for the report.

    Parameters
    ----------
    project
        An open project.
    selection
        The codings tables and figures count (e.g. the one ``casekit analyze`` uses); default:
        :func:`casekit.figures.build.load_figure_data` with ``unit``, ``source``, ``coders``.
    unit, source, coders
        Passed to ``load_figure_data`` when no ``selection`` is given.
    """
    from casekit.codebook import load_codebook
    from casekit.errors import CasekitError
    from casekit.selection import codings_frame
    from casekit.store.queries import document_row, list_documents, project_status

    if selection is None:
        selection = load_figure_data(project, unit=unit, source=source, coders=coders)
    store = project.store
    documents = []
    for row in list_documents(store):
        full = document_row(store, row["name"])
        documents.append(
            ReportDocument(
                name=full["name"],
                doc_type=full["doc_type"] or "",
                language=full["language"] or "",
                text=full["text"],
                attributes=dict(full["attributes"]),
            )
        )
    # The same codings, at the offsets they were made with, for the document view.
    spans = codings_frame(
        store,
        source=selection.source,  # type: ignore[arg-type]
        coders=list(selection.coders) or None,
    )
    codebook: dict[str, str] = {}
    try:
        book = load_codebook(project.codebook_path)
        codebook = {
            "id": book.id,
            "version": book.version,
            "title": book.title.get("zh") or book.title.get("en") or "",
            "hash": book.content_hash,
        }
    except (CasekitError, OSError):
        # The report still describes the stored codes when the codebook file is broken.
        codebook = {}
    return ReportData(
        title=str(project.config["project"].get("name", "")),
        selection=selection,
        documents=documents,
        spans=spans,
        status=project_status(store),
        codebook=codebook,
    )
