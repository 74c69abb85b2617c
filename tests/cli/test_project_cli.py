from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from casekit import __version__
from casekit.cli import cli
from tests.conftest import write


def _init(runner: CliRunner, path: Path) -> Path:
    result = runner.invoke(cli, ["init", str(path)])
    assert result.exit_code == 0, result.output
    return path


def test_no_arguments_prints_orientation(runner: CliRunner) -> None:
    result = runner.invoke(cli, [])
    assert result.exit_code == 0
    assert "casekit init my-study" in result.output


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.output.strip() == f"casekit, version {__version__}"


def test_init_ingest_status_json(runner: CliRunner, tmp_path: Path) -> None:
    root = _init(runner, tmp_path / "study")
    write(root / "corpus" / "a.txt", "问：数据能共享吗？\n\n答：要看部门愿不愿意。")
    write(root / "corpus" / "b.txt", "问：标准呢？\n\n答：编码规则不一样。", encoding="gb18030")
    import docx

    d = docx.Document()
    d.add_paragraph("第一条 为了规范政务数据共享，制定本办法。")
    d.save(root / "corpus" / "c.docx")
    result = runner.invoke(cli, ["--help"])
    result = runner.invoke(cli, ["ingest", "--project", str(root)])
    assert result.exit_code == 0, result.output
    assert (
        result.output.strip() == "ingested 3 new and 0 changed documents (14 segments); 0 unchanged"
    )
    result = runner.invoke(cli, ["status", "--project", str(root), "--format", "json"])
    status = json.loads(result.output)
    assert status["documents"] == 3
    assert status["documents_by_language"] == {"zh": 3}
    assert status["segments"] == {"paragraph": 5, "sentence": 5, "turn": 4}
    assert status["codings"] == {"auto": 0, "manual": 0}


def test_docs_and_segments_commands(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    root = _init(runner, tmp_path / "study")
    write(root / "corpus" / "gz-a.txt", "问：你好？\n\n答：数据对不上。")
    monkeypatch.chdir(root / "corpus")  # found like git: from a subfolder
    assert runner.invoke(cli, ["ingest"]).exit_code == 0
    out = runner.invoke(cli, ["docs", "list", "--format", "csv"]).output.splitlines()
    assert out[0] == "name,doc_type,language,characters,department,level,path"
    assert out[1].startswith("gz-a,document,zh,")
    shown = json.loads(runner.invoke(cli, ["docs", "show", "gz-a", "--format", "json"]).output)
    assert shown["segments"] == {"paragraph": 2, "sentence": 2, "turn": 2}
    segs = json.loads(
        runner.invoke(cli, ["segments", "gz-a", "--unit", "turn", "--format", "json"]).output
    )
    assert [(s["key"], s["speaker"], s["text"]) for s in segs] == [
        ("gz-a/t1", "问", "你好？"),
        ("gz-a/t2", "答", "数据对不上。"),
    ]
    table = runner.invoke(cli, ["segments", "gz-a", "--unit", "turn"]).output
    assert "gz-a/t2" in table


def test_errors_are_one_line_with_exit_1(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["status"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: no casekit project here")
    root = _init(runner, tmp_path / "study")
    (root / "corpus" / "bad.txt").write_bytes(b"\x00\x01binary")
    result = runner.invoke(cli, ["ingest", "--project", str(root)])
    assert result.exit_code == 1
    assert "Error: " in result.output and "bad.txt: looks like a binary file" in result.output
    result = runner.invoke(cli, ["docs", "show", "nope", "--project", str(root)])
    assert result.exit_code == 1
    assert "Error: no document named 'nope'" in result.output
    result = runner.invoke(cli, ["segments", "x", "--unit", "chapter", "--project", str(root)])
    assert result.exit_code == 2
