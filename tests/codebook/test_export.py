"""Exports: Markdown and LaTeX appendices, CSV, REFI-QDA .qdc, and the tree listing."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from lxml import etree

from casekit.codebook import (
    CSV_COLUMNS,
    code_guid,
    codebook_rows,
    escape_latex,
    export_codebook,
    loads_codebook,
    render_tree,
)
from casekit.errors import CasekitError

from .conftest import VALID_SMALL

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
CODEBOOK_XSD = SHARED / "refi" / "Codebook.xsd"
NS = {"q": "urn:QDA-XML:codebook:1.0"}

# Text with every LaTeX special character, XML markup characters and a table pipe.
AWKWARD = r"50% & $5 #1 under_score {x} ~ ^ \ <b>&amp;</b> | a|b"


@pytest.fixture
def awkward():
    text = VALID_SMALL.read_text(encoding="utf-8")
    old = "definition: Shared data are wrong, inconsistent or out of date."
    assert old in text
    return loads_codebook(text.replace(old, f"definition: '{AWKWARD}'"))


# -- REFI-QDA ---------------------------------------------------------------------------
def test_code_guid_is_stable_uuid5() -> None:
    # A literal value: changing the namespace would silently break re-imports in NVivo.
    assert code_guid("DEMO-SMALL", "TECH") == "436d4b58-2051-52e1-9cfa-0f89bb35935a"
    assert code_guid("DEMO-SMALL", "TECH") != code_guid("OTHER", "TECH")


def test_qdc_validates_against_the_refi_schema(small, awkward) -> None:
    if not CODEBOOK_XSD.is_file():
        pytest.skip(
            f"REFI-QDA schema not found at {CODEBOOK_XSD} (../shared is not in this checkout)"
        )
    import xmlschema

    schema = xmlschema.XMLSchema(str(CODEBOOK_XSD))
    for cb in (small, awkward):
        data = export_codebook(cb, "qdc", lang="zh")
        assert isinstance(data, bytes)
        schema.validate(data.decode("utf-8"))


def test_qdc_structure_names_colours_and_sets(small) -> None:
    data = export_codebook(small, "qdc")
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<CodeBook ')
    root = etree.fromstring(data)
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    assert root.get("origin") == (
        f"casekit 0.1.0; codebook DEMO-SMALL version 1.0 (hash {small.content_hash})"
    )
    top = root.findall("q:Codes/q:Code", NS)
    assert [c.get("name") for c in top] == [
        "TECH Information technology",
        "DIL Dilemmas",
        "STR Coping strategies",
    ]
    dil_children = top[1].findall("q:Code", NS)
    assert [c.get("name") for c in dil_children] == [
        "DIL.DATA_QUALITY Poor data quality",
        "DIL.NO_INCENTIVE Lack of incentives",
    ]
    platform = top[0].find("q:Code", NS)
    assert platform.attrib == {
        "guid": code_guid("DEMO-SMALL", "TECH.PLATFORM"),
        "name": "TECH.PLATFORM Data-exchange platform",
        "isCodable": "true",
        "color": "#4477AA",
    }
    assert platform.find("q:Description", NS).text.splitlines() == [
        "ID: TECH.PLATFORM",
        "zh: 共享交换平台",
        "en: Data-exchange platform",
        "Definition: The platform and interfaces through which departments request and exchange data.",
        "Include: Interfaces, API calls, data requests made on the platform.",
        "Exclude: Citizen-facing service portals; complaints about data quality (DIL.DATA_QUALITY).",
    ]
    # Without an explicit colour, the family colour.
    assert {c.get("color") for c in dil_children} == {"#EE6677"}
    sets = root.findall("q:Sets/q:Set", NS)
    assert [s.get("name") for s in sets] == ["element", "dilemma", "strategy"]
    members = [m.get("guid") for m in sets[1].findall("q:MemberCode", NS)]
    assert members == [
        code_guid("DEMO-SMALL", c) for c in ("DIL", "DIL.DATA_QUALITY", "DIL.NO_INCENTIVE")
    ]


def test_qdc_uses_the_chosen_language_and_escapes_text(awkward) -> None:
    root = etree.fromstring(export_codebook(awkward, "qdc", lang="zh"))
    names = [c.get("name") for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert names[:2] == ["TECH 信息技术", "TECH.PLATFORM 共享交换平台"]
    descriptions = [d.text for d in root.iter("{urn:QDA-XML:codebook:1.0}Description")]
    assert f"Definition: {AWKWARD}" in descriptions[3].splitlines()


def test_qdc_is_byte_identical_across_runs(small) -> None:
    assert export_codebook(small, "qdc") == export_codebook(small, "qdc")


# -- LaTeX ------------------------------------------------------------------------------
def test_escape_latex_escapes_every_special_character() -> None:
    assert escape_latex(AWKWARD) == (
        r"50\% \& \$5 \#1 under\_score \{x\} \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{} <b>\&amp;</b> | a|b"
    )
    assert escape_latex("line one\n\n  line two\n") == "line one line two"


def test_latex_export_is_a_booktabs_longtable(awkward) -> None:
    tex = export_codebook(awkward, "latex")
    lines = tex.splitlines()
    assert lines[2].startswith(
        r"\begin{longtable}{@{}>{\raggedright\arraybackslash}p{0.15\linewidth}"
    )
    for command in (r"\toprule", r"\midrule", r"\endfirsthead", r"\endhead", r"\bottomrule"):
        assert command in lines
    assert lines[-1] == r"\end{longtable}"
    row = next(
        line for line in lines if line.startswith(r"\texttt{DIL.\allowbreak{}DATA\_QUALITY}")
    )
    assert row == (
        r"\texttt{DIL.\allowbreak{}DATA\_QUALITY} & Poor data quality \newline 数据质量不高 & "
        r"50\% \& \$5 \#1 under\_score \{x\} \textasciitilde{} \textasciicircum{} "
        r"\textbackslash{} <b>\&amp;</b> | a|b & "
        r"\textit{Include:} Mismatched, wrong or stale records received from another department. "
        r"\newline \textit{Exclude:} Missing access to data altogether. & "
        r"``The data they sent were outdated, so we checked by hand.'' \\"
    )
    assert r"\multicolumn{5}{@{}l}{\textbf{DIL} --- Dilemmas / 困境 (dilemma)} \\" in lines


# -- Markdown ---------------------------------------------------------------------------
def test_markdown_export_is_one_table_per_category(awkward) -> None:
    md = export_codebook(awkward, "md", lang="zh")
    lines = md.splitlines()
    assert lines[0] == "# 跨部门数据共享示例编码本"
    assert "## DIL — 困境 / Dilemmas (dilemma)" in lines
    assert lines.count("| 编码 | 名称 | 定义 | 纳入 / 排除标准 | 示例 |") == 3
    row = next(line for line in lines if line.startswith("| `DIL.DATA_QUALITY`"))
    assert row == (
        "| `DIL.DATA_QUALITY` | 数据质量不高<br>Poor data quality | "
        r"50% & $5 #1 under_score {x} ~ ^ \\ <b>&amp;</b> \| a\|b | "
        "**纳入:** Mismatched, wrong or stale records received from another department.<br>"
        "**排除:** Missing access to data altogether. | “答：平台上是有个查询入口，但返回的数据对不上。” |"
    )


# -- CSV --------------------------------------------------------------------------------
def test_csv_export_has_the_documented_columns(small) -> None:
    rows = list(csv.reader(io.StringIO(export_codebook(small, "csv"))))
    assert (
        tuple(rows[0])
        == CSV_COLUMNS
        == (
            "id",
            "parent",
            "level",
            "family",
            "name_zh",
            "name_en",
            "definition",
            "include",
            "exclude",
            "n_keywords_zh",
            "n_keywords_en",
            "examples",
        )
    )
    assert [r[0] for r in rows[1:]] == list(small.codes)
    assert rows[2] == [
        "TECH.PLATFORM",
        "TECH",
        "2",
        "element",
        "共享交换平台",
        "Data-exchange platform",
        "The platform and interfaces through which departments request and exchange data.",
        "Interfaces, API calls, data requests made on the platform.",
        "Citizen-facing service portals; complaints about data quality (DIL.DATA_QUALITY).",
        "2",
        "2",
        "答：我们现在都是通过共享交换平台去调数据。\n"
        "We request their records through the exchange platform now.",
    ]
    assert rows[1][:6] == ["TECH", "", "1", "element", "信息技术", "Information technology"]


def test_unknown_format_is_an_error(small) -> None:
    with pytest.raises(
        CasekitError, match="unknown export format 'docx' \\(choose one of md, latex, csv, qdc\\)"
    ):
        export_codebook(small, "docx")  # type: ignore[arg-type]


# -- tree and rows ----------------------------------------------------------------------
def test_render_tree_aligns_chinese_names(small) -> None:
    assert render_tree(small, "zh") == (
        "TECH                信息技术      (element)\n"
        "  TECH.PLATFORM     共享交换平台  (element)\n"
        "DIL                 困境          (dilemma)\n"
        "  DIL.DATA_QUALITY  数据质量不高  (dilemma)\n"
        "  DIL.NO_INCENTIVE  缺乏激励      (dilemma)\n"
        "STR                 应对策略      (strategy)\n"
        "  STR.ASSESSMENT    纳入绩效考核  (strategy)\n"
    )


def test_render_tree_with_counts(small) -> None:
    counts = {"TECH.PLATFORM": 12, "DIL": 3}
    assert render_tree(small, "en", counts=counts).splitlines()[:3] == [
        "TECH                Information technology             (element)    0",
        "  TECH.PLATFORM     Data-exchange platform             (element)   12",
        "DIL                 Dilemmas                           (dilemma)    3",
    ]


def test_codebook_rows(small) -> None:
    rows = codebook_rows(small, counts={"STR.ASSESSMENT": 4})
    assert rows[1] == {
        "id": "TECH.PLATFORM",
        "parent": "TECH",
        "level": 2,
        "family": "element",
        "name_zh": "共享交换平台",
        "name_en": "Data-exchange platform",
        "n_rules": 2,  # TECH.PLATFORM#kw and TECH.PLATFORM#pattern1
        "n_codings": 0,
    }
    assert rows[-1]["n_codings"] == 4
    assert "n_codings" not in codebook_rows(small)[0]
