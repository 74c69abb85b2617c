from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from casekit.analysis.export import (
    display_records,
    format_for_path,
    format_number,
    plain_records,
    tables_to_csv,
    tables_to_json,
    tables_to_latex,
    write_tables,
)
from casekit.errors import CasekitError

FRAME = pd.DataFrame(
    {
        "code": ["DIL.STD", "EL_SYS"],
        "count": np.array([3, 1], dtype=np.int64),
        "p_value": [0.00001234, float("nan")],
        "itemset": [("A", "B"), ("C",)],
    }
)


def test_plain_records_unwrap_numpy_and_nan() -> None:
    records = plain_records(FRAME)
    assert records == [
        {"code": "DIL.STD", "count": 3, "p_value": 0.00001234, "itemset": ["A", "B"]},
        {"code": "EL_SYS", "count": 1, "p_value": None, "itemset": ["C"]},
    ]
    assert type(records[0]["count"]) is int
    assert plain_records(FRAME, join_tuples=True)[0]["itemset"] == "A + B"


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.5, "0.500"), (123.456, "123.5"), (0.0000123, "1.2e-05"), (0.0, "0.000"),
     (float("nan"), ""), (3, 3), ("x", "x"), (True, True), (np.float64(0.25), "0.250")],
)  # fmt: skip
def test_format_number(value: object, text: object) -> None:
    assert format_number(value) == text


def test_display_records() -> None:
    assert display_records(FRAME)[0] == {
        "code": "DIL.STD", "count": 3, "p_value": "1.2e-05", "itemset": "A + B",
    }  # fmt: skip


def test_json_one_table_is_a_list_several_an_object() -> None:
    assert json.loads(tables_to_json({"t": FRAME}))[1]["p_value"] is None
    both = json.loads(tables_to_json({"a": FRAME, "b": FRAME.head(1)}))
    assert list(both) == ["a", "b"] and len(both["b"]) == 1
    assert '"名": "标准"' in tables_to_json({"t": pd.DataFrame({"名": ["标准"]})})


def test_csv_full_precision() -> None:
    assert tables_to_csv(FRAME) == (
        "code,count,p_value,itemset\nDIL.STD,3,1.234e-05,A + B\nEL_SYS,1,,C\n"
    )


def test_latex_uses_booktabs_and_escapes() -> None:
    text = tables_to_latex({"freq": FRAME[["code", "count"]]})
    assert text.splitlines() == [
        "% table: freq",
        "\\begin{tabular}{lr}",
        "\\toprule",
        "code & count \\\\",
        "\\midrule",
        "DIL.STD & 3 \\\\",
        "EL\\_SYS & 1 \\\\",
        "\\bottomrule",
        "\\end{tabular}",
    ]


def test_xlsx_one_sheet_per_table_and_identical_bytes(tmp_path: Path) -> None:
    tables = {"nodes": FRAME, "a very long table name that excel refuses": FRAME.head(1)}
    first = write_tables(tables, tmp_path / "a.xlsx", "xlsx")[0]
    second = write_tables(tables, tmp_path / "b.xlsx", "xlsx")[0]
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    from openpyxl import load_workbook

    book = load_workbook(first)
    assert book.sheetnames == ["nodes", "a very long table name that exc"]
    rows = list(book["nodes"].iter_rows(values_only=True))
    assert rows == [
        ("code", "count", "p_value", "itemset"),
        ("DIL.STD", 3, 0.00001234, "A + B"),
        ("EL_SYS", 1, None, "C"),
    ]


def test_csv_with_several_tables_writes_one_file_each(tmp_path: Path) -> None:
    written = write_tables({"nodes": FRAME, "edges": FRAME}, tmp_path / "net.csv", "csv")
    assert [p.name for p in written] == ["net-nodes.csv", "net-edges.csv"]
    single = write_tables({"t": FRAME}, tmp_path / "one.csv", "csv")
    assert single == [tmp_path / "one.csv"]
    assert single[0].read_text() == tables_to_csv(FRAME)


def test_write_errors(tmp_path: Path) -> None:
    with pytest.raises(CasekitError) as err:
        write_tables({"t": FRAME}, tmp_path / "missing" / "x.csv", "csv")
    assert str(err.value) == f"{tmp_path / 'missing'}: no such folder; create it first"
    with pytest.raises(CasekitError, match="^cannot write format 'table'"):
        write_tables({"t": FRAME}, tmp_path / "x.txt", "table")


def test_format_for_path() -> None:
    assert [format_for_path(p) for p in ("a.CSV", "b.json", "c.xlsx", "d.tex", "e.txt")] == [
        "csv", "json", "xlsx", "latex", None,
    ]  # fmt: skip
