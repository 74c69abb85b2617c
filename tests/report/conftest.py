"""A report built once from the small coded project."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.figures.build import FigureOptions
from casekit.report.data import ReportData, load_report_data
from casekit.report.html import ReportOutput, write_report
from tests.figures.helpers import make_project

# A loose threshold so the six short documents give the network some edges.
OPTIONS = FigureOptions(lang="en", significance=0.5)


@pytest.fixture(scope="session")
def report_data(tmp_path_factory) -> ReportData:
    project = make_project(tmp_path_factory.mktemp("report") / "study")
    data = load_report_data(project, unit="paragraph")
    project.close()
    return data


@pytest.fixture(scope="session")
def written(report_data, tmp_path_factory) -> ReportOutput:
    return write_report(
        report_data, tmp_path_factory.mktemp("out") / "report.html", options=OPTIONS
    )


@pytest.fixture(scope="session")
def html(written) -> str:
    return Path(written.path).read_text(encoding="utf-8")
