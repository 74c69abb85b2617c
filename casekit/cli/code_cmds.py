"""``casekit code add|rm|list|show|session``: manual coding by named coders."""

from __future__ import annotations

import json

import click

from casekit.cli.common import pass_project
from casekit.cli.output import emit, format_option, render_table
from casekit.config import UNITS
from casekit.project import Project

__all__ = ["code_group", "coder_option", "read_line"]

coder_option = click.option(
    "--coder",
    required=True,
    envvar="CASEKIT_CODER",
    help="Your coder name (or set CASEKIT_CODER). Each coder's codings are kept apart.",
)


def read_line(prompt: str) -> str:
    """One line from the user; end of input (Ctrl-D) becomes EOFError."""
    try:
        return str(click.prompt("", prompt_suffix=prompt, default="", show_default=False))
    except click.Abort as exc:
        raise EOFError from exc


def _echo(text: str) -> None:
    click.echo(text)


@click.group("code")
def code_group() -> None:
    """Code segments by hand: add, remove, list and show codings, or work in a session.

    Segments are addressed by key (see 'casekit segments DOC'); codes by id, an unambiguous
    prefix or a name in either language.

    \b
    Example:
      casekit code add gz-county-07/t14 DIL.TECH.DATA_QUALITY --coder li
      casekit code session --coder li --doc gz-county-07 --review auto
    """


@code_group.command("add")
@click.argument("segment")
@click.argument("code")
@coder_option
@click.option("--span", help="START:END inside the segment text (default: the whole segment).")
@click.option("--memo", help="A note kept with this coding.")
@pass_project
def code_add(
    project: Project, segment: str, code: str, coder: str, span: str | None, memo: str | None
) -> None:
    """Code SEGMENT (a key like gz-prov-01/t14) with CODE for one coder.

    --span is in characters (code points) of the segment text, END exclusive. Adding a
    coding the coder already has changes nothing.

    \b
    Example:
      casekit code add gz-county-04/t8 数据质量 --coder li --span 127:133
    """
    from casekit.coding.manual import add_coding, ensure_codes, parse_span, require_segment

    version = ensure_codes(project)
    seg = require_segment(project.store, segment)
    rel = parse_span(span, len(seg.text)) if span else None
    change = add_coding(
        project.store, seg, code, coder=coder, span=rel, memo=memo, codebook_version=version
    )
    suffix = f" · event {change.event_id}" if change.event_id else ""
    click.echo(change.summary + suffix)


@code_group.command("rm")
@click.argument("segment")
@click.argument("code")
@coder_option
@click.option("--span", help="Only the coding at START:END of the segment text.")
@pass_project
def code_rm(project: Project, segment: str, code: str, coder: str, span: str | None) -> None:
    """Remove your codings of CODE from SEGMENT (soft delete, logged, undoable).

    A coder can only remove their own codings.

    \b
    Example:
      casekit code rm gz-county-04/t8 DIL.TECH.DATA_QUALITY --coder li
    """
    from casekit.coding.manual import ensure_codes, parse_span, remove_codings, require_segment

    ensure_codes(project)
    seg = require_segment(project.store, segment)
    rel = parse_span(span, len(seg.text)) if span else None
    change = remove_codings(project.store, seg, code, coder=coder, span=rel)
    click.echo(f"{change.summary} · event {change.event_id}")


LIST_COLUMNS = ["id", "segment", "span", "code", "name", "coder", "source", "text"]
LIST_JSON_COLUMNS = [
    "id",
    "document",
    "segment",
    "unit",
    "start",
    "end",
    "span",
    "code",
    "name_zh",
    "name_en",
    "coder",
    "source",
    "rule",
    "text",
    "memo",
    "created_at",
]


@code_group.command("list")
@click.option("--doc", "document", help="Only codings in this document.")
@click.option("--code", help="Only this code and the codes below it.")
@click.option("--coder", help="Only this coder's codings ('rules' for automatic ones).")
@click.option("--source", type=click.Choice(["manual", "auto"]), help="Only manual or automatic.")
@format_option
@pass_project
def code_list(
    project: Project,
    document: str | None,
    code: str | None,
    coder: str | None,
    source: str | None,
    fmt: str,
) -> None:
    """List codings, sorted by document, position, code and coder.

    START/END in csv and json are offsets into the document text; span is relative to
    the segment.

    \b
    Example:
      casekit code list --doc gz-county-07 --coder li
      casekit code list --code DIL --source manual --format csv > dilemmas.csv
    """
    from casekit.coding.manual import ensure_codes, list_codings

    ensure_codes(project)
    rows = list_codings(
        project.store,
        document=document,
        code=code,
        coder=coder,
        source=source,  # type: ignore[arg-type]
    )
    for row in rows:
        row["name"] = row["name_zh"] or row["name_en"]
    emit(rows, LIST_COLUMNS if fmt == "table" else LIST_JSON_COLUMNS, fmt)


@code_group.command("show")
@click.argument("segment")
@format_option
@pass_project
def code_show(project: Project, segment: str, fmt: str) -> None:
    """Show a segment with its coded spans marked, every coding on it, and its memos.

    Codings made on other units (automatic codings on paragraphs, say) are shown where
    they overlap the segment; [brackets] mark spans that do not cover the whole segment.

    \b
    Example:
      casekit code show gz-county-04/t8
    """
    from casekit.coding.manual import ensure_codes, mark_spans, segment_view

    ensure_codes(project)
    view = segment_view(project.store, segment)
    seg, doc = view.segment, view.document
    for row in view.codings:
        row["name"] = row["name_zh"] or row["name_en"]
        whole = (row["rel_start"], row["rel_end"]) == (0, len(seg.text))
        row["span"] = "whole" if whole else f"{row['rel_start']}:{row['rel_end']}"
        row["text"] = "" if whole else seg.text[row["rel_start"] : row["rel_end"]]
    if fmt != "table":
        columns = ["id", "code", "name", "coder", "source", "rule", "span", "start", "end"]
        columns += ["text", "memo"]
        if fmt == "csv":
            emit(view.codings, columns, "csv")
            return
        data = {
            "segment": seg.key,
            "document": seg.document,
            "unit": seg.unit,
            "idx": seg.idx,
            "start": seg.start,
            "end": seg.end,
            "speaker": seg.speaker,
            "text": seg.text,
            "codings": [{c: r.get(c) for c in columns} for r in view.codings],
            "memos": view.memos,
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    attrs = [doc.name, doc.doc_type] + [
        str(doc.attributes[k]) for k in ("department", "level", "role") if doc.attributes.get(k)
    ]
    speaker = f" · {seg.speaker}" if seg.speaker else ""
    click.echo(f"{seg.key} · {seg.unit} {seg.idx}{speaker} · offsets {seg.start}:{seg.end}")
    click.echo(" · ".join(attrs))
    click.echo("")
    click.echo(mark_spans(seg.text, [(r["rel_start"], r["rel_end"]) for r in view.codings]))
    click.echo("")
    if view.codings:
        click.echo(
            render_table(view.codings, ["code", "name", "coder", "source", "span", "text", "memo"])
        )
    else:
        click.echo("no codings")
    for memo in view.memos:
        click.echo(
            f"memo {memo['id']} ({memo['author']}, {memo['created_at'][:10]}): {memo['text']}"
        )


@code_group.command("session")
@coder_option
@click.option("--doc", "document", help="Only this document (default: every document).")
@click.option(
    "--unit",
    type=click.Choice(UNITS),
    help="Segment unit (default: turns where a document has them, else paragraphs).",
)
@click.option(
    "--only-uncoded", is_flag=True, help="Start at and skip to segments you have not coded."
)
@click.option(
    "--review",
    type=click.Choice(["auto"]),
    help="'auto': show the automatic codings as suggestions to accept or reject.",
)
@pass_project
def code_session(
    project: Project,
    coder: str,
    document: str | None,
    unit: str | None,
    only_uncoded: bool,
    review: str | None,
) -> None:
    """Code segments one at a time in a plain terminal; every action is saved at once.

    Shows the segment with its neighbours and document attributes, the automatic
    suggestions (--review auto) and your codes. Keys: a digit accepts a suggestion, x1
    rejects suggestion 1, 'a TEXT' adds a code (id, prefix or part of a name), d1 drops
    your code 1, 'm TEXT' writes a memo, u undoes, n / Enter and p move, 'g N' jumps,
    ? lists the codes, q quits. Reopening resumes where you stopped.

    \b
    Example:
      casekit code session --coder li --doc gz-county-07 --review auto
    """
    from casekit.coding.manual import code_infos, ensure_codes
    from casekit.coding.session import CodingSession

    version = ensure_codes(project)
    session = CodingSession(
        project.store,
        coder=coder,
        codes=code_infos(project.store),
        codebook_version=version,
        document=document,
        unit=unit,
        only_uncoded=only_uncoded,
        review_auto=review == "auto",
    )
    session.run(read_line, _echo)
