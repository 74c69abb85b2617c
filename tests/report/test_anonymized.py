"""`casekit report --anonymize`: the shared report carries pseudonyms only; the project is untouched."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from casekit.cli import cli
from tests.figures.helpers import make_project


def test_report_with_pseudonyms(tmp_path: Path) -> None:
    from casekit.coding.autocode import autocode_project
    from casekit.ingest import ingest_corpus

    project = make_project(tmp_path / "study")
    (project.corpus_dir / "gz-names-01.txt").write_text(
        "问：遵义那边怎么说？\n\n王科长：李明上次说共享交换平台的数据对不上。\n\n"
        "问：后来呢？\n\n王科长：遵义的同志说数据共享没有纳入考核。\n",
        encoding="utf-8",
    )
    with open(project.manifest_path, "a", encoding="utf-8") as manifest:
        manifest.write("gz-names-01.txt,interview,市民政局,city,staff,zh\n")
    ingest_corpus(project)
    autocode_project(project)
    names = ["王科长", "李明", "遵义"]
    mapping = tmp_path / "names.csv"
    mapping.write_text(
        "original,pseudonym\n" + "".join(f"{n},PSEUDO{i}\n" for i, n in enumerate(names)),
        encoding="utf-8",
    )
    before = project.store.scalar("SELECT group_concat(text, '') FROM documents")
    root = project.root
    project.close()
    out = tmp_path / "shared.html"
    result = CliRunner().invoke(
        cli,
        ["report", "--project", str(root), "--anonymize", str(mapping), "-o", str(out), "--lang", "en", "--unit", "paragraph"],
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    for i, name in enumerate(names):
        assert name not in html
        assert f"PSEUDO{i}" in html
    from casekit.project import open_project

    with open_project(root) as again:
        assert again.store.scalar("SELECT group_concat(text, '') FROM documents") == before
    assert not (root / "outputs" / "report.html").exists()
