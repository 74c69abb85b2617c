"""Project-level automatic coding: store writes, idempotence, manual codings, workers, kills."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from casekit.cli import cli
from casekit.coding.autocode import autocode_project
from casekit.ingest import ingest_corpus
from casekit.project import Project, open_project
from tests.conftest import write

CODEBOOK = Path(__file__).resolve().parents[1] / "data" / "codebooks" / "valid-small.yaml"
DOCS = {
    "gz-a.txt": "问：平台好用吗？\n\n答：我们现在都是通过共享交换平台去调数据。\n\n问：考核呢？\n\n答：数据共享一直没有纳入考核。",
    "gz-b.txt": "Q: How do you get the records?\n\nA: We request them through the exchange platform now.",
}


def _setup(project: Project, n_extra: int = 0) -> None:
    shutil.copy(CODEBOOK, project.root / "codebooks" / "technology-structuring.yaml")
    for name, text in DOCS.items():
        write(project.corpus_dir / name, text)
    for i in range(n_extra):
        write(
            project.corpus_dir / f"gz-x{i}.txt",
            f"答：第{i}次通过共享交换平台申请，还是没有纳入考核。",
        )
    ingest_corpus(project)


def _codings(db: Path) -> list[tuple]:
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT d.name, c.code, c.start, c.end, c.rule, c.matched_text, c.source, c.coder "
        "FROM codings c JOIN segments s ON s.id = c.segment_id JOIN documents d ON d.id = s.document_id "
        "WHERE c.deleted_at IS NULL ORDER BY 1, 3, 4, 2, 5"
    ).fetchall()
    con.close()
    return rows


def test_codings_point_at_their_text(project: Project) -> None:
    _setup(project)
    report = autocode_project(project)
    assert report.n_documents == 2 and report.n_codings == len(_codings(project.db_path))
    store = project.store
    for row in store.query(
        "SELECT c.start, c.end, c.matched_text, c.codebook_version, d.text FROM codings c "
        "JOIN segments s ON s.id = c.segment_id JOIN documents d ON d.id = s.document_id"
    ):
        assert row["text"][row["start"] : row["end"]] == row["matched_text"]
    codes = {r[1] for r in _codings(project.db_path)}
    assert "TECH.PLATFORM" in codes
    assert store.scalar("SELECT COUNT(*) FROM codes") > 0
    versions = {r[0] for r in store.query("SELECT DISTINCT codebook_version FROM codings")}
    from casekit.codebook import load_codebook

    assert versions == {load_codebook(CODEBOOK).content_hash}


def test_polarity_flip_is_stored_as_the_dilemma(project: Project) -> None:
    _setup(project)
    autocode_project(project)
    rows = [r for r in _codings(project.db_path) if r[4] and r[4].endswith("!neg")]
    assert rows, "the negated strategy should be stored as its paired dilemma"
    assert all(not r[1].startswith("STR") for r in rows)


def test_rerun_is_idempotent_and_manual_codings_untouched(project: Project) -> None:
    _setup(project)
    autocode_project(project)
    store = project.store
    seg = store.con.execute("SELECT id, start, end FROM segments WHERE key = 'gz-a/t2'").fetchone()
    with store.transaction() as con:
        con.execute(
            "INSERT INTO codings(segment_id, code, start, end, source, coder, created_at) "
            "VALUES (?, 'TECH.PLATFORM', ?, ?, 'manual', 'li', 'now')",
            (seg["id"], seg["start"], seg["end"]),
        )
    first = _codings(project.db_path)
    again = autocode_project(project)
    assert again.n_documents == 0 and again.n_skipped == 2
    forced = autocode_project(project, force=True)
    assert forced.n_manual == 1
    assert _codings(project.db_path) == first


def test_worker_processes_give_identical_results(project: Project) -> None:
    _setup(project, n_extra=6)
    autocode_project(project)
    single = _codings(project.db_path)
    autocode_project(project, force=True, workers=2)
    assert _codings(project.db_path) == single


KILLER = """
import os, signal, sys
from casekit.project import open_project
from casekit.coding.autocode import autocode_project
project = open_project(sys.argv[1])
def progress(done, total, name):
    if done == 3:
        os.kill(os.getpid(), signal.SIGKILL)
autocode_project(project, progress=progress)
"""


def test_killed_run_is_completed_by_a_rerun(project: Project, tmp_path: Path) -> None:
    _setup(project, n_extra=6)
    root = project.root
    reference_root = tmp_path / "reference"
    shutil.copytree(root, reference_root)
    project.close()
    with open_project(reference_root) as ref:
        autocode_project(ref)
    result = subprocess.run(
        [sys.executable, "-c", KILLER, str(root)],
        capture_output=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert result.returncode == -9
    con = sqlite3.connect(root / "casekit.db")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT COUNT(*) FROM autocode_state").fetchone()[0] == 3
    con.close()
    with open_project(root) as again:
        report = autocode_project(again)
    assert report.n_skipped == 3 and report.n_documents == 5
    assert _codings(root / "casekit.db") == _codings(reference_root / "casekit.db")


def test_cli_autocode_and_explain(project: Project) -> None:
    _setup(project)
    runner = CliRunner()
    result = runner.invoke(cli, ["autocode", "--project", str(project.root)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("coded 6 segments in 2 documents:")
    assert result.output.strip().endswith("0 manual codings untouched")
    result = runner.invoke(
        cli, ["explain", "gz-a/p4", "--project", str(project.root), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    import json

    rules = json.loads(result.output)["rules"]
    flipped = [r for r in rules if r["outcome"] == "coded" and r["rule"].endswith("!neg")]
    assert flipped and all("纳入考核" in r["text"] for r in flipped)
    assert all(not r["code"].startswith("STR") for r in flipped)
    assert any(r["outcome"] == "negated" for r in rules)
    result = runner.invoke(cli, ["explain", "gz-a/p99", "--project", str(project.root)])
    assert result.exit_code == 1 and "no segment 'gz-a/p99'" in result.output
    result = runner.invoke(cli, ["autocode", "--docs", "nope", "--project", str(project.root)])
    assert result.exit_code == 1 and "no document named 'nope'" in result.output


@pytest.mark.parametrize("unit", ["sentence", "turn"])
def test_other_units(project: Project, unit: str) -> None:
    _setup(project)
    report = autocode_project(project, unit=unit)
    assert report.unit == unit and report.n_codings > 0
