"""``casekit analyze``: frequencies, cross-tabs, co-occurrence, networks, dilemma patterns, models."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from casekit.cli.common import codings_options, pass_project
from casekit.cli.output import render_table
from casekit.config import UNITS
from casekit.project import Project
from casekit.selection import FALLBACK_UNIT

if TYPE_CHECKING:
    import pandas as pd

    from casekit.selection import Selection

__all__ = ["analyze_group"]

F = TypeVar("F", bound=Callable[..., Any])

# casekit.analysis.cooccurrence.MEASURES, repeated so --help does not import pandas (tested).
MEASURE_CHOICES = ("count", "jaccard", "dice", "cosine", "lift", "pmi", "npmi")


@click.group("analyze")
def analyze_group() -> None:
    """Analyse codings: frequencies, cross-tabs, co-occurrence, networks, dilemma patterns, models.

    Every command reads the codings at one unit (--unit; documents without that unit, such
    as policies without turns, are counted by paragraph) from automatic and manual coders
    (--source, --coder), optionally rolled up to a level of the code hierarchy (--level 1 =
    categories), and prints a table. Options left out come from [analysis] in
    casekit.toml. With -o FILE the tables are written as csv, json, xlsx (one sheet per
    table) or latex (booktabs), the format taken from --format or the file's suffix. JSON
    holds a list of rows, or an object of such lists when a command makes several tables.

    \b
    Example:
      casekit analyze freq --by level
      casekit analyze cooccur --unit turn --measure jaccard --min-count 3
      casekit analyze patterns --top 3 -o outputs/tables/patterns.xlsx
    """


# -- shared options ------------------------------------------------------------------------


def selection_options(*, document_unit: bool = False, window: bool = False) -> Callable[[F], F]:
    """``--unit --source --coder --level`` (and ``--window`` where rows can be windows)."""
    units = (*UNITS, "document") if document_unit else UNITS

    def decorate(func: F) -> F:
        options = [
            click.option(
                "--unit",
                type=click.Choice(units),
                default=None,
                help="Segment unit to count over"
                + (" ('document': whole documents)" if document_unit else "")
                + " (default: [analysis] unit in casekit.toml); documents without it are "
                "counted by paragraph.",
            ),
            *codings_options(),
            click.option(
                "--level",
                type=click.IntRange(min=1),
                default=None,
                help="Roll codes up to this level of the hierarchy (1 = top-level categories).",
            ),
        ]
        if window:
            options.append(
                click.option(
                    "--window",
                    type=click.IntRange(min=1),
                    default=None,
                    metavar="K",
                    help="Count over windows of K consecutive segments within a document.",
                )
            )
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


_MIN_COUNT_OPTION = click.option(
    "--min-count",
    type=click.IntRange(min=1),
    default=None,
    help="Only pairs sharing at least this many rows; q-values do not change "
    "(default: [analysis] min_count).",
)


def _setting(project: Project, name: str, value: Any) -> Any:
    """``value`` when the option was given, else ``[analysis] name`` from casekit.toml."""
    return project.config["analysis"][name] if value is None else value


def output_options(func: F) -> F:
    """``--format table|csv|json|xlsx|latex`` and ``-o FILE``."""
    func = click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False),
        default=None,
        help="Write the tables to FILE (format from --format or the suffix: .csv .json .xlsx "
        ".tex); CSV writes one FILE-NAME.csv per table when there are several.",
    )(func)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json", "xlsx", "latex"]),
        default="table",
        show_default=True,
        help="table for people; csv/json for scripts (csv on stdout: the main table); "
        "xlsx needs -o; latex uses booktabs.",
    )(func)


# -- reading the selection -----------------------------------------------------------------


def load_selection(
    project: Project,
    *,
    unit: str | None,
    source: str | None,
    coders: tuple[str, ...],
    level: int | None,
    window: int | None = None,
) -> Selection:
    """The frames for one analysis (see :func:`casekit.selection.load_selection`), with a note
    on stderr about documents counted by paragraph."""
    from casekit.selection import load_selection as load

    data = load(project, unit=unit, source=source, coders=coders, level=level)
    if window is not None and data.by_document:
        raise click.UsageError("--window counts segments; it cannot be used with --unit document")
    if data.n_fallback:
        n = data.n_fallback
        click.echo(
            f"note: {n} document{'s' if n != 1 else ''} without {data.unit} "
            f"segments counted by {FALLBACK_UNIT}",
            err=True,
        )
    return data


def _seed(project: Project) -> int:
    return int(project.config["project"]["seed"])


# -- writing the results -------------------------------------------------------------------


def emit_tables(
    tables: dict[str, pd.DataFrame],
    fmt: str,
    output: str | None,
    *,
    text: str | None = None,
    shown: dict[str, list[str]] | None = None,
) -> None:
    """Print ``tables`` (``text`` replaces them in table format) or write them to ``output``.

    ``shown`` narrows the columns of a table in table format only.
    """
    from casekit.analysis.export import (
        display_records,
        format_for_path,
        tables_to_csv,
        tables_to_json,
        tables_to_latex,
        write_tables,
    )

    if output is not None:
        file_fmt = fmt if fmt != "table" else format_for_path(output)
        if file_fmt is None:
            raise click.UsageError(
                f"cannot tell the format of {output}; use --format csv|json|xlsx|latex "
                "or a .csv/.json/.xlsx/.tex name"
            )
        for path in write_tables(tables, output, file_fmt):
            click.echo(f"wrote {path}")
        return
    if fmt == "xlsx":
        raise click.UsageError("--format xlsx writes a file: add -o FILE.xlsx")
    if fmt == "json":
        click.echo(tables_to_json(tables), nl=False)
    elif fmt == "csv":
        click.echo(tables_to_csv(next(iter(tables.values()))), nl=False)
    elif fmt == "latex":
        click.echo(tables_to_latex(tables), nl=False)
    elif text is not None:
        click.echo(text)
    else:
        blocks = []
        for name, frame in tables.items():
            columns = (shown or {}).get(name, [str(c) for c in frame.columns])
            title = f"{name}\n" if len(tables) > 1 else ""
            blocks.append(title + render_table(display_records(frame[columns]), columns))
        click.echo("\n\n".join(blocks))


def _wants_colour() -> bool:
    return sys.stdout.isatty() and "NO_COLOR" not in os.environ


# -- commands ------------------------------------------------------------------------------


@analyze_group.command("freq", short_help="Code frequencies: segments, documents, share, rank.")
@click.option("--by", metavar="ATTR", default=None, help="Count per value of this attribute.")
@selection_options()
@output_options
@pass_project
def freq_cmd(
    project: Project,
    by: str | None,
    unit: str | None,
    source: str | None,
    coders: tuple[str, ...],
    level: int | None,
    fmt: str,
    output: str | None,
) -> None:
    """Code frequencies: segments and documents with each code, share of segments, rank.

    Shares are out of every segment of the unit (coded or not); with --by ATTR (doc_type,
    level, department, role, speaker ...) per group, zeros included.

    \b
    Example:
      casekit analyze freq
      casekit analyze freq --by level --level 1 --format csv
    """
    from casekit.analysis.frequencies import code_frequencies

    data = load_selection(project, unit=unit, source=source, coders=coders, level=level)
    emit_tables({"frequencies": code_frequencies(data.codings, data.segments, by=by)}, fmt, output)


@analyze_group.command(
    "crosstab", short_help="Codes x an attribute: chi-square, expected counts, residuals."
)
@click.option(
    "--rows",
    type=click.Choice(["code", "category", "family"]),
    default="code",
    show_default=True,
    help="What the rows count.",
)
@click.option("--cols", metavar="ATTR", required=True, help="Attribute whose values are columns.")
@selection_options()
@output_options
@pass_project
def crosstab_cmd(
    project: Project,
    rows: str,
    cols: str,
    unit: str | None,
    source: str | None,
    coders: tuple[str, ...],
    level: int | None,
    fmt: str,
    output: str | None,
) -> None:
    """Cross-tabulate codes against an attribute: chi-square, expected counts, residuals.

    A cell counts the segments of a column value carrying the row's code. Residuals are
    adjusted standardised residuals (beyond ±1.96: more or fewer than independence
    predicts); cells with expected count below 5 are flagged.

    \b
    Example:
      casekit analyze crosstab --rows category --cols level
      casekit analyze crosstab --cols doc_type -o outputs/tables/crosstab.xlsx
    """
    from casekit.analysis.crosstab import code_crosstab

    data = load_selection(project, unit=unit, source=source, coders=coders, level=level)
    result = code_crosstab(data.codings, data.segments, cols=cols, rows=rows)  # type: ignore[arg-type]
    tables = {"cells": result.cells(), "test": result.summary()}
    emit_tables(tables, fmt, output)
    if fmt == "table" and output is None:
        low = result.n_low_expected
        click.echo(
            f"\nchi2 = {result.chi2:.2f}, dof = {result.dof}, p = {result.p_value:.4g}; "
            f"{low} of {result.observed.size} cells have expected < 5"
            + (" (read the test with caution)" if low else "")
        )


@analyze_group.command("cooccur", short_help="Co-occurring code pairs: measures, p- and q-values.")
@click.option(
    "--measure",
    type=click.Choice(MEASURE_CHOICES),
    default=None,
    help="Measure shown in the table; files hold every measure (default: [analysis] measure).",
)
@_MIN_COUNT_OPTION
@selection_options(document_unit=True, window=True)
@output_options
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="Count on the Dask cluster whose scheduler is at ADDRESS (same table).",
)
@click.option(
    "--cluster",
    type=click.Choice(["local"]),
    default=None,
    help="Count on a Dask LocalCluster (one worker per CPU) started for this command.",
)
@pass_project
def cooccur_cmd(
    project: Project,
    measure: str | None,
    min_count: int | None,
    unit: str | None,
    source: str | None,
    coders: tuple[str, ...],
    level: int | None,
    window: int | None,
    fmt: str,
    output: str | None,
    scheduler: str | None,
    cluster: str | None,
) -> None:
    """Code co-occurrence: counts, measures, hypergeometric p-values and BH q-values per pair.

    Two codes co-occur in a segment (or window, or document) when both are coded there.
    Sorted by q-value, then count. Measures: count, jaccard (= ATLAS.ti c-coefficient),
    dice, cosine, lift, pmi, npmi; formulas in docs/methods.md.

    \b
    Example:
      casekit analyze cooccur --measure jaccard --min-count 3
      casekit analyze cooccur --unit sentence --window 3 --format csv > cooc.csv
      casekit analyze cooccur --unit document --coder li
      casekit analyze cooccur --scheduler tcp://10.0.0.5:8786
    """
    from casekit.analysis.cooccurrence import code_cooccurrence

    measure = _setting(project, "measure", measure)
    data = load_selection(
        project, unit=unit, source=source, coders=coders, level=level, window=window
    )
    if scheduler and cluster:
        raise click.UsageError("use --scheduler ADDRESS or --cluster local, not both")
    if scheduler or cluster:
        from casekit.distributed.cluster import dask_client
        from casekit.distributed.cooccurrence import code_cooccurrence_on_cluster

        with dask_client(scheduler=scheduler, n_workers=os.cpu_count() or 1) as client:
            cooc = code_cooccurrence_on_cluster(
                client,
                data.codings,
                data.segments,
                window=window,
                by_document=data.by_document,
                min_count=_setting(project, "min_count", min_count),
            )
    else:
        cooc = code_cooccurrence(
            data.matrix(window), min_count=_setting(project, "min_count", min_count)
        )
    columns = ["code_a", "code_b", "n_a", "n_b", "count", "expected"]
    columns += [measure] if measure != "count" else []
    emit_tables(
        {"cooccurrence": cooc},
        fmt,
        output,
        shown={"cooccurrence": [*columns, "p_value", "q_value"]},
    )


@analyze_group.command(
    "network", short_help="Code network: centralities, communities, bridges, GEXF."
)
@click.option(
    "--measure",
    type=click.Choice(MEASURE_CHOICES),
    default=None,
    help="Edge weight (default: [analysis] measure).",
)
@_MIN_COUNT_OPTION
@click.option("--min-weight", type=float, default=None, help="Keep edges at least this heavy.")
@click.option(
    "--top-edges",
    type=click.IntRange(min=0),
    default=None,
    metavar="K",
    help="Keep the K heaviest edges.",
)
@click.option(
    "--significant",
    is_flag=True,
    help="Keep edges with Benjamini-Hochberg q below [analysis] alpha (default 0.05).",
)
@click.option("--ego", metavar="CODE", default=None, help="Only CODE and its neighbours.")
@click.option(
    "--radius", type=click.IntRange(min=1), default=1, show_default=True, help="Ego network radius."
)
@click.option(
    "--gexf", type=click.Path(dir_okay=False), default=None, help="Also write GEXF (Gephi)."
)
@click.option(
    "--graphml", type=click.Path(dir_okay=False), default=None, help="Also write GraphML."
)
@selection_options(document_unit=True, window=True)
@output_options
@pass_project
def network_cmd(
    project: Project,
    measure: str | None,
    min_count: int | None,
    min_weight: float | None,
    top_edges: int | None,
    significant: bool,
    ego: str | None,
    radius: int,
    gexf: str | None,
    graphml: str | None,
    unit: str | None,
    source: str | None,
    coders: tuple[str, ...],
    level: int | None,
    window: int | None,
    fmt: str,
    output: str | None,
) -> None:
    """Code network: degree, centralities, Louvain communities, bridges; GEXF/GraphML export.

    Nodes are codes (size: segments, colour: family), edges co-occurrences weighted by the
    measure, filtered by --significant, --min-weight and --top-edges (in that order).
    Communities use the project seed; the summary says how many of 20 seeds agree.

    \b
    Example:
      casekit analyze network --significant --gexf outputs/network.gexf
      casekit analyze network --ego DIL.TECH.STANDARDS --radius 1
      casekit analyze network --top-edges 100 -o outputs/tables/network.csv
    """
    from casekit.analysis.centrality import network_bridges, network_node_table
    from casekit.analysis.communities import detect_communities
    from casekit.analysis.cooccurrence import code_cooccurrence
    from casekit.analysis.frequencies import code_frequencies
    from casekit.analysis.network import build_code_network, ego_network
    from casekit.analysis.network_export import edge_table, write_gexf, write_graphml

    measure = _setting(project, "measure", measure)
    min_count = _setting(project, "min_count", min_count)
    data = load_selection(
        project, unit=unit, source=source, coders=coders, level=level, window=window
    )
    G = build_code_network(
        code_cooccurrence(data.matrix(window), min_count=min_count),
        code_frequencies(data.codings, data.segments),
        data.codes,
        measure=measure,
        min_weight=min_weight,
        top_edges=top_edges,
        significant=float(project.config["analysis"]["alpha"]) if significant else None,
    )
    if ego is not None:
        G = ego_network(G, ego, radius=radius)
    communities = detect_communities(G, seed=_seed(project))
    nodes = network_node_table(G, seed=_seed(project), communities=communities)
    bridges = network_bridges(G)
    tables = {"nodes": nodes, "edges": edge_table(G), "bridges": bridges.to_frame()}
    for path, writer in ((gexf, write_gexf), (graphml, write_graphml)):
        if path is not None:
            writer(G, path)
            click.echo(f"wrote {path}")
    modularity = "n/a" if communities.modularity is None else f"{communities.modularity:.3f}"
    summary = (
        f"{G.number_of_nodes()} codes, {G.number_of_edges()} edges ({measure}); "
        f"{len(communities.partition)} communities, modularity {modularity}, same partition "
        f"for {round(communities.stability * communities.n_seeds)} of {communities.n_seeds} "
        f"seeds; {len(bridges.edges)} bridges, articulation points: "
        f"{', '.join(bridges.articulation_points) or 'none'}"
    )
    emit_tables(tables, fmt, output)
    if fmt == "table" and output is None:
        click.echo("\n" + summary)


@analyze_group.command("patterns", short_help="Dilemma patterns with quotes; frequent code sets.")
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=None,
    help="Partners per role (default: [analysis] top).",
)
@click.option(
    "--quotes",
    "n_quotes",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Exemplar quotes per dilemma.",
)
@click.option(
    "--measure",
    type=click.Choice(MEASURE_CHOICES),
    default=None,
    help="Strength measure ranking partners after the q-value (default: [analysis] measure).",
)
@click.option(
    "--min-support",
    type=click.FloatRange(0, 1, min_open=True),
    default=0.02,
    show_default=True,
    help="Minimum share of segments for a frequent code set.",
)
@click.option(
    "--max-size", type=click.IntRange(min=1), default=3, show_default=True, help="Largest code set."
)
@click.option(
    "--by",
    metavar="ATTR",
    default=None,
    help="Also: share of segments per dilemma category by ATTR.",
)
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help="Language of code names (default: [figures] lang).",
)
@selection_options()
@output_options
@pass_project
def patterns_cmd(
    project: Project,
    top: int | None,
    n_quotes: int,
    measure: str | None,
    min_support: float,
    max_size: int,
    by: str | None,
    lang: str | None,
    unit: str | None,
    source: str | None,
    coders: tuple[str, ...],
    level: int | None,
    fmt: str,
    output: str | None,
) -> None:
    """Dilemma patterns: each dilemma's elements and strategies, with quotes; frequent code sets.

    For every dilemma code, the element and strategy codes it co-occurs with, ranked by
    q-value then strength, and exemplar quotes (segments holding most of those partners,
    shortest first). Then frequent code sets and association rules across segments, and with
    --by ATTR whether each dilemma category concentrates in some attribute values.

    \b
    Example:
      casekit analyze patterns --top 3
      casekit analyze patterns --by level --lang en
      casekit analyze patterns -o outputs/tables/patterns.xlsx
    """
    from casekit.analysis.attribute_patterns import patterns_by_attribute
    from casekit.analysis.itemsets import frequent_code_sets
    from casekit.analysis.patterns import dilemma_patterns
    from casekit.analysis.patterns_text import render_patterns

    data = load_selection(project, unit=unit, source=source, coders=coders, level=level)
    result = dilemma_patterns(
        data.codings,
        data.segments,
        data.codes,
        unit=data.unit,
        measure=_setting(project, "measure", measure),
        top=_setting(project, "top", top),
        n_quotes=n_quotes,
    )
    sets = frequent_code_sets(data.matrix(), min_support=min_support, max_size=max_size)
    tables = {
        "dilemmas": result.dilemmas,
        "patterns": result.patterns,
        "quotes": result.quotes,
        "itemsets": sets.itemsets,
        "rules": sets.rules,
    }
    by_attribute = None
    if by is not None:
        by_attribute = patterns_by_attribute(data.codings, data.segments, by=by)
        tables |= {"by_attribute": by_attribute.shares, "by_attribute_tests": by_attribute.tests}
    if fmt != "table" or output is not None:
        emit_tables(tables, fmt, output)
        return
    from casekit.analysis.export import display_records

    mark = ("\x1b[1m", "\x1b[0m") if _wants_colour() else ("", "")
    language = lang or project.config["figures"]["lang"]
    parts = [render_patterns(result, language=language, mark=mark)]
    if by_attribute is not None:
        shares = by_attribute.shares
        parts.append(
            f"dilemma categories by {by}\n"
            + render_table(display_records(shares), list(shares.columns))
            + "\n\n"
            + render_table(display_records(by_attribute.tests), list(by_attribute.tests.columns))
        )
    rules = sets.rules.head(10)
    parts.append(
        f"frequent code sets: {len(sets.itemsets)} with support >= {min_support:g} "
        f"(>= {sets.min_count} segments); top rules by lift\n"
        + render_table(display_records(rules), list(rules.columns))
    )
    click.echo("\n\n".join(parts))


@analyze_group.command("suggest", short_help="Suggest codes learnt from one coder's codings.")
@click.option("--from", "coder", required=True, metavar="CODER", help="Learn from this coder.")
@click.option(
    "--threshold",
    type=click.FloatRange(0, 1),
    default=None,
    help="Smallest probability suggested (default: per code, the cut-off with the best "
    "cross-validated F1).",
)
@click.option(
    "--min-positives",
    type=click.IntRange(min=2),
    default=5,
    show_default=True,
    help="Codes with fewer coded segments are skipped.",
)
@click.option(
    "--unit",
    type=click.Choice(UNITS),
    default=None,
    help="Segment unit (default: [analysis] unit).",
)
@output_options
@pass_project
def suggest_cmd(
    project: Project,
    coder: str,
    threshold: float | None,
    min_positives: int,
    unit: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """Suggest codes for segments a coder has not reached, learnt from the coder's codings.

    Trains one classifier per code (TF-IDF + logistic regression) on the segments of the
    documents the coder has coded, reports cross-validated precision, recall and average
    precision per code (compare average precision with the share of coded segments: that is
    what guessing scores), and suggests codes for the segments of the other documents.
    Nothing is stored.

    \b
    Example:
      casekit analyze suggest --from li
      casekit analyze suggest --from li --threshold 0.7 --format json > suggestions.json
    """
    from casekit.analysis.suggest import suggest_codes

    data = load_selection(project, unit=unit, source="all", coders=(coder,), level=None)
    coded_docs = set(data.codings["document"])
    in_coded = data.segments["document"].isin(coded_docs)
    result = suggest_codes(
        data.segments[in_coded],
        data.codings,
        data.segments[~in_coded],
        seed=_seed(project),
        min_positives=min_positives,
        threshold=threshold,
    )
    texts = data.segments.set_index("segment")["text"]
    suggestions = result.suggestions.assign(text=result.suggestions["segment"].map(texts))
    tables = {"scores": result.scores, "suggestions": suggestions, "skipped": result.skipped}
    emit_tables(tables, fmt, output)


@analyze_group.command("themes", short_help="Emergent themes in segments no code covers (NMF).")
@click.option(
    "--themes", "n_themes", type=click.IntRange(min=1), default=5, show_default=True, help="Themes."
)
@click.option(
    "--terms",
    "n_terms",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Terms per theme.",
)
@click.option(
    "--examples",
    "n_examples",
    type=click.IntRange(min=0),
    default=3,
    show_default=True,
    help="Example segments per theme.",
)
@click.option(
    "--with-questions",
    is_flag=True,
    help="Keep the interviewer's turns (问, Q, 访谈者 ...), left out by default.",
)
@selection_options()
@output_options
@pass_project
def themes_cmd(
    project: Project,
    n_themes: int,
    n_terms: int,
    n_examples: int,
    with_questions: bool,
    unit: str | None,
    source: str | None,
    coders: tuple[str, ...],
    level: int | None,
    fmt: str,
    output: str | None,
) -> None:
    """Emergent themes in segments no code covers (TF-IDF + NMF): top terms and examples.

    Segments without any coding in the selection (interviewer turns left out) are
    factorised into themes; each theme lists its leading terms (Chinese: character
    2-3-grams) and the segments loading most.

    \b
    Example:
      casekit analyze themes --themes 6
      casekit analyze themes --source manual --coder li -o outputs/tables/themes.xlsx
    """
    from casekit.analysis.themes import INTERVIEWER_LABELS, find_themes, uncovered_segments

    data = load_selection(project, unit=unit, source=source, coders=coders, level=level)
    themes = find_themes(
        uncovered_segments(
            data.codings, data.segments, skip_speakers=() if with_questions else INTERVIEWER_LABELS
        ),
        n_themes=n_themes,
        seed=_seed(project),
        n_terms=n_terms,
        n_examples=n_examples,
    )
    tables = {"themes": themes.summary, "terms": themes.terms, "examples": themes.examples}
    emit_tables(tables, fmt, output, shown={"terms": ["theme", "rank", "term", "weight"]})


@analyze_group.command(
    "clusters", short_help="Cluster codes; correspondence analysis of codes x ATTR."
)
@click.option(
    "--method",
    type=click.Choice(["average", "complete", "single", "weighted"]),
    default="average",
    show_default=True,
    help="Linkage.",
)
@click.option(
    "--clusters",
    "n_clusters",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Where to cut the tree.",
)
@click.option(
    "--by",
    metavar="ATTR",
    default="doc_type",
    show_default=True,
    help="Attribute for the correspondence analysis of codes.",
)
@selection_options(document_unit=True, window=True)
@output_options
@pass_project
def clusters_cmd(
    project: Project,
    method: str,
    n_clusters: int,
    by: str,
    unit: str | None,
    source: str | None,
    coders: tuple[str, ...],
    level: int | None,
    window: int | None,
    fmt: str,
    output: str | None,
) -> None:
    """Cluster codes by co-occurrence (Jaccard distance) and map codes x ATTR (correspondence).

    Hierarchical clustering puts codes coded on the same segments next to each other
    (dendrogram order, clusters numbered along it). Correspondence analysis of the
    code x attribute table gives code and attribute coordinates and inertia per dimension.

    \b
    Example:
      casekit analyze clusters --method average --clusters 6
      casekit analyze clusters --by level -o outputs/tables/clusters.xlsx
    """
    from casekit.analysis.clusters import cluster_codes
    from casekit.analysis.correspondence import correspondence_analysis
    from casekit.analysis.crosstab import code_table

    data = load_selection(
        project, unit=unit, source=source, coders=coders, level=level, window=window
    )
    clusters = cluster_codes(data.matrix(window), method=method, n_clusters=n_clusters)
    tables = {"clusters": clusters.table}
    ca = correspondence_analysis(code_table(data.codings, data.segments, cols=by))
    tables |= {"ca_codes": ca.rows, "ca_" + by: ca.columns, "ca_inertia": ca.inertia}
    emit_tables(tables, fmt, output)
