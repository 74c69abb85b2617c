"""``casekit run``: corpus + codebook + stored codings in, every table and figure out.

Steps run in order — ingest, import, autocode, tables, figures, report — and the last three
are skipped when their inputs (the project's documents, codebook, codings and settings) and
their recorded outputs are unchanged. ``outputs/manifest.json`` records each output's hash,
the step and parameters that made it, the inputs' hashes and package versions.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casekit.errors import CasekitError
from casekit.pipeline.manifest import (
    RunManifest,
    StepRecord,
    fingerprint,
    package_versions,
    read_manifest,
    sha256_file,
    write_manifest,
)
from casekit.project import Project

__all__ = [
    "RunReport",
    "StepOutcome",
    "VerifyReport",
    "project_inputs",
    "run_project",
    "verify_outputs",
]

Say = Callable[[str], None]
BUILD_STEPS = ("tables", "figures", "report")


@dataclass
class StepOutcome:
    name: str
    ran: bool
    summary: str


@dataclass
class RunReport:
    """What a run did, step by step, and where the manifest is."""

    outcomes: list[StepOutcome] = field(default_factory=list)
    manifest_path: Path | None = None
    n_outputs: int = 0

    def summary(self) -> str:
        ran = [o.name for o in self.outcomes if o.ran]
        skipped = [o.name for o in self.outcomes if not o.ran]
        text = f"{self.n_outputs} outputs recorded in {self.manifest_path}"
        text += f"; ran {', '.join(ran) or 'nothing'}"
        if skipped:
            text += f"; up to date: {', '.join(skipped)}"
        return text


def _codings_digest(project: Project) -> str:
    """A hash of every standing coding's content (not its row id or time), in a fixed order."""
    digest = hashlib.sha256()
    rows = project.store.con.execute(
        "SELECT d.name, c.start, c.end, c.code, c.source, c.coder, COALESCE(c.rule, '') "
        "FROM codings c JOIN segments s ON s.id = c.segment_id JOIN documents d ON d.id = s.document_id "
        "WHERE c.deleted_at IS NULL ORDER BY 1, 2, 3, 4, 5, 6, 7"
    )
    for row in rows:
        digest.update("\x1f".join(map(str, row)).encode("utf-8") + b"\x1e")
    return digest.hexdigest()


def project_inputs(project: Project) -> dict[str, Any]:
    """The inputs every built output depends on: documents, codebook, codings, settings."""
    store = project.store
    documents = {
        row[0]: {"sha256": row[1], "attributes": row[2]}
        for row in store.query("SELECT path, sha256, attributes FROM documents ORDER BY path")
    }
    codebook: dict[str, Any] = {"path": project.config["codebook"]["file"]}
    if project.codebook_path.is_file():
        from casekit.codebook import load_codebook

        codebook["sha256"] = sha256_file(project.codebook_path)
        codebook["version"] = load_codebook(project.codebook_path).content_hash
    return {
        "documents": documents,
        "codebook": codebook,
        "codings": _codings_digest(project),
        "settings": {k: project.config[k] for k in ("project", "analysis", "figures")},
    }


def _intact(folder: Path, record: StepRecord) -> bool:
    return bool(record.outputs) and all(
        (folder / path).is_file() and sha256_file(folder / path) == info["sha256"]
        for path, info in record.outputs.items()
    )


def _record(
    folder: Path, files: Sequence[Path], captions: dict[str, str] | None = None
) -> dict[str, dict[str, str]]:
    out = {}
    for path in sorted(files):
        rel = path.resolve().relative_to(folder.resolve()).as_posix()
        info = {"sha256": sha256_file(path)}
        caption = (captions or {}).get(path.stem)
        if caption:
            info["caption"] = caption
        out[rel] = info
    return out


def _remove_stale(folder: Path, old: StepRecord | None, new: dict[str, dict[str, str]]) -> None:
    for rel in old.outputs if old else {}:
        if rel not in new and (folder / rel).is_file():
            (folder / rel).unlink()


def _write_tables(folder: Path, built: Any, language: str) -> list[Path]:
    from casekit.analysis.export import write_tables
    from casekit.analysis.network_export import write_gexf, write_graphml

    tables_dir = folder / "tables"
    tables_dir.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for name, frame in built.tables.items():
        files += write_tables({name: frame}, tables_dir / f"{name}.csv", "csv")
    files += write_tables(built.tables, tables_dir / "tables.xlsx", "xlsx")
    for name in ("code-frequencies", "dilemma-patterns", "agreement", "rules-evaluation"):
        if name in built.tables:
            files += write_tables({name: built.tables[name]}, tables_dir / f"{name}.tex", "latex")
    files.append(write_gexf(built.network, tables_dir / "network.gexf"))
    files.append(write_graphml(built.network, tables_dir / "network.graphml"))
    return files


def run_project(
    project: Project,
    *,
    force: bool = False,
    steps: Sequence[str] | None = None,
    out_dir: str | Path | None = None,
    say: Say | None = None,
) -> RunReport:
    """Run the configured steps and write ``manifest.json`` into the outputs folder.

    Parameters
    ----------
    project
        The open project.
    force
        Redo every step, even those whose inputs did not change.
    steps
        Steps to run (default: ``[run] steps``).
    out_dir
        Where outputs go (default: the project's ``outputs/``).
    say
        Called with one line per step, for progress output.
    """
    from casekit.coding.autocode import autocode_project
    from casekit.coding.exchange import import_codings
    from casekit.coding.manual import ensure_codes
    from casekit.ingest import ingest_corpus

    config = project.config
    steps = list(steps or config["run"]["steps"])
    unknown = [s for s in steps if s not in ("ingest", "import", "autocode", *BUILD_STEPS)]
    if unknown:
        raise CasekitError(
            f"unknown step {', '.join(unknown)}; steps are ingest, import, autocode, {', '.join(BUILD_STEPS)}"
        )
    folder = Path(out_dir) if out_dir else project.outputs_dir
    folder.mkdir(parents=True, exist_ok=True)
    say = say or (lambda _line: None)
    report = RunReport()

    def done(name: str, ran: bool, summary: str) -> None:
        report.outcomes.append(StepOutcome(name, ran, summary))
        say(f"{name:<9} {summary}")

    if "ingest" in steps:
        done("ingest", True, ingest_corpus(project).summary())
    if "import" in steps:
        files = sorted(
            {p for pattern in config["run"]["import_codings"] for p in project.root.glob(pattern)}
        )
        version = ensure_codes(project) if files else ""
        lines = [
            import_codings(project.store, f, codebook_version=version)
            .summary()
            .replace(str(f), project.relative(f))
            for f in files
        ]
        done(
            "import",
            True,
            f"{len(files)} codings files: " + ("; ".join(lines) if lines else "none configured"),
        )
    if "autocode" in steps:
        done("autocode", True, autocode_project(project, force=force).summary())

    previous = read_manifest(folder)
    manifest = RunManifest(inputs=project_inputs(project), versions=package_versions())
    basis = fingerprint(manifest.inputs, manifest.versions)
    todo = [s for s in BUILD_STEPS if s in steps]
    state: dict[str, Any] = {}

    def selection() -> Any:
        if "selection" not in state:
            from casekit.selection import load_selection

            state["selection"] = load_selection(
                project, unit=None, source=None, coders=(), level=None
            )
        return state["selection"]

    for name in todo:
        fp = fingerprint(name, basis, config["run"]["agreement_coders"], config["run"]["gold"])
        old = previous.steps.get(name)
        if not force and old is not None and old.fingerprint == fp and _intact(folder, old):
            manifest.steps[name] = old
            done(name, False, f"up to date ({len(old.outputs)} files)")
            continue
        parameters, outputs, summary = _build(name, project, folder, selection, state)
        _remove_stale(folder, old, outputs)
        manifest.steps[name] = StepRecord(fp, parameters, outputs)
        done(name, True, summary)
    for name, old in previous.steps.items():  # keep records of build steps not run this time
        if name not in manifest.steps and name not in todo and _intact(folder, old):
            manifest.steps[name] = old
    report.manifest_path = write_manifest(folder, manifest)
    report.n_outputs = len(manifest.outputs())
    return report


def _build(
    name: str, project: Project, folder: Path, selection: Callable[[], Any], state: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, dict[str, str]], str]:
    config = project.config
    settings = config["analysis"]
    if name == "tables":
        from casekit.pipeline.tables import build_run_tables

        built = build_run_tables(selection(), project.store, config)
        files = _write_tables(folder, built, config["figures"]["lang"])
        parameters = {
            k: settings[k]
            for k in ("unit", "source", "coders", "measure", "min_count", "alpha", "top", "by")
        }
        parameters |= {
            "agreement_coders": config["run"]["agreement_coders"],
            "gold": config["run"]["gold"],
        }
        return (
            parameters,
            _record(folder, files),
            f"{len(built.tables)} tables, network of {built.network.number_of_nodes()} codes / {built.network.number_of_edges()} edges"
            + "".join(f"; {n}" for n in built.notes),
        )
    figure_data = _figure_data(project, selection)
    from casekit.figures.build import FigureOptions, build_figures

    options = FigureOptions.from_config(config)
    if name == "figures":
        build = build_figures(figure_data, folder / "figures", options=options)
        state["figures"] = build
        parameters = {
            "formats": config["figures"]["formats"],
            "lang": build.lang,
            "dpi": config["figures"]["dpi"],
            "seed": config["project"]["seed"],
        }
        warnings = "".join(f"; warning: {w}" for w in build.warnings)
        return (
            parameters,
            _record(folder, build.files, build.captions),
            f"{len(build.outputs)} figures ({build.lang} labels){warnings}",
        )
    from casekit.report.data import load_report_data
    from casekit.report.html import figures_from_build, write_report

    drawn = state.get("figures")
    figures = (
        figures_from_build(drawn)
        if drawn is not None and "svg" in config["figures"]["formats"]
        else None
    )
    result = write_report(
        load_report_data(project, selection=figure_data),
        folder / "report.html",
        options=options,
        figures=figures,
    )
    return (
        {"lang": config["figures"]["lang"]},
        _record(folder, [result.path]),
        result.summary().replace(str(result.path), "report.html"),
    )


def _figure_data(project: Project, selection: Callable[[], Any]) -> Any:
    from casekit.figures.build import figure_data_from_frames

    data = selection()
    settings = project.config["analysis"]
    return figure_data_from_frames(
        data.codings,
        data.segments,
        data.codes,
        unit=data.unit,
        source=settings["source"],
        coders=tuple(settings["coders"]),
    )


@dataclass
class VerifyReport:
    """Outputs that do not reproduce: rebuilt bytes differ from the manifest (``differing``),
    the file in ``outputs/`` was changed since the run (``changed``) or is gone (``missing``)."""

    n_checked: int
    differing: list[str]
    changed: list[str]
    missing: list[str]

    @property
    def ok(self) -> bool:
        return not (self.differing or self.changed or self.missing)

    def problems(self) -> list[str]:
        return (
            [f"differs when rebuilt: {p}" for p in self.differing]
            + [f"changed since the run: {p}" for p in self.changed]
            + [f"missing: {p}" for p in self.missing]
        )


def verify_outputs(project: Project, *, say: Say | None = None) -> VerifyReport:
    """Rebuild tables, figures and the report into a temporary folder and compare every output's
    hash with the manifest — both the rebuilt file and the one in ``outputs/``."""
    manifest = read_manifest(project.outputs_dir)
    recorded = {
        path: info for path, info in manifest.outputs().items() if info["step"] in BUILD_STEPS
    }
    if not recorded:
        raise CasekitError(
            f"{project.outputs_dir / 'manifest.json'}: no outputs recorded; run 'casekit run' first"
        )
    tmp = Path(tempfile.mkdtemp(prefix="casekit-verify-"))
    try:
        run_project(project, force=True, steps=list(BUILD_STEPS), out_dir=tmp, say=say)
        differing, changed, missing = [], [], []
        for path, info in sorted(recorded.items()):
            rebuilt = tmp / path
            if not rebuilt.is_file() or sha256_file(rebuilt) != info["sha256"]:
                differing.append(path)
            current = project.outputs_dir / path
            if not current.is_file():
                missing.append(path)
            elif sha256_file(current) != info["sha256"]:
                changed.append(path)
        return VerifyReport(len(recorded), differing, changed, missing)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
