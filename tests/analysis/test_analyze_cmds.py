from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from casekit.cli import cli
from casekit.project import Project


def run(runner: CliRunner, project: Project, *args: str):
    return runner.invoke(cli, ["analyze", *args, "--project", str(project.root)])


def test_every_subcommand_has_help_with_an_example(runner: CliRunner) -> None:
    from casekit.cli.analyze_cmds import analyze_group

    for name in analyze_group.commands:
        result = runner.invoke(cli, ["analyze", name, "--help"])
        assert result.exit_code == 0, result.output
        assert "  Example:\n    casekit analyze " + name in result.output


def test_measure_choices_match_the_library() -> None:
    from casekit.analysis.cooccurrence import MEASURES
    from casekit.cli.analyze_cmds import MEASURE_CHOICES

    assert MEASURE_CHOICES == MEASURES


def test_freq_table(runner: CliRunner, coded_project: Project) -> None:
    result = run(runner, coded_project, "freq")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "code      family    segments  documents  share  rank",
        "--------  --------  --------  ---------  -----  ----",
        "EL.DEPT   element   5         3          0.312  1",
        "EL.SYS    element   4         3          0.250  2",
        "DIL.SILO  dilemma   3         3          0.188  3",
        "STR.STD   strategy  3         3          0.188  3",
        "DIL.STD   dilemma   2         2          0.125  5",
    ]


def test_freq_by_attribute_json_for_the_rules(runner: CliRunner, coded_project: Project) -> None:
    result = run(
        runner, coded_project, "freq", "--by", "level", "--coder", "rules", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert rows[0] == {
        "level": "city",
        "code": "EL.DEPT",
        "family": "element",
        "segments": 2,
        "documents": 1,
        "share": 2 / 6,
        "rank": 1,
    }
    assert {r["code"] for r in rows} == {"EL.DEPT", "EL.SYS"}


def test_freq_rolled_up_to_categories(runner: CliRunner, coded_project: Project) -> None:
    result = run(runner, coded_project, "freq", "--level", "1", "--format", "csv")
    assert result.output.splitlines()[1:] == [
        "EL,element,9,3,0.5625,1",
        "DIL,dilemma,5,3,0.3125,2",
        "STR,strategy,3,3,0.1875,3",
    ]


def test_crosstab_prints_cells_test_and_a_caution(
    runner: CliRunner, coded_project: Project
) -> None:
    result = run(runner, coded_project, "crosstab", "--rows", "category", "--cols", "level")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "cells"
    assert lines[3] == "DIL       city      2         1.765     0.262     True"
    assert lines[-1] == (
        "chi2 = 0.27, dof = 4, p = 0.9917; 9 of 9 cells have expected < 5 (read the test with caution)"
    )


def test_crosstab_latex(runner: CliRunner, coded_project: Project) -> None:
    result = run(
        runner,
        coded_project,
        "crosstab",
        "--rows",
        "family",
        "--cols",
        "level",
        "--format",
        "latex",
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("% table: cells\n\\begin{tabular}")
    assert "\\toprule" in result.output and "% table: test" in result.output
    assert "low\\_expected" in result.output


def test_cooccur_table_and_csv(runner: CliRunner, coded_project: Project) -> None:
    result = run(runner, coded_project, "cooccur")
    assert result.output.splitlines()[:3] == [
        "code_a    code_b   n_a  n_b  count  expected  jaccard  p_value  q_value",
        "--------  -------  ---  ---  -----  --------  -------  -------  -------",
        "DIL.SILO  EL.DEPT  3    5    3      0.938     0.600    0.018    0.179",
    ]
    csv = run(
        runner,
        coded_project,
        "cooccur",
        "--measure",
        "count",
        "--min-count",
        "3",
        "--format",
        "csv",
    )
    assert csv.output.splitlines()[0] == (
        "code_a,code_b,n_a,n_b,count,expected,jaccard,dice,cosine,lift,pmi,npmi,p_value,q_value"
    )
    assert len(csv.output.splitlines()) == 2


def test_cooccur_windows_and_documents(runner: CliRunner, coded_project: Project) -> None:
    windows = run(runner, coded_project, "cooccur", "--window", "2", "--format", "json")
    pairs = {(r["code_a"], r["code_b"]): r["count"] for r in json.loads(windows.output)}
    assert pairs[("DIL.SILO", "EL.DEPT")] == 4  # the question turn before it mentions 部门
    docs = run(runner, coded_project, "cooccur", "--unit", "document", "--format", "json")
    assert {r["n_a"] for r in json.loads(docs.output)} <= {2, 3}
    both = run(runner, coded_project, "cooccur", "--unit", "document", "--window", "2")
    assert both.exit_code == 2
    assert "--window counts segments; it cannot be used with --unit document" in both.output


def test_network_summary_and_graph_files(
    runner: CliRunner, coded_project: Project, tmp_path: Path
) -> None:
    gexf, graphml = tmp_path / "net.gexf", tmp_path / "net.graphml"
    result = run(runner, coded_project, "network", "--gexf", str(gexf), "--graphml", str(graphml))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[:2] == [f"wrote {gexf}", f"wrote {graphml}"]
    assert result.output.splitlines()[-1] == (
        "5 codes, 3 edges (jaccard); 2 communities, modularity 0.480, same partition for 20 of 20 "
        "seeds; 3 bridges, articulation points: EL.SYS"
    )
    G = nx.read_gexf(gexf)
    assert G.nodes["DIL.STD"]["name_zh"] == "标准不统一"
    assert sorted(nx.read_graphml(graphml).edges) == sorted(G.edges)


def test_network_tables_to_csv_files(
    runner: CliRunner, coded_project: Project, tmp_path: Path
) -> None:
    result = run(
        runner, coded_project, "network", "--top-edges", "1", "-o", str(tmp_path / "net.csv")
    )
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"wrote {tmp_path / 'net-nodes.csv'}",
        f"wrote {tmp_path / 'net-edges.csv'}",
        f"wrote {tmp_path / 'net-bridges.csv'}",
    ]
    lines = (tmp_path / "net-edges.csv").read_text().splitlines()
    assert len(lines) == 2 and lines[1].startswith("DIL.SILO,EL.DEPT,3,0.6,")
    assert float(lines[1].split(",")[-1]) == pytest.approx(
        10 / 56
    )  # q = p * 10 tests / rank 1, p = 1/56


def test_ego_network_of_an_unknown_code(runner: CliRunner, coded_project: Project) -> None:
    ego = run(runner, coded_project, "network", "--ego", "DIL.STD", "--format", "json")
    assert [n["code"] for n in json.loads(ego.output)["nodes"]] == ["DIL.STD", "EL.SYS"]
    result = run(runner, coded_project, "network", "--ego", "DIL.NOPE")
    assert result.exit_code == 1
    assert result.output == (
        "Error: code DIL.NOPE is not in the network; check the code id "
        "(casekit analyze freq lists them)\n"
    )


def test_patterns_text(runner: CliRunner, coded_project: Project) -> None:
    result = run(runner, coded_project, "patterns", "--quotes", "1")
    assert result.exit_code == 0, result.output
    assert result.output.split("\n\n")[:2] == [
        "DIL.SILO 数据孤岛 (3 segments, 3 documents)\n"
        "  with elements   EL.DEPT 部门 (jaccard .60, q=.179)\n"
        "  with strategies —\n"
        "  “有的部门不给数据。” — gz-county-01, 县政务服务中心 窗口人员",
        "DIL.STD 标准不统一 (2 segments, 2 documents)\n"
        "  with elements   EL.SYS 业务系统 (jaccard .50, q=.250)\n"
        "  with strategies —\n"
        "  “我们的编码规则不一样，系统对不上。” — gz-county-01, 县政务服务中心 窗口人员",
    ]
    assert (
        "frequent code sets: 8 with support >= 0.02 (>= 1 segments); top rules by lift"
        in result.output
    )


def test_patterns_by_attribute_to_xlsx(
    runner: CliRunner, coded_project: Project, tmp_path: Path
) -> None:
    target = tmp_path / "patterns.xlsx"
    result = run(runner, coded_project, "patterns", "--by", "level", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.output == f"wrote {target}\n"
    from openpyxl import load_workbook

    book = load_workbook(target)
    assert book.sheetnames == [
        "dilemmas", "patterns", "quotes", "itemsets", "rules", "by_attribute", "by_attribute_tests",
    ]  # fmt: skip
    quotes = list(book["quotes"].iter_rows(values_only=True))
    assert quotes[0][:4] == ("dilemma", "rank", "document", "segment")


def test_suggest_reports_skipped_codes(runner: CliRunner, coded_project: Project) -> None:
    result = run(runner, coded_project, "suggest", "--from", "li", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [s["code"] for s in data["scores"]] == ["EL.DEPT"]
    assert [s["code"] for s in data["skipped"]] == ["DIL.SILO", "DIL.STD", "EL.SYS", "STR.STD"]
    assert data["suggestions"] == []  # li coded every document


def test_themes_and_clusters(runner: CliRunner, coded_project: Project) -> None:
    answers_only = run(runner, coded_project, "themes", "--themes", "2")
    assert answers_only.exit_code == 1  # every answer is coded; only questions are left
    assert answers_only.output == (
        "Error: 0 uncovered segments cannot make 2 themes; ask for fewer themes\n"
    )
    themes = run(
        runner, coded_project, "themes", "--themes", "2", "--with-questions", "--format", "json"
    )
    assert themes.exit_code == 0, themes.output
    summary = json.loads(themes.output)["themes"]
    assert [t["theme"] for t in summary] == [1, 2] and sum(t["segments"] for t in summary) == 6
    clusters = run(
        runner, coded_project, "clusters", "--by", "level", "--clusters", "2", "--format", "json"
    )
    assert clusters.exit_code == 0, clusters.output
    data = json.loads(clusters.output)
    assert list(data) == ["clusters", "ca_codes", "ca_level", "ca_inertia"]
    assert [c["code"] for c in data["clusters"]][:2] == ["DIL.SILO", "EL.DEPT"]
    assert sum(d["share"] for d in data["ca_inertia"]) == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["freq", "--coder", "zhao"], 1,
         "Error: unknown coder zhao; coders in this project: li (and 'rules' for automatic codings)"),
        (["freq", "--source", "auto", "--coder", "li"], 1,
         "Error: no codings to analyse (unit turn, source auto, coder li); run 'casekit autocode' "
         "or code segments with 'casekit code'"),
        (["freq", "--by", "region"], 1,
         "Error: no attribute 'region' to group by; choose one of: department, doc_type, "
         "document, language, level, role, speaker"),
        (["freq", "--format", "xlsx"], 2, "--format xlsx writes a file: add -o FILE.xlsx"),
        (["freq", "-o", "freq.txt"], 2, "cannot tell the format of freq.txt"),
        (["clusters", "--by", "doc_type"], 1,
         "Error: correspondence analysis needs at least two non-empty rows and columns; "
         "this table has 5 x 1"),
    ],
)  # fmt: skip
def test_errors(
    runner: CliRunner, coded_project: Project, args: list[str], code: int, message: str
) -> None:
    result = run(runner, coded_project, *args)
    assert result.exit_code == code
    assert message in result.output


def test_outside_a_project(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["analyze", "freq", "--project", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {tmp_path}: not a casekit project")


def test_documents_without_the_unit_are_counted_by_paragraph(
    runner: CliRunner, coded_project: Project
) -> None:
    from casekit.ingest import ingest_corpus
    from tests.conftest import write

    policy = "第一条 统一数据标准。\n\n第二条 各业务系统按目录共享。"
    write(coded_project.corpus_dir / "gz-policy-01.txt", policy)
    with coded_project.manifest_path.open("a", encoding="utf-8") as manifest:
        manifest.write("gz-policy-01.txt,policy,省政府办公厅,province,\n")
    ingest_corpus(coded_project)
    store = coded_project.store
    at = policy.index("系统")
    segment = store.scalar(
        "SELECT s.id FROM segments s JOIN documents d ON d.id = s.document_id "
        "WHERE d.name = 'gz-policy-01' AND s.unit = 'paragraph' AND s.start <= ? AND s.end > ?",
        (at, at),
    )
    with store.transaction() as con:
        con.execute(
            "INSERT INTO codings(segment_id, code, start, end, source, coder, created_at) "
            "VALUES (?, 'EL.SYS', ?, ?, 'manual', 'li', '2024-01-01T00:00:00Z')",
            (segment, at, at + 2),
        )
    result = run(runner, coded_project, "freq", "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr == "note: 1 document without turn segments counted by paragraph\n"
    rows = {r["code"]: r for r in json.loads(result.stdout)}
    assert rows["EL.SYS"]["segments"] == 5 and rows["EL.SYS"]["documents"] == 4
    assert rows["EL.SYS"]["share"] == 5 / 18  # 16 turns + 2 policy paragraphs
    articles = run(runner, coded_project, "freq", "--unit", "article")
    assert articles.stderr == "note: 3 documents without article segments counted by paragraph\n"
