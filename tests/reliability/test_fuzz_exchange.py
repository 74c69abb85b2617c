"""Fuzzing the codings CSV importer: random files import cleanly or raise a CasekitError that
changed nothing; the command never shows a traceback."""

from __future__ import annotations

import csv
import io
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from casekit.cli import cli
from casekit.coding.exchange import IMPORT_COLUMNS, import_codings
from casekit.errors import CasekitError
from casekit.project import Project
from tests.reliability.conftest import Examples
from tests.reliability.harness import check_store, cli_problems, fuzz_settings


@pytest.fixture(scope="module")
def vocabulary(ingested_template: Path) -> dict[str, Any]:
    with closing(sqlite3.connect(ingested_template / "casekit.db")) as con:
        segments = con.execute(
            "SELECT d.name, s.start, s.end FROM segments s JOIN documents d ON d.id = s.document_id "
            "ORDER BY s.key LIMIT 200"
        ).fetchall()
        codes = [r[0] for r in con.execute("SELECT id FROM codes ORDER BY id")]
    return {"segments": segments, "codes": codes}


WEIRD_TEXT = st.text(max_size=8) | st.sampled_from(
    ["", " ", "rules", "a,b", "x\ty", "=cmd()", "１２", "1_0", "9" * 5000, "-1", "1e3", "\x00"]
)


@st.composite
def rows(draw: st.DrawFn, vocabulary: dict[str, Any], weird: int) -> dict[str, str]:
    """One row; each cell is odd with probability ``weird`` percent, else plausible."""

    def cell(plausible: Any) -> str:
        odd = draw(st.integers(min_value=0, max_value=99)) < weird
        return str(draw(WEIRD_TEXT if odd else plausible))

    doc, s_start, s_end = draw(st.sampled_from(vocabulary["segments"]))
    start = draw(st.integers(min_value=s_start - 1, max_value=s_end - 1))
    end = draw(st.integers(min_value=start + 1, max_value=s_end + 2))
    return {
        "document": cell(st.just(doc)),
        "start": cell(st.just(start)),
        "end": cell(st.just(end)),
        "code": cell(st.sampled_from(vocabulary["codes"])),
        "coder": cell(st.sampled_from(["li", "wang"])),
        "memo": draw(st.text(max_size=20)),
        "source": cell(st.sampled_from(["", "manual", "auto"])),
        "segment": cell(st.just("")),
        "rule": cell(st.just("")),
        "created_at": cell(st.just("")),
    }


@st.composite
def csv_files(draw: st.DrawFn, vocabulary: dict[str, Any]) -> bytes:
    kind = draw(st.sampled_from(["plausible", "plausible", "odd", "bytes"]))
    if kind == "bytes":
        return draw(st.binary(max_size=600))
    if kind == "plausible":
        columns = list(IMPORT_COLUMNS[: draw(st.integers(min_value=5, max_value=6))])
        weird = 1
    else:
        columns = draw(
            st.lists(st.sampled_from([*IMPORT_COLUMNS, "extra", "Document", ""]), max_size=9)
            | st.permutations(list(IMPORT_COLUMNS[:6]))
        )
        weird = 30
    body = draw(st.lists(rows(vocabulary, weird), max_size=12))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"])))
    writer.writerow(columns)
    for row in body:
        cells = [row.get(c.strip().lower(), "x") for c in columns]
        if draw(st.integers(min_value=0, max_value=19)) == 0:
            cells = cells[: draw(st.integers(min_value=0, max_value=len(cells)))]
        writer.writerow(cells)
    text = buffer.getvalue()
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "gb18030", "utf-16"]))
    return text.encode(encoding, errors="replace")


def _counts(project: Project) -> tuple[int, ...]:
    store = project.store
    return (
        store.scalar("SELECT COUNT(*) FROM codings"),
        store.scalar("SELECT COUNT(*) FROM codings WHERE deleted_at IS NULL"),
        store.scalar("SELECT COUNT(*) FROM events"),
    )


@fuzz_settings(ci=120, full=2500)
@given(data=st.data())
def test_random_codings_files_import_or_change_nothing(
    ingested: Project,
    vocabulary: dict[str, Any],
    tmp_path: Path,
    data: st.DataObject,
    examples: Examples,
) -> None:
    examples.tick()
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data.draw(csv_files(vocabulary)))
    before = _counts(ingested)
    try:
        report = import_codings(ingested.store, path)
    except CasekitError as exc:
        assert str(exc).startswith(str(path))
        assert _counts(ingested) == before
        return
    after = _counts(ingested)
    assert after[0] - before[0] == after[1] - before[1] == report.n_imported
    assert after[2] - before[2] == (1 if report.n_imported else 0)
    if report.n_imported:
        IMPORTED.append(report.n_imported)
        assert check_store(ingested.db_path) == []


IMPORTED: list[int] = []


def test_the_fuzzed_files_include_valid_ones() -> None:
    # Runs after the property test: some of its files must have imported, or it only ever
    # exercised the error paths.
    assert len(IMPORTED) >= 5


@fuzz_settings(ci=25, full=400)
@given(data=st.data())
def test_import_codings_command_never_shows_a_traceback(
    ingested: Project,
    vocabulary: dict[str, Any],
    tmp_path: Path,
    data: st.DataObject,
    examples: Examples,
) -> None:
    examples.tick()
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data.draw(csv_files(vocabulary)))
    result = CliRunner().invoke(
        cli, ["import", "codings", str(path), "--project", str(ingested.root)]
    )
    assert cli_problems(result) == []
