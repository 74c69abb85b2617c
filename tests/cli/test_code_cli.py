"""``casekit code add|rm|list|show|session`` through the CLI, successes and every error."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from casekit.cli import cli
from casekit.project import Project
from casekit.store.manual import coding_rows, list_memos
from tests.coding.manual_helpers import T2, add_auto, build_project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    proj = build_project(tmp_path / "study")
    yield proj
    proj.close()


def run(project: Project, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, [*args, "--project", str(project.root)], input=input)


def test_add_whole_segment_and_span(project: Project) -> None:
    result = run(project, "code", "add", "gz-county-07/t2", "证明", "--coder", "li")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "li coded gz-county-07/t2 (whole segment) with DIL.REPEATED_PROOFS 群众重复开证明"
        " · event 5\n"
    )
    result = run(
        project,
        "code",
        "add",
        "gz-county-07/t2",
        "DATA_Q",
        "--coder",
        "li",
        "--span",
        "59:62",
        "--memo",
        "对不上",
    )
    assert result.output == (
        "li coded gz-county-07/t2 (59:62) with DIL.DATA_QUALITY 数据质量不高 · event 6\n"
    )
    again = run(
        project, "code", "add", "gz-county-07/t2", "DATA_Q", "--coder", "li", "--span", "59:62"
    )
    assert again.exit_code == 0
    assert again.output.endswith("; nothing changed\n")
    rows = coding_rows(project.store, coders=["li"])
    assert [(r["code"], r["start"], r["end"], r["memo"]) for r in rows] == [
        ("DIL.REPEATED_PROOFS", 25, 97, None),
        ("DIL.DATA_QUALITY", 84, 87, "对不上"),
    ]


def test_coder_from_the_environment(project: Project) -> None:
    result = CliRunner(env={"CASEKIT_CODER": "wang"}).invoke(
        cli, ["code", "add", "gz-county-07/t4", "TECH.SYSTEMS", "--project", str(project.root)]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("wang coded gz-county-07/t4")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["gz-county-07/t9", "TECH"],
            "Error: no segment 'gz-county-07/t9' in gz-county-07; 'casekit segments gz-county-07' "
            "lists its segments\n",
        ),
        (
            ["nope/t1", "TECH"],
            "Error: no segment 'nope/t1': segment keys look like DOCUMENT/t3 (turn), /p2 "
            "(paragraph), /s5 (sentence), /a1 (article); see 'casekit segments DOCUMENT'\n",
        ),
        (
            ["gz-county-07/t2", "DIL."],
            "Error: code 'DIL.' is ambiguous: it matches DIL.DATA_QUALITY 数据质量不高, "
            "DIL.REPEATED_PROOFS 群众重复开证明; give more of the id\n",
        ),
        (
            ["gz-county-07/t2", "platfrom"],
            "Error: unknown code 'platfrom'; did you mean TECH.PLATFORM 共享交换平台? "
            "('casekit codebook show' lists the codes)\n",
        ),
        (
            ["gz-county-07/t2", "TECH", "--span", "60:80"],
            "Error: span 60:80 is outside the segment: its text has 72 characters, so use "
            "START:END with 0 <= START < END <= 72\n",
        ),
        (
            ["gz-county-07/t2", "TECH", "--span", "x"],
            "Error: span 'x' must look like START:END, e.g. 3:10\n",
        ),
    ],
)
def test_add_errors(project: Project, args: list[str], message: str) -> None:
    result = run(project, "code", "add", *args, "--coder", "li")
    assert result.exit_code == 1
    assert result.output == message
    assert coding_rows(project.store) == []


def test_add_needs_a_coder(project: Project) -> None:
    result = run(project, "code", "add", "gz-county-07/t2", "TECH")
    assert result.exit_code == 2
    assert "Missing option '--coder'" in result.output


def test_rm(project: Project) -> None:
    run(project, "code", "add", "gz-county-07/t2", "TECH.PLATFORM", "--coder", "li")
    run(project, "code", "add", "gz-county-07/t2", "TECH.PLATFORM", "--coder", "wang")
    other = run(
        project, "code", "rm", "gz-county-07/t2", "TECH.PLATFORM", "--coder", "li", "--span", "0:3"
    )
    assert other.exit_code == 1
    assert other.output == (
        "Error: li has no coding TECH.PLATFORM on gz-county-07/t2 at 0:3 "
        "(coded by li, wang: a coder can only remove their own codings)\n"
    )
    unknown = run(project, "code", "rm", "gz-county-07/t2", "TECH.PLATFORM", "--coder", "zhao")
    assert unknown.exit_code == 1
    assert unknown.output == "Error: unknown coder 'zhao'; coders in this project: li, wang\n"
    result = run(project, "code", "rm", "gz-county-07/t2", "TECH.PLATFORM", "--coder", "li")
    assert result.exit_code == 0
    assert result.output == (
        "li removed coding TECH.PLATFORM 共享交换平台 from gz-county-07/t2 · event 7\n"
    )
    assert [r["coder"] for r in coding_rows(project.store)] == ["wang"]


def test_list_formats_and_filters(project: Project) -> None:
    run(
        project,
        "code",
        "add",
        "gz-county-07/t2",
        "TECH.PLATFORM",
        "--coder",
        "li",
        "--span",
        "42:44",
    )
    run(project, "code", "add", "gz-county-07/t4", "TECH.SYSTEMS", "--coder", "wang")
    add_auto(project, "gz-notice-01", [("gz-notice-01/p1", "TECH.PLATFORM", 8, 10)])
    table = run(project, "code", "list")
    assert table.exit_code == 0
    assert table.output.splitlines()[0].split() == [
        "id",
        "segment",
        "span",
        "code",
        "name",
        "coder",
        "source",
        "text",
    ]
    assert len(table.output.splitlines()) == 5
    data = json.loads(run(project, "code", "list", "--coder", "li", "--format", "json").output)
    assert data == [
        {
            "id": data[0]["id"],
            "document": "gz-county-07",
            "segment": "gz-county-07/t2",
            "unit": "turn",
            "start": 67,
            "end": 69,
            "span": "42:44",
            "code": "TECH.PLATFORM",
            "name_zh": "共享交换平台",
            "name_en": "Data-exchange platform",
            "coder": "li",
            "source": "manual",
            "rule": None,
            "text": "平台",
            "memo": None,
            "created_at": data[0]["created_at"],
        }
    ]
    csv_out = run(project, "code", "list", "--code", "TECH", "--source", "auto", "--format", "csv")
    lines = csv_out.output.splitlines()
    assert len(lines) == 2
    assert lines[1].split(",")[1:4] == ["gz-notice-01", "gz-notice-01/p1", "paragraph"]
    assert lines[1].split(",")[7:12] == [
        "TECH.PLATFORM",
        "共享交换平台",
        "Data-exchange platform",
        "rules",
        "auto",
    ]
    by_doc = json.loads(
        run(project, "code", "list", "--doc", "gz-county-07", "--format", "json").output
    )
    assert [r["coder"] for r in by_doc] == ["li", "wang"]
    for args, message in [
        (["--doc", "nope"], "Error: no document named 'nope'; see 'casekit docs list'\n"),
        (["--coder", "zhao"], "Error: unknown coder 'zhao'; coders in this project: li, wang\n"),
        (["--code", "DIL."], "Error: code 'DIL.' is ambiguous"),
    ]:
        result = run(project, "code", "list", *args)
        assert result.exit_code == 1
        assert result.output.startswith(message)


def test_show(project: Project) -> None:
    i = T2.index("平台")
    add_auto(project, "gz-county-07", [("gz-county-07/p2", "TECH.PLATFORM", i + 2, i + 4)])
    run(project, "code", "add", "gz-county-07/t2", "证明", "--coder", "li")
    run(
        project,
        "code",
        "add",
        "gz-county-07/t2",
        "DIL.DATA_QUALITY",
        "--coder",
        "wang",
        "--span",
        "59:62",
    )
    run(project, "memo", "add", "很典型", "--coder", "li", "--segment", "gz-county-07/t2")
    result = run(project, "code", "show", "gz-county-07/t2")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "gz-county-07/t2 · turn 2 · 答 · offsets 25:97"
    assert lines[1] == "gz-county-07 · interview · 县政务服务中心 · county · window staff"
    assert lines[3] == (
        "不动产登记的情况我们要核实，可是自然资源那边的库我们查不了，还得让申请人回去开证明。"
        "[平台]上是有个查询入口，但返回的数据[对不上]，我们也不敢直接用。"
    )
    assert lines[5].split() == ["code", "name", "coder", "source", "span", "text", "memo"]
    assert lines[7].split() == ["DIL.REPEATED_PROOFS", "群众重复开证明", "li", "manual", "whole"]
    assert lines[8].split() == ["TECH.PLATFORM", "共享交换平台", "rules", "auto", "42:44", "平台"]
    assert lines[9].split() == [
        "DIL.DATA_QUALITY",
        "数据质量不高",
        "wang",
        "manual",
        "59:62",
        "对不上",
    ]
    assert lines[10].startswith("memo 1 (li, ") and lines[10].endswith("): 很典型")
    data = json.loads(run(project, "code", "show", "gz-county-07/t2", "--format", "json").output)
    assert (data["segment"], data["start"], data["end"], data["speaker"]) == (
        "gz-county-07/t2",
        25,
        97,
        "答",
    )
    assert [(c["code"], c["span"]) for c in data["codings"]] == [
        ("DIL.REPEATED_PROOFS", "whole"),
        ("TECH.PLATFORM", "42:44"),
        ("DIL.DATA_QUALITY", "59:62"),
    ]
    assert [m["text"] for m in data["memos"]] == ["很典型"]
    missing = run(project, "code", "show", "gz-county-07/t9")
    assert missing.exit_code == 1
    assert missing.output.startswith("Error: no segment 'gz-county-07/t9'")


def test_session_by_keystrokes(project: Project) -> None:
    i = T2.index("对不上")
    add_auto(project, "gz-county-07", [("gz-county-07/p2", "DIL.DATA_QUALITY", i + 2, i + 5)])
    keys = "\n".join(["n", "1", "a 证明", "2", "m 需要追问", "n", "q"]) + "\n"
    result = run(
        project,
        "code",
        "session",
        "--coder",
        "li",
        "--doc",
        "gz-county-07",
        "--review",
        "auto",
        input=keys,
    )
    assert result.exit_code == 0, result.output
    assert 'suggested (auto):  1 DIL.DATA_QUALITY 数据质量不高 "对不上"' in result.output
    assert (
        "✓ DIL.DATA_QUALITY 数据质量不高 (li)        saved · 1 code on this segment"
        in result.output
    )
    assert "✓ STR.ONE_WINDOW 一窗通办 (li)        saved · 2 codes on this segment" in result.output
    assert result.output.rstrip().endswith(
        "session saved: 3 changes by li; stopped at gz-county-07/t3"
    )
    assert [
        (r["code"], r["start"], r["end"]) for r in coding_rows(project.store, coders=["li"])
    ] == [
        ("STR.ONE_WINDOW", 25, 97),
        ("DIL.DATA_QUALITY", 25 + i, 28 + i),
    ]
    assert [m["text"] for m in list_memos(project.store)] == ["需要追问"]
    # Reopening resumes at t3; end of input quits cleanly.
    again = run(project, "code", "session", "--coder", "li", "--doc", "gz-county-07", input="")
    assert again.exit_code == 0
    assert "segment 3/4 (turn)" in again.output.splitlines()[0]


def test_session_errors(project: Project) -> None:
    result = run(project, "code", "session", "--coder", "li", "--doc", "nope")
    assert result.exit_code == 1
    assert result.output == "Error: no document named 'nope'; see 'casekit docs list'\n"
    result = run(
        project, "code", "session", "--coder", "li", "--doc", "gz-notice-01", "--unit", "turn"
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: document gz-notice-01 has no turn segments to code")
    result = run(project, "code", "session", "--coder", "li", "--review", "manual")
    assert result.exit_code == 2


def test_every_command_has_help_with_an_example(project: Project) -> None:
    for args in (
        ["code", "add"],
        ["code", "rm"],
        ["code", "list"],
        ["code", "show"],
        ["code", "session"],
        ["memo", "add"],
        ["memo", "list"],
        ["memo", "show"],
        ["memo", "rm"],
        ["history"],
        ["undo"],
        ["import", "codings"],
        ["export", "codings"],
        ["reconcile"],
    ):
        result = CliRunner().invoke(cli, [*args, "--help"])
        assert result.exit_code == 0, args
        assert "Example:" in result.output, args
