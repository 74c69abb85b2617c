"""`casekit run` and `casekit verify`: reruns skip, changed inputs rebuild, bytes reproduce."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from casekit.cli import cli
from casekit.pipeline.manifest import read_manifest, sha256_file
from casekit.pipeline.run import run_project, verify_outputs
from casekit.project import Project, init_project
from tests.figures.helpers import CODEBOOK, CORPUS

STEPS = ["ingest", "import", "autocode", "tables", "figures", "report"]


@pytest.fixture
def study(tmp_path: Path) -> Project:
    project = init_project(tmp_path / "study", name="pipeline test")
    shutil.copy(CODEBOOK, project.codebook_path)
    for path in CORPUS.iterdir():
        shutil.copy(path, project.corpus_dir / path.name)
    text = project.root.joinpath("casekit.toml").read_text(encoding="utf-8")
    text = text.replace('unit = "turn"', 'unit = "paragraph"').replace(
        "alpha = 0.05", "alpha = 0.5"
    )
    text = text.replace('formats = ["pdf", "svg", "png"]', 'formats = ["svg", "png"]')
    project.root.joinpath("casekit.toml").write_text(text, encoding="utf-8")
    project.close()
    from casekit.project import open_project

    opened = open_project(project.root)
    yield opened
    opened.close()


def _hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): sha256_file(p)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
def test_run_twice_is_identical_and_the_second_run_skips(study: Project) -> None:
    first = run_project(study)
    assert [o.name for o in first.outcomes] == STEPS
    assert all(o.ran for o in first.outcomes)
    manifest = read_manifest(study.outputs_dir)
    outputs = manifest.outputs()
    assert "tables/code-frequencies.csv" in outputs
    assert "tables/network.gexf" in outputs and "report.html" in outputs
    assert any(p.startswith("figures/") and p.endswith(".png") for p in outputs)
    for path, info in outputs.items():
        assert sha256_file(study.outputs_dir / path) == info["sha256"], path
    assert any(info.get("caption") for info in outputs.values())
    data = json.loads((study.outputs_dir / "manifest.json").read_text(encoding="utf-8"))
    assert data["inputs"]["codebook"]["version"] and data["versions"]["casekit"]
    assert set(data["inputs"]["documents"]) == {
        f"corpus/{p.name}" for p in CORPUS.iterdir() if p.suffix == ".txt"
    }
    before = _hashes(study.outputs_dir)

    second = run_project(study)
    assert [o.name for o in second.outcomes if not o.ran] == ["tables", "figures", "report"]
    assert _hashes(study.outputs_dir) == before

    forced = run_project(study, force=True)
    assert all(o.ran for o in forced.outcomes)
    assert _hashes(study.outputs_dir) == before


@pytest.mark.slow
def test_changed_codings_rebuild_only_what_depends_on_them(study: Project) -> None:
    run_project(study)
    report_before = sha256_file(study.outputs_dir / "report.html")
    seg = study.store.con.execute(
        "SELECT id, start, end FROM segments WHERE unit = 'paragraph' LIMIT 1"
    ).fetchone()
    with study.store.transaction() as con:
        con.execute(
            "INSERT INTO codings(segment_id, code, start, end, source, coder, created_at) "
            "VALUES (?, 'TECH.PLATFORM', ?, ?, 'manual', 'li', 'now')",
            (seg["id"], seg["start"], seg["end"]),
        )
    study.root.joinpath("casekit.toml").write_text(
        study.root.joinpath("casekit.toml")
        .read_text(encoding="utf-8")
        .replace('source = "auto"', 'source = "all"'),
        encoding="utf-8",
    )
    from casekit.project import open_project

    with open_project(study.root) as again:
        rerun = run_project(again, steps=["tables", "figures", "report"])
    assert all(o.ran for o in rerun.outcomes)
    assert sha256_file(study.outputs_dir / "report.html") != report_before


@pytest.mark.slow
def test_verify_reproduces_and_catches_tampering(study: Project) -> None:
    run_project(study)
    result = verify_outputs(study)
    assert result.ok and result.n_checked > 10
    target = study.outputs_dir / "tables" / "code-frequencies.csv"
    target.write_text(target.read_text(encoding="utf-8") + "tampered\n", encoding="utf-8")
    (study.outputs_dir / "tables" / "cooccurrence.csv").unlink()
    runner = CliRunner()
    out = runner.invoke(cli, ["verify", "--project", str(study.root)])
    assert out.exit_code == 1
    assert "changed since the run: tables/code-frequencies.csv" in out.output
    assert "missing: tables/cooccurrence.csv" in out.output
    assert "differs when rebuilt" not in out.output
    # a run notices the damaged outputs and rebuilds the tables step
    rerun = run_project(study)
    assert next(o for o in rerun.outcomes if o.name == "tables").ran
    assert verify_outputs(study).ok


def test_cli_run_reports_steps_and_errors(study: Project) -> None:
    runner = CliRunner()
    out = runner.invoke(
        cli, ["run", "--project", str(study.root), "--step", "ingest", "--step", "autocode"]
    )
    assert out.exit_code == 0, out.output
    assert "ran ingest, autocode" in out.output
    out = runner.invoke(cli, ["verify", "--project", str(study.root)])
    assert out.exit_code == 1 and "no outputs recorded; run 'casekit run' first" in out.output
    out = runner.invoke(cli, ["run", "--project", str(study.root), "--step", "publish"])
    assert out.exit_code == 2
