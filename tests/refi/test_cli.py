"""``casekit import qdpx|qdc``, ``casekit export qdpx`` and ``casekit anonymize`` via the CLI."""

from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner, Result

from casekit.cli import cli
from casekit.project import Project
from tests.refi.builders import DATA, SOURCE, empty_project, small_qde, write_zip


def run(project: Project, *args: str) -> Result:
    return CliRunner().invoke(cli, [*args, "--project", str(project.root)])


def test_export_qdpx(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "study.qdpx"
    result = run(project, "export", "qdpx", "-o", str(out), "--coders", "li,wang", "--source",
                 "manual")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"exported 2 documents, 7 codes, 7 codings on 7 selections by 2 coders (li, wang) and "
        f"4 memos to {out}\n"
    )
    assert zipfile.ZipFile(out).namelist()[0] == "project.qde"


def test_export_qdpx_default_path_and_anonymize(project: Project) -> None:
    result = run(project, "export", "qdpx", "--anonymize", str(DATA / "names.csv"))
    target = project.root / "outputs" / "study.qdpx"
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"to {target}; pseudonymised (11 names replaced)\n")
    texts = b"".join(zipfile.ZipFile(target).read(n) for n in zipfile.ZipFile(target).namelist())
    assert "王科长".encode() not in texts and "甲科长".encode() in texts


def test_export_qdpx_errors(project: Project, tmp_path: Path) -> None:
    result = run(project, "export", "qdpx", "--coders", "zhao")
    assert result.exit_code == 1
    assert result.output == (
        "Error: unknown coder zhao; coders in this project: li, wang (and 'rules' for automatic "
        "codings)\n"
    )
    bad = tmp_path / "names.csv"
    bad.write_text("who,alias\n", encoding="utf-8")
    result = run(project, "export", "qdpx", "--anonymize", str(bad))
    assert result.exit_code == 1
    assert result.output == (
        f"Error: {bad}:1: the first row must be the header original,pseudonym (one name and its "
        "pseudonym per row after it)\n"
    )
    result = run(project, "export", "qdpx", "--source", "some")
    assert result.exit_code == 2


def test_import_qdpx(tmp_path: Path) -> None:
    fresh = empty_project(tmp_path / "fresh")
    result = run(fresh, "import", "qdpx", str(DATA / "fieldnotes.qde"), "--as-coder-prefix", "mx-")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "imported 1 new document, 2 new codes (0 matched the project's), 2 codings by "
        f"mx-Ben Jr., mx-rules and 4 memos from {DATA / 'fieldnotes.qde'} · event 2\n"
        "  notes-01.docx as notes-01: new document, 2 codings; offsets: code points, line ends "
        "counted once (no CRLF, byte-order mark or characters beyond the BMP: every convention "
        "agrees)\n"
    )


def test_import_qdpx_skip_missing(tmp_path: Path) -> None:
    fresh = empty_project(tmp_path / "fresh")
    path = write_zip(tmp_path / "x.qdpx", {"project.qde": small_qde()})
    result = run(fresh, "import", "qdpx", str(path))
    assert result.exit_code == 1
    assert result.output == (
        "Error: x.qdpx: 1 problem, nothing was imported:\n"
        f"  x.qdpx: source 'interview 1.docx': its text internal://{SOURCE}.txt is not in the "
        "archive; nothing was imported. Export the project again with its sources, or pass "
        "--skip-missing to import the rest\n"
    )
    result = run(fresh, "import", "qdpx", str(path), "--skip-missing")
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"imported 0 new documents, 1 new code (0 matched the project's), 0 codings and 0 memos "
        f"from {path} · event 1\n"
        f"  interview 1.docx: skipped (its text internal://{SOURCE}.txt is not in the archive)\n"
    )


def test_import_qdpx_hostile(project: Project, tmp_path: Path) -> None:
    path = write_zip(tmp_path / "evil.qdpx", {"project.qde": small_qde(), "/etc/evil": "x"})
    result = run(project, "import", "qdpx", str(path))
    assert result.exit_code == 1
    assert result.output == (
        "Error: evil.qdpx:/etc/evil: refused, it has an absolute path (a 'zip slip' attack); "
        "nothing was imported\n"
    )


def test_import_qdc(tmp_path: Path) -> None:
    fresh = empty_project(tmp_path / "fresh")
    qdc = DATA / "supervisor-0_4.qdc"
    result = run(fresh, "import", "qdc", str(qdc))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[0] == (
        f"imported 4 new codes from {qdc} (0 matched the project's codes) · event 1"
    )
    result = run(fresh, "import", "qdc", str(tmp_path / "none.qdc"))
    assert result.exit_code == 1
    assert result.output == f"Error: {tmp_path / 'none.qdc'}: no such file\n"


def test_anonymize(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "shared"
    result = run(project, "anonymize", "--map", str(DATA / "names.csv"), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.output == (
        f"wrote a pseudonymised copy of {project.root} to {out}: 2 documents, 6 names replaced "
        "(mapping of 6); 8 codings and 4 memos carried over\n"
    )
    again = run(project, "anonymize", "--map", str(DATA / "names.csv"), "--out", str(out))
    assert again.exit_code == 1
    assert again.output == (
        f"Error: {out}: already exists and is not empty; choose a new folder (nothing is "
        "overwritten)\n"
    )
    missing = run(project, "anonymize")
    assert missing.exit_code == 2
    assert "Missing option '--map'" in missing.output


def test_help_lists_the_commands() -> None:
    runner = CliRunner()
    top = runner.invoke(cli, ["--help"])
    assert "anonymize  Write a pseudonymised copy of the project" in top.output
    assert "qdpx" in runner.invoke(cli, ["import", "--help"]).output
    assert "qdc" in runner.invoke(cli, ["import", "--help"]).output
    assert "qdpx" in runner.invoke(cli, ["export", "--help"]).output


def test_undo_takes_an_import_back_out(tmp_path: Path) -> None:
    fresh = empty_project(tmp_path / "fresh")
    assert run(fresh, "import", "qdpx", str(DATA / "fieldnotes.qde")).exit_code == 0
    result = run(fresh, "undo")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("undo event 2: imported 1 new document")
    standing = "SELECT COUNT(*) FROM {} WHERE deleted_at IS NULL"
    assert fresh.store.scalar(standing.format("codings")) == 0
    assert fresh.store.scalar(standing.format("memos")) == 0
