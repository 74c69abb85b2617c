"""The ``casekit`` command line: a thin layer that parses options and calls the library."""

from __future__ import annotations

import importlib
import sqlite3
from typing import Any

import click

from casekit import __version__
from casekit.errors import CasekitError

__all__ = ["COMMANDS", "cli", "main"]

# Command name -> "module:attribute". Modules are imported only when the command runs (or its
# help is shown), so ``casekit --help`` never pays for spaCy, pandas or matplotlib.
COMMANDS: dict[str, str] = {
    "init": "casekit.cli.project_cmds:init_cmd",
    "status": "casekit.cli.project_cmds:status_cmd",
    "ingest": "casekit.cli.ingest_cmds:ingest_cmd",
    "docs": "casekit.cli.ingest_cmds:docs_group",
    "segments": "casekit.cli.ingest_cmds:segments_cmd",
    "codebook": "casekit.cli.codebook_cmds:codebook_group",
    "agree": "casekit.cli.agree_cmds:agree_cmd",
    "evaluate": "casekit.cli.agree_cmds:evaluate_cmd",
    "autocode": "casekit.cli.autocode_cmds:autocode_cmd",
    "explain": "casekit.cli.autocode_cmds:explain_cmd",
    "code": "casekit.cli.code_cmds:code_group",
    "memo": "casekit.cli.memo_cmds:memo_group",
    "history": "casekit.cli.history_cmds:history_cmd",
    "undo": "casekit.cli.history_cmds:undo_cmd",
    "import": "casekit.cli.exchange_cmds:import_group",
    "export": "casekit.cli.exchange_cmds:export_group",
    "reconcile": "casekit.cli.reconcile_cmds:reconcile_cmd",
    "analyze": "casekit.cli.analyze_cmds:analyze_group",
    "anonymize": "casekit.cli.refi_cmds:anonymize_cmd",
    "run": "casekit.cli.run_cmds:run_cmd",
    "verify": "casekit.cli.run_cmds:verify_cmd",
    "figures": "casekit.cli.figures_cmds:figures_cmd",
    "report": "casekit.cli.figures_cmds:report_cmd",
    "doctor": "casekit.cli.doctor_cmds:doctor_cmd",
}

ORIENTATION = """\
casekit — qualitative case-study research on the command line.

A project is a folder: casekit.toml (settings), corpus/ (transcripts and
documents, listed in corpus/manifest.csv), codebooks/ (the codebook YAML),
outputs/ (tables, figures, report) and casekit.db (the store). Commands find
the project from the current folder, like git.

The five commands you will use most:

  casekit init my-study            create a project, then put files in corpus/
  casekit ingest                   read corpus/ into the store
  casekit autocode                 code every segment with the codebook's rules
  casekit code session --coder ME  code by hand, one segment at a time
  casekit run                      rebuild every table, figure and the report

Tutorial, from an empty folder to a thesis figure: docs/tutorial.md in the
casekit repository (中文教程：docs/zh/tutorial.md).
All commands: casekit --help; one command with examples: casekit COMMAND --help
"""


class LazyGroup(click.Group):
    """A group whose subcommands live in modules loaded on first use."""

    def __init__(self, *args: Any, lazy: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, attr = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module_name), attr)
            if not isinstance(command, click.Command):
                raise TypeError(f"{self.lazy[cmd_name]} is not a click command")
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Short help comes from a static table so listing commands imports nothing heavy.
        rows = [(name, SUMMARIES.get(name, "")) for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


SUMMARIES: dict[str, str] = {
    "init": "Create a casekit project (casekit.toml, corpus/, codebooks/, outputs/).",
    "status": "Show what the project holds: documents, segments, codes, codings.",
    "ingest": "Read corpus files into the store and segment them.",
    "docs": "List or show ingested documents.",
    "segments": "List a document's segments with their offsets.",
    "codebook": "Validate, show, test, export and compare codebooks.",
    "agree": "Agreement between coders: percent, kappa, Krippendorff's alpha, disagreements.",
    "evaluate": "Precision, recall and F1 of automatic codings against a human coder.",
    "autocode": "Code every segment with the codebook's rules.",
    "explain": "Show which rules fired on a segment, and which nearly did.",
    "code": "Code segments by hand: add, rm, list, show, or an interactive session.",
    "memo": "Write and read memos on the project, documents, codes and segments.",
    "history": "List the event log: every change, who made it, whether it is undone.",
    "undo": "Revert the latest change (of a coder); undo is itself logged.",
    "import": "Import codings (CSV), REFI-QDA projects (.qdpx) and codebooks (.qdc).",
    "export": "Export codings (CSV) or the whole project as REFI-QDA (.qdpx).",
    "reconcile": "Adjudicate two coders' codings into a consensus coder.",
    "analyze": "Frequencies, cross-tabs, co-occurrence, networks, dilemma patterns, models.",
    "anonymize": "Write a pseudonymised copy of the project (names replaced from a CSV).",
    "run": "Rebuild everything: ingest, autocode, tables, figures, report; skip what is current.",
    "verify": "Rebuild outputs in a temporary folder and check they match the manifest.",
    "figures": "Draw thesis figures (PDF, SVG, PNG) from the codings.",
    "report": "Write the self-contained HTML report (outputs/report.html).",
    "doctor": "Check the store, codings, files and memos; --fix repairs what is safe.",
}


class CasekitCLI(LazyGroup):
    """Turns every CasekitError into ``Error: ...`` on stderr and exit status 1, in one place."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CasekitError as exc:
            raise click.ClickException(str(exc)) from exc
        except sqlite3.DatabaseError as exc:  # a damaged store: say so, not a traceback
            raise click.ClickException(
                f"the project store cannot be read ({exc}); run 'casekit doctor' to check it, "
                "or restore casekit.db from a backup"
            ) from exc


@click.group(
    cls=CasekitCLI,
    lazy=COMMANDS,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, "--version", prog_name="casekit")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Qualitative case studies on the command line: codebooks, coding, agreement, networks.

    Code transcripts and policy documents against a codebook that is validated and tested
    like code, measure agreement between coders, and find dilemma patterns with
    co-occurrence networks, reproducibly, in Chinese and English. Run 'casekit' alone for an
    orientation; the tutorial is docs/tutorial.md (中文: docs/zh/tutorial.md).

    \b
    Example:
      casekit init my-study && cd my-study && casekit ingest && casekit status
    """
    if ctx.invoked_subcommand is None:
        click.echo(ORIENTATION, nl=False)


def main() -> None:  # pragma: no cover - exercised through the console script
    cli(prog_name="casekit")


if __name__ == "__main__":  # pragma: no cover
    main()
