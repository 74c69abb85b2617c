"""``casekit agree`` (agreement between coders) and ``casekit evaluate`` (rules against a coder)."""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import click

from casekit.cli.common import pass_project
from casekit.cli.output import emit, format_option
from casekit.config import UNITS
from casekit.project import Project

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ManyValuesCommand", "agree_cmd", "evaluate_cmd"]


class ManyValuesCommand(click.Command):
    """A command whose options named in ``many`` take every word up to the next option.

    ``--coders li wang zhao`` is read as ``--coders li --coders wang --coders zhao``, so
    lists read naturally; the options must be ``multiple=True`` and the command must have
    no positional arguments.
    """

    def __init__(self, *args: Any, many: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.many = frozenset(many)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        spread: list[str] = []
        option: str | None = None
        taken = 0
        for i, arg in enumerate(args):
            if arg == "--":
                spread += args[i:]
                break
            if arg.startswith("-") and len(arg) > 1:
                option, taken = (arg if arg in self.many else None), 0
                spread.append(arg)
            elif option is not None:
                spread += [option, arg] if taken else [arg]
                taken += 1
            else:
                spread.append(arg)
        return super().parse_args(ctx, spread)


def _split_commas(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> list:
    """``--codes A,B C`` -> ``[A, B, C]``."""
    return [part for value in values for part in value.split(",") if part]


_UNIT_OPTION = click.option(
    "--unit",
    type=click.Choice(UNITS),
    default=None,
    help="Segment unit the decisions are made on (default: [autocode] unit in casekit.toml).",
)
_CODES_OPTION = click.option(
    "--codes",
    multiple=True,
    callback=_split_commas,
    metavar="CODE...",
    help="Only these codes (ids, after --level roll-up); default: every code used in scope.",
)
_LEVEL_OPTION = click.option(
    "--level",
    type=click.IntRange(min=1),
    default=None,
    help="Roll codes up to this level of the hierarchy first (1 = top-level categories).",
)


def _cell(column: str, value: Any, fmt: str) -> Any:
    """A table value for output: plain Python, NaN as null (scripts) or a dash (people)."""
    if hasattr(value, "item"):  # numpy scalar
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return "—" if fmt == "table" else None
    if isinstance(value, list) and fmt != "json":
        return ", ".join(value)
    if isinstance(value, float) and fmt == "table":
        return f"{value:.1f}" if column == "percent" else f"{value:.3f}"
    return value


def _rows(frame: pd.DataFrame, fmt: str) -> list[dict[str, Any]]:
    return [
        {column: _cell(column, value, fmt) for column, value in record.items()}
        for record in frame.to_dict("records")
    ]


def _emit_tables(
    fmt: str,
    main: pd.DataFrame,
    summary: str,
    extra: tuple[str, pd.DataFrame] | None,
    header: dict[str, Any],
    main_key: str,
) -> None:
    """Table: main table, summary line, then ``extra``. CSV: ``extra`` if given, else main.
    JSON: one object with ``header``, the main rows and the extra rows."""
    if fmt == "json":
        document = {**header, main_key: _rows(main, fmt)}
        if extra is not None:
            document[extra[0]] = _rows(extra[1], fmt)
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    if fmt == "csv":
        shown = extra[1] if extra is not None else main
        emit(_rows(shown, fmt), list(shown.columns), fmt)
        return
    emit(_rows(main, fmt), list(main.columns), fmt)
    click.echo(f"\n{summary}")
    if extra is not None:
        name, frame = extra
        click.echo(f"\n{name.replace('_', ' ')} ({len(frame)}):")
        if len(frame):
            emit(_rows(frame, fmt), list(frame.columns), fmt)


@click.command("agree", cls=ManyValuesCommand, many=("--coders", "--codes"))
@click.option(
    "--coders",
    multiple=True,
    required=True,
    callback=_split_commas,
    metavar="NAME...",
    help="Two or more coders to compare (the automatic coder is 'rules').",
)
@_UNIT_OPTION
@_CODES_OPTION
@click.option(
    "--mode",
    type=click.Choice(["presence", "exclusive"]),
    default="presence",
    show_default=True,
    help="presence: each code is a yes/no decision per segment; exclusive: at most one code "
    "of the set per segment, uncoded = missing.",
)
@_LEVEL_OPTION
@click.option(
    "--show-disagreements",
    is_flag=True,
    help="Also list the segments the coders disagree on, with their text (CSV: only these).",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Seed of the bootstrap (default: [project] seed in casekit.toml).",
)
@click.option(
    "--resamples",
    type=click.IntRange(min=0),
    default=1000,
    show_default=True,
    help="Bootstrap resamples for the 95% interval of alpha; 0 skips the interval.",
)
@format_option
@pass_project
def agree_cmd(
    project: Project,
    coders: list[str],
    unit: str | None,
    codes: list[str],
    mode: str,
    level: int | None,
    show_disagreements: bool,
    seed: int | None,
    resamples: int,
    fmt: str,
) -> None:
    """Measure agreement between coders: percent, Cohen's and Fleiss' kappa, Krippendorff's alpha.

    Compares the coders on every segment of the documents all of them coded. In presence
    mode each code is a yes/no decision per segment, reported per code and pooled over all
    codes; in exclusive mode each coder gives a segment at most one code of the set and
    Krippendorff's alpha treats uncoded segments as missing. The 95% interval of alpha is
    a percentile bootstrap over segments, seeded. See docs/agreement.md.

    \b
    Example:
      casekit agree --coders li wang --unit turn
      casekit agree --coders li wang zhao --codes DIL.TECH.STANDARDS DIL.MGMT.FRAGMENTATION
      casekit agree --coders li wang --level 1 --mode exclusive --show-disagreements
    """
    from casekit.agreement import compare_coders

    report = compare_coders(
        project.store,
        coders=coders,
        unit=unit or project.config["autocode"]["unit"],
        codes=codes or None,
        mode=mode,  # type: ignore[arg-type]
        level=level,
        n_resamples=resamples,
        seed=project.config["project"]["seed"] if seed is None else seed,
    )
    header = {
        "coders": report.coders,
        "mode": report.mode,
        "level": level,
        "seed": report.seed,
        "n_resamples": report.n_resamples,
        "confidence": 0.95,
        "scope": report.scope.as_dict(),
    }
    extra = ("disagreements", report.disagreements) if show_disagreements else None
    _emit_tables(fmt, report.table, report.summary(), extra, header, "agreement")


@click.command("evaluate", cls=ManyValuesCommand, many=("--codes",))
@click.option(
    "--gold",
    required=True,
    metavar="CODER",
    help="The human coder whose manual codings are the reference.",
)
@_CODES_OPTION
@_UNIT_OPTION
@_LEVEL_OPTION
@click.option(
    "--show",
    type=click.Choice(["fp", "fn"]),
    default=None,
    help="Also list the false positives (with the rule that fired) or false negatives "
    "(CSV: only these).",
)
@format_option
@pass_project
def evaluate_cmd(
    project: Project,
    gold: str,
    codes: list[str],
    unit: str | None,
    level: int | None,
    show: str | None,
    fmt: str,
) -> None:
    """Score the automatic codings against a human coder: precision, recall, F1 per code.

    A decision is a (segment, code) pair at --unit; the scope is every segment of the
    documents the gold coder coded. Rows per code, then micro (summed counts) and macro
    (mean of per-code scores) averages. See docs/agreement.md.

    \b
    Example:
      casekit evaluate --gold li
      casekit evaluate --gold li --codes DIL.TECH.STANDARDS --show fp
    """
    from casekit.agreement import evaluate_rules

    report = evaluate_rules(
        project.store,
        gold=gold,
        unit=unit or project.config["autocode"]["unit"],
        codes=codes or None,
        level=level,
        show=show,  # type: ignore[arg-type]
    )
    header = {"gold": report.gold, "level": level, "scope": report.scope.as_dict()}
    extra = None
    if report.errors is not None:
        name = "false_positives" if show == "fp" else "false_negatives"
        extra = (name, report.errors)
    _emit_tables(fmt, report.table, report.summary(), extra, header, "scores")
