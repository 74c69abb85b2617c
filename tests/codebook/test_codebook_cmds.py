"""``casekit codebook validate|show|export|diff`` through the real CLI entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from casekit.cli import cli
from casekit.cli.codebook_cmds import default_codebook_path
from casekit.errors import CasekitError, ConfigError

from .conftest import DATA, VALID_SMALL


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, ["codebook", *args], catch_exceptions=False)

    return invoke


def test_validate_ok(run, small) -> None:
    result = run("validate", str(VALID_SMALL))
    assert result.exit_code == 0
    assert result.stdout == (
        f"ok: {VALID_SMALL} — 7 codes in 3 categories, version 1.0 (hash {small.content_hash})\n"
    )
    assert result.stderr == ""


def test_validate_prints_warnings_and_strict_fails(run) -> None:
    path = DATA / "duplicate-keyword.yaml"
    result = run("validate", str(path))
    assert result.exit_code == 0
    assert result.stdout.startswith(f"ok: {path} — 2 codes in 2 categories, version 1.0")
    assert result.stderr.splitlines() == [
        f"{path}:20: warning: keyword '共享平台' (zh) of DIL is also listed under TECH (line 12)",
        f"{path}:21: warning: keyword 'data platform' (en) of DIL is also listed under TECH "
        "(line 13)",
    ]
    strict = run("validate", "--strict", str(path))
    assert strict.exit_code == 1
    assert strict.stdout == ""
    assert strict.stderr.splitlines() == [
        "Error: codebook has 2 problems:",
        f"  {path}:20: keyword '共享平台' (zh) of DIL is also listed under TECH (line 12)",
        f"  {path}:21: keyword 'data platform' (en) of DIL is also listed under TECH (line 13)",
    ]


def test_validate_reports_every_problem_and_exits_1(run) -> None:
    path = DATA / "many-problems.yaml"
    result = run("validate", str(path))
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == "Error: codebook has 5 problems:"
    assert [line.split(":", 2)[1] for line in lines[1:]] == ["14", "15", "21", "22", "32"]


def test_validate_missing_file(run, tmp_path: Path) -> None:
    result = run("validate", str(tmp_path / "none.yaml"))
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"Error: codebook file not found: {tmp_path / 'none.yaml'} (check the path)\n"
    )


def test_show_table_csv_json(run, small, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # outside any project: no coding counts
    table = run("show", str(VALID_SMALL), "--lang", "zh")
    assert table.exit_code == 0
    assert table.stdout.splitlines()[:2] == [
        "TECH                信息技术      (element)",
        "  TECH.PLATFORM     共享交换平台  (element)",
    ]
    # Without --lang: the codebook's first language (zh here).
    assert run("show", str(VALID_SMALL)).stdout == table.stdout

    rows = run("show", str(VALID_SMALL), "--format", "csv").stdout.splitlines()
    assert rows[0] == "id,parent,level,family,name_zh,name_en,n_rules"
    assert rows[2] == "TECH.PLATFORM,TECH,2,element,共享交换平台,Data-exchange platform,2"

    document = json.loads(run("show", str(VALID_SMALL), "--format", "json").stdout)
    assert document["id"] == "DEMO-SMALL"
    assert document["hash"] == small.content_hash
    assert document["languages"] == ["zh", "en"]
    assert [c["id"] for c in document["codes"]] == list(small.codes)
    assert document["codes"][0] == {
        "id": "TECH",
        "parent": None,
        "level": 1,
        "family": "element",
        "name_zh": "信息技术",
        "name_en": "Information technology",
        "n_rules": 0,
    }


@pytest.mark.parametrize("fmt", ["md", "latex", "csv"])
def test_export_text_formats_to_stdout(run, small, fmt: str) -> None:
    from casekit.codebook import export_codebook

    result = run("export", "--format", fmt, str(VALID_SMALL))
    assert result.exit_code == 0
    assert result.stdout == export_codebook(small, fmt)


def test_export_to_file_infers_format_from_suffix(run, small, tmp_path: Path) -> None:
    from casekit.codebook import export_codebook

    out = tmp_path / "deep" / "codebook.qdc"
    result = run("export", "-o", str(out), str(VALID_SMALL))
    assert result.exit_code == 0
    assert result.stdout == f"wrote {out} (qdc, 7 codes, hash {small.content_hash})\n"
    assert out.read_bytes() == export_codebook(small, "qdc")


def test_export_without_a_format_is_a_usage_error(run, tmp_path: Path) -> None:
    result = run("export", "-o", str(tmp_path / "codebook.txt"), str(VALID_SMALL))
    assert result.exit_code == 2
    assert (
        "Error: give --format (md, latex, csv or qdc), or -o with a .md, .tex, .csv or .qdc "
        "file name" in result.stderr
    )


def test_diff_text_and_json(run, small) -> None:
    reordered = DATA / "valid-small-reordered.yaml"
    result = run("diff", str(VALID_SMALL), str(reordered))
    assert result.exit_code == 0
    assert result.stdout.splitlines()[1] == "no differences"
    flat = run("diff", str(VALID_SMALL), str(DATA / "flat-parents.yaml"), "--format", "json")
    data = json.loads(flat.stdout)
    assert data["added"] == ["DIL.SECURITY", "DIL.SECURITY.LEAKS", "ACTOR"]
    assert data["old_hash"] == small.content_hash


def test_diff_with_an_invalid_codebook_fails(run) -> None:
    result = run("diff", str(VALID_SMALL), str(DATA / "cycle.yaml"))
    assert result.exit_code == 1
    assert "cycle.yaml:11: parent cycle: A -> B -> A" in result.stderr


@pytest.mark.parametrize("command", ["validate", "show", "export", "diff"])
def test_every_command_has_help_with_an_example(run, command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Example:\n    casekit codebook " + command in result.stdout


def test_group_help_lists_the_commands(run) -> None:
    lines = run("--help").stdout.splitlines()
    assert "  validate  Check a codebook and report every problem with its line." in lines


# -- default codebook -------------------------------------------------------------------
def test_default_path_from_casekit_toml(tmp_path: Path, monkeypatch, run, small) -> None:
    project = tmp_path / "study"
    (project / "books").mkdir(parents=True)
    shutil.copy(VALID_SMALL, project / "books" / "main.yaml")
    (project / "casekit.toml").write_text(
        '[codebook]\nfile = "books/main.yaml"\n', encoding="utf-8"
    )
    (project / "corpus").mkdir()
    assert default_codebook_path(project / "corpus") == project / "books" / "main.yaml"

    monkeypatch.chdir(project / "corpus")
    result = run("validate")
    assert result.exit_code == 0
    assert result.stdout.startswith(f"ok: {project / 'books' / 'main.yaml'} — 7 codes")


def test_default_path_falls_back_to_the_single_yaml(tmp_path: Path) -> None:
    (tmp_path / "codebooks").mkdir()
    shutil.copy(VALID_SMALL, tmp_path / "codebooks" / "only.yaml")
    assert default_codebook_path(tmp_path) == tmp_path / "codebooks" / "only.yaml"
    # A casekit.toml without a [codebook] file setting uses its project's codebooks/.
    (tmp_path / "casekit.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    (tmp_path / "corpus").mkdir()
    assert default_codebook_path(tmp_path / "corpus") == tmp_path / "codebooks" / "only.yaml"


def test_default_path_errors(tmp_path: Path, monkeypatch, run) -> None:
    with pytest.raises(CasekitError, match="no codebook given and none found"):
        default_codebook_path(tmp_path)
    (tmp_path / "codebooks").mkdir()
    (tmp_path / "codebooks" / "a.yaml").write_text("", encoding="utf-8")
    (tmp_path / "codebooks" / "b.yml").write_text("", encoding="utf-8")
    with pytest.raises(CasekitError, match=r"several codebooks in .* \(a.yaml, b.yml\)"):
        default_codebook_path(tmp_path)
    (tmp_path / "casekit.toml").write_text('[codebook]\nfile = "gone.yaml"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="file = 'gone.yaml' does not exist"):
        default_codebook_path(tmp_path)

    monkeypatch.chdir(tmp_path)
    result = run("show")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: {tmp_path / 'casekit.toml'}: [codebook] file = 'gone.yaml'"
    )


def test_show_counts_codings_inside_a_project(run, tmp_path, monkeypatch) -> None:
    from casekit.project import init_project

    project = init_project(tmp_path / "p")
    with project.store.transaction() as con:
        con.execute(
            "INSERT INTO documents(name, path, sha256, text, language, encoding, ingested_at) "
            "VALUES ('d', 'corpus/d.txt', 'x', '平台', 'zh', 'utf-8', 'now')"
        )
        con.execute(
            "INSERT INTO segments(document_id, key, unit, idx, start, end, text) "
            "VALUES (1, 'd/p1', 'paragraph', 1, 0, 2, '平台')"
        )
        con.executemany(
            "INSERT INTO codings(segment_id, code, start, end, source, coder, created_at) "
            "VALUES (1, 'TECH.PLATFORM', 0, 2, ?, ?, 'now')",
            [("manual", "li"), ("auto", "rules")],
        )
    project.close()
    monkeypatch.chdir(tmp_path / "p")
    table = run("show", str(VALID_SMALL), "--lang", "zh")
    line = next(row for row in table.stdout.splitlines() if row.strip().startswith("TECH.PLATFORM"))
    assert line.split()[-1] == "2"
