"""``casekit agree`` and ``casekit evaluate`` through CliRunner on a small file-backed project."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from casekit.agreement import bootstrap_ci
from casekit.cli import cli
from casekit.ingest import ingest_corpus
from casekit.project import init_project
from casekit.store.db import utc_now
from tests.conftest import write

TEXTS = {
    "d1": ["Data sharing is slow.", "Nobody shares records.", "The weather.", "Silos remain."],
    "d2": ["Bureaus keep their data.", "Standards differ."],
    "d3": ["Trust is low.", "Platforms help."],
}
CODES = [
    ("DIL", None, "dilemma"),
    ("DIL.A", "DIL", "dilemma"),
    ("DIL.B", "DIL", "dilemma"),
    ("STR", None, "strategy"),
    ("STR.C", "STR", "strategy"),
]
# (segment, code, coder, rule): the same decisions as tests/agreement/test_data.py PRESENCE,
# plus automatic codings by 'rules'.
CODINGS = [
    ("d1/p1", "DIL.A", "li", None),
    ("d1/p1", "DIL.A", "wang", None),
    ("d1/p2", "DIL.A", "li", None),
    ("d1/p2", "DIL.B", "li", None),
    ("d1/p2", "DIL.B", "wang", None),
    ("d1/p4", "DIL.A", "wang", None),
    ("d2/p1", "DIL.B", "li", None),
    ("d2/p1", "DIL.B", "wang", None),
    ("d2/p2", "DIL.A", "li", None),
    ("d3/p1", "DIL.A", "li", None),
    ("d1/p1", "DIL.A", "rules", "DIL.A.kw"),
    ("d1/p3", "DIL.B", "rules", "DIL.B.kw"),
    ("d2/p1", "DIL.B", "rules", "DIL.B.kw"),
    ("d3/p2", "STR.C", "rules", "STR.C.kw"),
]


def build_study(folder: Path) -> Path:
    """A project with three ingested documents, five codes and the codings above."""
    project = init_project(folder, name="agreement study")
    for name, paragraphs in TEXTS.items():
        write(project.corpus_dir / f"{name}.txt", "\n\n".join(paragraphs) + "\n")
    ingest_corpus(project)
    with project.store.transaction() as con:
        con.executemany(
            "INSERT INTO codes(id, parent, family, name_zh, name_en) VALUES (?, ?, ?, ?, ?)",
            [(code, parent, family, code, code) for code, parent, family in CODES],
        )
        segments = {
            row["key"]: row
            for row in con.execute(
                "SELECT id, key, start, end FROM segments WHERE unit = ?", ("paragraph",)
            )
        }
        con.executemany(
            "INSERT INTO codings(segment_id, code, start, end, source, coder, rule, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    segments[key]["id"],
                    code,
                    segments[key]["start"],
                    segments[key]["end"],
                    "auto" if coder == "rules" else "manual",
                    coder,
                    rule,
                    utc_now(),
                )
                for key, code, coder, rule in CODINGS
            ],
        )
    project.close()
    return project.root


@pytest.fixture
def study(tmp_path: Path) -> Path:
    return build_study(tmp_path / "study")


def run(runner: CliRunner, study: Path, *args: str):
    return runner.invoke(cli, [*args, "--project", str(study)])


def test_agree_table(runner: CliRunner, study: Path) -> None:
    result = run(runner, study, "agree", "--coders", "li", "wang", "--resamples", "0")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "code      n_units  n_positive_li  n_positive_wang  percent  cohen  fleiss  alpha  ci_low  ci_high\n"
        "--------  -------  -------------  ---------------  -------  -----  ------  -----  ------  -------\n"
        "DIL.A     6        3              2                50.0     0.000  -0.029  0.057  —       —\n"
        "DIL.B     6        2              2                100.0    1.000  1.000   1.000  —       —\n"
        "(pooled)  12       5              4                75.0     0.471  0.467   0.489  —       —\n"
        "\n"
        "scope: 6 paragraph segments in 2 documents coded by every coder (li, wang); "
        "3 disagreements; left out, coded by only some: d3\n"
    )


def test_agree_json_has_seeded_intervals(runner: CliRunner, study: Path) -> None:
    result = run(runner, study, "agree", "--coders", "li", "wang", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert {k: v for k, v in report.items() if k != "agreement"} == {
        "coders": ["li", "wang"],
        "mode": "presence",
        "level": None,
        "seed": 20221,
        "n_resamples": 1000,
        "confidence": 0.95,
        "scope": {
            "unit": "paragraph",
            "documents": ["d1", "d2"],
            "n_segments": 6,
            "left_out": ["d3"],
        },
    }
    first = report["agreement"][0]
    assert first["code"] == "DIL.A"
    assert first["alpha"] == pytest.approx(4 / 70, abs=1e-12)
    li, wang = [1, 1, 0, 0, 0, 1], [1, 0, 0, 1, 0, 0]
    assert (first["ci_low"], first["ci_high"]) == bootstrap_ci([li, wang], seed=20221)
    again = run(runner, study, "agree", "--coders", "li", "wang", "--format", "json", "--seed", "3")
    assert json.loads(again.output)["agreement"][0]["ci_low"] == bootstrap_ci([li, wang], seed=3)[0]


def test_agree_reads_coders_and_codes_as_lists(runner: CliRunner, study: Path) -> None:
    outputs = {
        run(runner, study, "agree", *args, "--resamples", "0", "--format", "csv").output
        for args in [
            ("--coders", "li", "wang", "--codes", "DIL.B", "DIL.A"),
            ("--coders", "li", "--coders", "wang", "--codes", "DIL.A", "--codes", "DIL.B"),
            ("--codes", "DIL.A,DIL.B", "--coders", "li,wang"),
        ]
    }
    assert len(outputs) == 1
    assert outputs.pop().splitlines()[1].startswith("DIL.A,6,3,2,50.0,0.0,")


def test_agree_show_disagreements(runner: CliRunner, study: Path) -> None:
    result = run(
        runner, study, "agree", "--coders", "li", "wang", "--show-disagreements", "--format", "csv"
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "segment,document,code,coded_by,not_coded_by,text\n"
        "d1/p2,d1,DIL.A,li,wang,Nobody shares records.\n"
        "d1/p4,d1,DIL.A,wang,li,Silos remain.\n"
        "d2/p2,d2,DIL.A,li,wang,Standards differ.\n"
    )
    table = run(runner, study, "agree", "--coders", "li", "wang", "--show-disagreements").output
    assert "\ndisagreements (3):\nsegment  document  code" in table
    data = json.loads(
        run(
            runner,
            study,
            "agree",
            "--coders",
            "li",
            "wang",
            "--show-disagreements",
            "--format",
            "json",
        ).output
    )
    assert data["disagreements"][0]["coded_by"] == ["li"]


def test_agree_level_and_exclusive_mode(runner: CliRunner, study: Path) -> None:
    # Rolled up to DIL: li [1,1,0,0,1,1], wang [1,1,0,1,1,0].
    result = run(
        runner,
        study,
        "agree",
        "--coders",
        "li",
        "wang",
        "--level",
        "1",
        "--format",
        "json",
        "--resamples",
        "0",
    )
    rows = json.loads(result.output)["agreement"]
    assert [(r["code"], r["n_positive_li"], r["n_positive_wang"], r["percent"]) for r in rows] == [
        ("DIL", 4, 4, pytest.approx(400 / 6)),
        ("(pooled)", 4, 4, pytest.approx(400 / 6)),
    ]
    result = run(runner, study, "agree", "--coders", "li", "wang", "--mode", "exclusive")
    assert result.exit_code == 1
    assert result.output == (
        "Error: exclusive mode allows one code of the set per coder and segment, but li gave "
        "d1/p2 DIL.A, DIL.B. Choose codes that exclude each other with --codes, or use --mode "
        "presence\n"
    )


def test_agree_errors(runner: CliRunner, study: Path) -> None:
    result = run(runner, study, "agree", "--coders", "li", "zhang")
    assert result.exit_code == 1
    assert result.output == (
        "Error: unknown coder 'zhang': no codings by that name; known coders: li, rules, wang\n"
    )
    result = run(runner, study, "agree", "--coders", "li")
    assert result.exit_code == 1
    assert result.output == (
        "Error: agreement needs at least two coders, got 1 (li); name them with --coders A B\n"
    )
    result = run(runner, study, "agree", "--coders", "li", "wang", "--codes", "DIL.X")
    assert result.exit_code == 1
    assert result.output == (
        "Error: unknown code DIL.X; 'casekit codebook show' lists the code ids\n"
    )
    result = run(runner, study, "agree")
    assert result.exit_code == 2
    assert "Missing option '--coders'" in result.output
    result = run(runner, study, "agree", "--coders", "li", "wang", "--mode", "majority")
    assert result.exit_code == 2


def test_evaluate_table(runner: CliRunner, study: Path) -> None:
    result = run(runner, study, "evaluate", "--gold", "li")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "code     tp  fp  fn  precision  recall  f1     support\n"
        "-------  --  --  --  ---------  ------  -----  -------\n"
        "DIL.A    1   0   3   1.000      0.250   0.400  4\n"
        "DIL.B    1   1   1   0.500      0.500   0.500  2\n"
        "STR.C    0   1   0   0.000      —       0.000  0\n"
        "(micro)  2   2   4   0.500      0.333   0.400  6\n"
        "(macro)  2   2   4   0.500      0.375   0.300  6\n"
        "\n"
        "scope: 8 paragraph segments in 3 documents li coded; automatic codings against li's codings\n"
    )


def test_evaluate_lists_false_positives_and_negatives(runner: CliRunner, study: Path) -> None:
    result = run(runner, study, "evaluate", "--gold", "li", "--show", "fp", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "segment,document,code,rule,span,text\n"
        "d1/p3,d1,DIL.B,DIL.B.kw,The weather.,The weather.\n"
        "d3/p2,d3,STR.C,STR.C.kw,Platforms help.,Platforms help.\n"
    )
    result = run(
        runner,
        study,
        "evaluate",
        "--gold",
        "li",
        "--show",
        "fn",
        "--codes",
        "DIL.A",
        "--format",
        "json",
    )
    report = json.loads(result.output)
    assert [r["code"] for r in report["scores"]] == ["DIL.A", "(micro)", "(macro)"]
    assert [r["segment"] for r in report["false_negatives"]] == ["d1/p2", "d2/p2", "d3/p1"]
    assert report["scores"][0]["recall"] == 0.25


def test_evaluate_errors(runner: CliRunner, study: Path) -> None:
    result = run(runner, study, "evaluate", "--gold", "zhang")
    assert result.exit_code == 1
    assert result.output == (
        "Error: unknown gold coder 'zhang': no manual codings by that name; known coders: li, wang\n"
    )
    result = run(runner, study, "evaluate", "--gold", "li", "--show", "tp")
    assert result.exit_code == 2


def test_help_lists_the_commands(runner: CliRunner) -> None:
    listing = " ".join(runner.invoke(cli, ["--help"]).output.split())
    assert (
        "agree Agreement between coders: percent, kappa, Krippendorff's alpha, disagreements."
        in listing
    )
    assert (
        "evaluate Precision, recall and F1 of automatic codings against a human coder." in listing
    )
    assert "casekit agree --coders li wang" in runner.invoke(cli, ["agree", "--help"]).output
    assert "casekit evaluate --gold li" in runner.invoke(cli, ["evaluate", "--help"]).output
