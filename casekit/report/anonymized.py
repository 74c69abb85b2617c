"""A report of a pseudonymised copy of the project, for sharing without exposing interviewees."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from casekit.project import Project, open_project

__all__ = ["write_anonymized_report"]


def write_anonymized_report(
    project: Project,
    mapping_path: str | Path,
    path: str | Path,
    *,
    options: object | None = None,
    unit: str | None = None,
    source: str | None = None,
    coders: Sequence[str] = (),
):  # -> ReportOutput
    """Write the report of ``project`` with every name in the mapping replaced.

    The project is copied and pseudonymised in a temporary folder
    (:func:`casekit.refi.anonymize.anonymize_project`: documents, segments, memos and quotes,
    with coding offsets remapped), the report is built from the copy and written to ``path``;
    the copy is removed and the project itself is only read.
    """
    from casekit.figures.build import load_figure_data
    from casekit.refi.anonymize import anonymize_project
    from casekit.refi.pseudonyms import read_mapping
    from casekit.report.data import load_report_data
    from casekit.report.html import write_report

    mapping = read_mapping(mapping_path)
    with tempfile.TemporaryDirectory(prefix="casekit-anonymized-") as tmp:
        copy_root = Path(tmp) / "copy"
        anonymize_project(project, mapping, out=copy_root)
        with open_project(copy_root) as copy:
            selection = load_figure_data(copy, unit=unit, source=source, coders=coders)  # type: ignore[arg-type]
            data = load_report_data(copy, selection=selection)
            return write_report(data, Path(path), options=options)  # type: ignore[arg-type]
