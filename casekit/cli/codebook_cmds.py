"""``casekit codebook ...``: validate, show, export and compare codebook files."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import click

from casekit.codebook import (
    EXPORT_FORMATS,
    check_codebook,
    codebook_rows,
    diff_codebooks,
    export_codebook,
    load_codebook,
    render_diff,
    render_tree,
)
from casekit.errors import CasekitError, ConfigError

__all__ = ["codebook_group", "default_codebook_path"]

# Output suffix -> export format, so ``-o appendix.tex`` needs no ``--format``.
_SUFFIX_FORMATS = {".md": "md", ".tex": "latex", ".csv": "csv", ".qdc": "qdc"}


def default_codebook_path(start: Path | None = None) -> Path:
    """The codebook to use when none is given on the command line.

    Looks for ``casekit.toml`` in ``start`` (default: the current folder) or its parents and
    reads ``[codebook] file``, relative to that file. Without that setting, the single
    ``*.yaml``/``*.yml`` file in the project's (or the current folder's) ``codebooks/``.

    Raises
    ------
    ConfigError
        ``casekit.toml`` cannot be parsed or names a file that does not exist.
    CasekitError
        No codebook can be found, or ``codebooks/`` holds several.
    """
    here = (start or Path.cwd()).resolve()
    base = here
    for folder in (here, *here.parents):
        config = folder / "casekit.toml"
        if config.is_file():
            base = folder
            try:
                settings = tomllib.loads(config.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
                raise ConfigError(f"{config}: cannot parse: {exc}") from exc
            section = settings.get("codebook")
            file = section.get("file") if isinstance(section, dict) else None
            if file is not None:
                if not isinstance(file, str) or not file:
                    raise ConfigError(f"{config}: [codebook] file must be a path in quotes")
                path = folder / file
                if not path.is_file():
                    raise ConfigError(
                        f"{config}: [codebook] file = {file!r} does not exist; fix the path "
                        "or pass the codebook file on the command line"
                    )
                return path
            break
    folder = base / "codebooks"
    candidates = sorted(p for p in (*folder.glob("*.yaml"), *folder.glob("*.yml")) if p.is_file())
    if len(candidates) == 1:
        return candidates[0]
    if not candidates:
        raise CasekitError(
            "no codebook given and none found: pass the codebook file, set "
            "[codebook] file in casekit.toml, or put one .yaml file in codebooks/"
        )
    names = ", ".join(p.name for p in candidates)
    raise CasekitError(
        f"several codebooks in {folder} ({names}): pass one on the command line "
        "or set [codebook] file in casekit.toml"
    )


def _resolve(file: Path | None) -> Path:
    return file if file is not None else default_codebook_path()


_FILE_ARGUMENT = click.argument(
    "file", required=False, type=click.Path(dir_okay=False, path_type=Path)
)


@click.group("codebook")
def codebook_group() -> None:
    """Validate, show, test, export and compare codebooks.

    FILE defaults to [codebook] file in casekit.toml, else the one .yaml in codebooks/.

    \b
    Example:
      casekit codebook validate codebooks/technology-structuring.yaml
      casekit codebook show --lang zh
    """


@codebook_group.command(
    "validate", short_help="Check a codebook and report every problem with its line."
)
@_FILE_ARGUMENT
@click.option(
    "--strict", is_flag=True, help="Treat warnings (e.g. a keyword under two codes) as errors."
)
def validate_cmd(file: Path | None, strict: bool) -> None:
    """Check a codebook and report every problem with its line number.

    Prints one summary line when the codebook is valid, then any warnings; exits 1 and
    lists every problem when it is not.

    \b
    Example:
      casekit codebook validate codebooks/technology-structuring.yaml --strict
    """
    path = _resolve(file)
    check = check_codebook(path, strict=strict)
    cb = check.raise_for_errors()
    n_categories = len(cb.roots())
    click.echo(
        f"ok: {path} — {len(cb)} codes in {n_categories} "
        f"categor{'y' if n_categories == 1 else 'ies'}, version {cb.version} "
        f"(hash {cb.content_hash})"
    )
    for warning in check.warnings:
        click.echo(str(warning), err=True)


@codebook_group.command("show", short_help="Print the code tree (or csv/json rows).")
@_FILE_ARGUMENT
@click.option(
    "--lang", type=click.Choice(["zh", "en"]), help="Language of the names [default: the first]."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table for people; csv or json for scripts.",
)
def show_cmd(file: Path | None, lang: str | None, fmt: str) -> None:
    """Print the code tree: ID, name and family, children indented.

    csv columns: id, parent, level, family, name_<lang> per language, n_rules.
    json: {"id", "version", "hash", "languages", "codes": [rows with the csv keys]}.

    \b
    Example:
      casekit codebook show --lang zh
      casekit codebook show codebooks/technology-structuring.yaml --format csv > codes.csv
    """
    cb = load_codebook(_resolve(file))
    counts = _coding_counts()
    if fmt == "table":
        click.echo(render_tree(cb, lang or cb.languages[0], counts=counts), nl=False)
        return
    rows = codebook_rows(cb, counts=counts)
    if fmt == "json":
        document = {
            "id": cb.id,
            "version": cb.version,
            "hash": cb.content_hash,
            "languages": list(cb.languages),
            "codes": rows,
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    click.echo(buffer.getvalue(), nl=False)


def _coding_counts() -> dict[str, int] | None:
    """Codings per code in the current project, or None outside a project / before coding."""
    from casekit.project import open_project

    try:
        project = open_project()
    except CasekitError:
        return None
    with project:
        if not project.db_path.exists():
            return None
        rows = project.store.query(
            "SELECT code, COUNT(*) FROM codings WHERE deleted_at IS NULL GROUP BY code"
        )
    return {row[0]: row[1] for row in rows} or None


@codebook_group.command(
    "test", short_help="Run the rules on every code's examples and counterexamples."
)
@_FILE_ARGUMENT
@click.option("--all", "show_all", is_flag=True, help="List passing examples too.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
    help="table for people; csv or json for scripts.",
)
def test_cmd(file: Path | None, show_all: bool, fmt: str) -> None:
    """Run the rule engine on every code's examples (must be coded) and counterexamples (must not).

    Exits 1 when any example fails, with a table of what failed and why.

    \b
    Example:
      casekit codebook test
      casekit codebook test codebooks/technology-structuring.yaml --format csv > failures.csv
    """
    from casekit.cli.output import emit
    from casekit.coding.selftest import run_codebook_tests

    path = _resolve(file)
    results = run_codebook_tests(load_codebook(path))
    failed = [r for r in results if not r.passed]
    rows = [
        {
            "code": r.code,
            "kind": r.kind,
            "result": "pass" if r.passed else "FAIL",
            "text": r.text,
            "why": r.reason,
        }
        for r in (results if show_all else failed)
    ]
    if rows or fmt != "table":
        emit(rows, ["code", "kind", "result", "text", "why"], fmt)
    n_examples = sum(1 for r in results if r.kind == "example")
    summary = (
        f"{len(results) - len(failed)} of {len(results)} passed "
        f"({n_examples} examples, {len(results) - n_examples} counterexamples) in {path}"
    )
    if failed:
        raise CasekitError(f"{len(failed)} example(s) failed; {summary}")
    click.echo(summary, err=fmt != "table")


@codebook_group.command("export", short_help="Export as Markdown, LaTeX, CSV or REFI-QDA (.qdc).")
@_FILE_ARGUMENT
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    help="md or latex (thesis appendix), csv (one row per code), qdc (REFI-QDA codebook). "
    "Defaults from the -o suffix (.md .tex .csv .qdc).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default="en",
    show_default=True,
    help="Language named first, and of headings and qdc code names.",
)
def export_cmd(file: Path | None, fmt: str | None, output: Path | None, lang: str) -> None:
    """Export a codebook for a thesis appendix, a spreadsheet, or NVivo/ATLAS.ti/MAXQDA.

    \b
    Example:
      casekit codebook export --format latex -o outputs/tables/codebook.tex
      casekit codebook export -o outputs/codebook.qdc codebooks/technology-structuring.yaml
    """
    if fmt is None:
        fmt = _SUFFIX_FORMATS.get(output.suffix.lower()) if output else None
        if fmt is None:
            raise click.UsageError(
                "give --format (md, latex, csv or qdc), or -o with a .md, .tex, .csv or "
                ".qdc file name"
            )
    cb = load_codebook(_resolve(file))
    content = export_codebook(cb, fmt, lang=lang)  # type: ignore[arg-type]
    if output is None:
        click.echo(content, nl=False)  # bytes (qdc) go to the binary stream unchanged
        return
    data = content if isinstance(content, bytes) else content.encode("utf-8")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_bytes(data)
    except OSError as exc:
        raise CasekitError(f"cannot write {output}: {exc.strerror}") from exc
    click.echo(f"wrote {output} ({fmt}, {len(cb)} codes, hash {cb.content_hash})")


@codebook_group.command("diff", short_help="Compare two codebook versions.")
@click.argument("old", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text for people; json for scripts.",
)
def diff_cmd(old: Path, new: Path, fmt: str) -> None:
    """Compare two codebook versions: added, removed, renamed, moved, redefined codes.

    \b
    Example:
      casekit codebook diff codebooks/technology-structuring.v1.yaml codebooks/technology-structuring.yaml
    """
    before, after = load_codebook(old), load_codebook(new)
    diff = diff_codebooks(before, after)
    if fmt == "json":
        click.echo(json.dumps(diff.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_diff(diff, before, after), nl=False)
