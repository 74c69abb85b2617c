"""The HTML report: one self-contained page with summary, codebook, figures, tables, patterns
and every document with its coded spans highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pandas as pd

from casekit import __version__
from casekit.errors import CasekitError
from casekit.figures.build import FigureBuild, FigureOptions, render_figures
from casekit.figures.labels import family_label, family_rank, unit_label
from casekit.figures.save import figure_bytes
from casekit.report.assets import SCRIPT, STYLE, family_rules
from casekit.report.data import ReportData
from casekit.report.documents import Span, family_class, highlight_text
from casekit.report.svg import inline_svg
from casekit.report.tables import fixed, html_table, integer, percent, q_value

__all__ = [
    "ReportFigure",
    "ReportOutput",
    "build_report",
    "figures_from_build",
    "report_figures",
    "write_report",
]

# Rows shown in the report's tables; the full tables are in outputs/tables.
_TOP_PAIRS = 40
_TOP_NODES = 25


@dataclass(frozen=True)
class ReportFigure:
    """A figure for the report: its name, caption line and SVG text."""

    name: str
    caption: str
    svg: str


@dataclass(frozen=True)
class ReportOutput:
    """What :func:`write_report` wrote."""

    path: Path
    n_documents: int
    n_figures: int
    n_bytes: int
    warnings: list[str]

    def summary(self) -> str:
        """``wrote outputs/report.html (39 documents, 8 figures, 2.1 MB)``."""
        size = (
            f"{self.n_bytes / 1_000_000:.1f} MB"
            if self.n_bytes >= 100_000
            else (f"{self.n_bytes / 1000:.0f} kB")
        )
        return f"wrote {self.path} ({self.n_documents} documents, {self.n_figures} figures, {size})"


def report_figures(
    data: ReportData, options: FigureOptions | None = None
) -> tuple[list[ReportFigure], list[str]]:
    """Draw every figure for the report (as SVG) and return them with any warnings."""
    results, language, warnings = render_figures(data.selection, options=options)
    figures = [
        ReportFigure(
            name,
            result.caption,
            figure_bytes(result.figure, "svg", font=language.font).decode("utf-8"),
        )
        for name, result in results
    ]
    return figures, warnings


def figures_from_build(build: FigureBuild) -> list[ReportFigure]:
    """The figures :func:`casekit.figures.build.build_figures` wrote, read back from their SVG
    files, so a run that already drew them does not draw them again.

    Raises
    ------
    CasekitError
        When the build wrote no SVG (add ``svg`` to the formats).
    """
    figures = []
    for output in build.outputs:
        svg = next((p for p in output.files if p.suffix == ".svg"), None)
        if svg is None:
            raise CasekitError(
                f"figure {output.name} has no SVG file to embed; build figures with 'svg' "
                "among the formats, or let the report draw them"
            )
        figures.append(ReportFigure(output.name, output.caption, svg.read_text(encoding="utf-8")))
    return figures


def build_report(
    data: ReportData,
    *,
    figures: Sequence[ReportFigure] | None = None,
    options: FigureOptions | None = None,
    warnings: Sequence[str] = (),
) -> str:
    """The report as one HTML string (no external resources; every text escaped).

    Parameters
    ----------
    data
        From :func:`casekit.report.data.load_report_data`.
    figures
        Figures to embed; default: draw them all with ``options``
        (:func:`report_figures`).
    options
        Figure options; also give the label language, measure and significance threshold
        the tables and patterns use.
    warnings
        Notes to show at the top of the report (e.g. a missing CJK font).

    Returns
    -------
    str
        A complete HTML5 document; the same inputs give the same text.
    """
    options = options or FigureOptions()
    notes = list(warnings)
    if figures is None:
        figures, drawn_warnings = report_figures(data, options)
        notes += drawn_warnings
    # The browser draws Chinese itself, so names follow the option even when figures fell back.
    lang = options.lang
    names = _names(data.selection.codes, lang)
    analyses = _analyses(data, options)
    parts = [
        ("summary", "Summary", _summary(data, notes)),
        ("codebook", "Codebook", _codebook(data, names, analyses["frequencies"], lang)),
        ("figures", "Figures", _figures(figures)),
        ("tables", "Tables", _tables(analyses, names, data, options)),
        ("patterns", "Dilemma patterns", _patterns(analyses["patterns"], names, options)),
        ("documents", "Documents", _documents(data, names)),
    ]
    toc = "".join(f'<a href="#{key}">{escape(title)}</a>' for key, title, _ in parts)
    body = "".join(
        f'<section class="part" id="{key}"><h2>{escape(title)}</h2>{html}</section>'
        for key, title, html in parts
    )
    families = set(data.selection.codes.get("family", pd.Series(dtype=str)).dropna())
    families |= set(data.spans.get("family", pd.Series(dtype=str)).dropna())
    title = escape(data.title or "casekit project")
    subtitle = escape(data.selection.describe())
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title} · casekit report</title>"
        f"<style>{STYLE}{family_rules(families)}</style></head><body>"
        f'<header class="top"><h1>{title}</h1><p>{subtitle}</p></header>'
        f'<nav class="toc">{toc}</nav><main>{body}</main>'
        f"<footer>casekit {escape(__version__)}</footer>"
        f"<script>{SCRIPT}</script></body></html>\n"
    )


def write_report(
    data: ReportData,
    path: str | Path,
    *,
    figures: Sequence[ReportFigure] | None = None,
    options: FigureOptions | None = None,
) -> ReportOutput:
    """Build the report and write it to ``path`` (UTF-8); return what was written.

    The file is only rewritten when its content changes.
    """
    options = options or FigureOptions()
    warnings: list[str] = []
    if figures is None:
        figures, warnings = report_figures(data, options)
    html = build_report(data, figures=figures, options=options, warnings=warnings)
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    encoded = html.encode("utf-8")
    if not out.is_file() or out.read_bytes() != encoded:
        tmp = out.with_name(out.name + ".tmp")
        tmp.write_bytes(encoded)
        tmp.replace(out)
    return ReportOutput(out, len(data.documents), len(figures), len(encoded), warnings)


# -- analyses ----------------------------------------------------------------------------------


def _analyses(data: ReportData, options: FigureOptions) -> dict[str, object]:
    from casekit.analysis.centrality import network_node_table
    from casekit.analysis.cooccurrence import code_cooccurrence
    from casekit.analysis.frequencies import code_frequencies
    from casekit.analysis.matrix import segment_code_matrix
    from casekit.analysis.network import build_code_network
    from casekit.analysis.patterns import dilemma_patterns

    sel = data.selection
    frequencies = code_frequencies(sel.codings, sel.segments)
    cooc = code_cooccurrence(segment_code_matrix(sel.codings, sel.segments))
    network = build_code_network(
        cooc,
        frequencies,
        sel.codes,
        measure=options.measure,
        significant=options.significance,
        top_edges=options.network_edges,
    )
    return {
        "frequencies": frequencies,
        "cooccurrence": cooc,
        "nodes": network_node_table(network, seed=options.seed),
        "patterns": dilemma_patterns(
            sel.codings,
            sel.segments,
            sel.codes,
            unit=sel.unit,
            measure=options.measure,
            top=options.partners,
            n_quotes=2,
        ),
    }


def _names(codes: pd.DataFrame, lang: str) -> dict[str, str]:
    first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    out = {}
    for row in codes.to_dict("records"):
        name = row.get(first) if isinstance(row.get(first), str) else ""
        out[str(row["code"])] = name or (
            row.get(second) if isinstance(row.get(second), str) else ""
        )
    return out


# -- sections ----------------------------------------------------------------------------------


def _summary(data: ReportData, notes: Sequence[str]) -> str:
    status = data.status
    sel = data.selection
    rows = [
        (
            "Documents",
            f"{status.get('documents', len(data.documents)):,}",
            _counts(status.get("documents_by_type", {})),
        ),
        ("Segments analysed", f"{len(sel.segments):,}", unit_label(sel.unit, "en")),
        (
            "Codes",
            f"{len(sel.codes):,}",
            f"{sel.codings['code'].nunique():,} coded in this selection",
        ),
        (
            "Codings in this selection",
            f"{len(sel.codings):,}",
            _counts(sel.codings["source"].value_counts().sort_index().to_dict())
            if "source" in sel.codings
            else "",
        ),
        ("Coders", f"{len(status.get('coders', [])):,}", ", ".join(status.get("coders", []))),
    ]
    if data.codebook:
        book = data.codebook
        rows.append(
            (
                "Codebook",
                f"{book.get('id', '')} {book.get('version', '')}",
                f"{book.get('title', '')} (content hash {book.get('hash', '')})",
            )
        )
    table = "".join(
        f'<tr><th>{escape(a)}</th><td class="num">{escape(b)}</td><td>{escape(c)}</td></tr>'
        for a, b, c in rows
    )
    warnings = "".join(f'<p class="warning">{escape(n)}</p>' for n in notes)
    return f"{warnings}<table><tbody>{table}</tbody></table>"


def _counts(counts: dict) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items())


def _codebook(data: ReportData, names: dict[str, str], frequencies: pd.DataFrame, lang: str) -> str:
    codes = data.selection.codes
    counts = dict(zip(frequencies["code"], frequencies["segments"], strict=True))
    children: dict[str, list[dict]] = {}
    roots = []
    for row in codes.to_dict("records"):
        parent = row.get("parent")
        if isinstance(parent, str) and parent:
            children.setdefault(parent, []).append(row)
        else:
            roots.append(row)

    def item(row: dict) -> str:
        code = str(row["code"])
        family = str(row.get("family") or "")
        other = row.get("name_en") if lang == "zh" else row.get("name_zh")
        other_html = (
            f' <span class="count">{escape(other)}</span>'
            if isinstance(other, str) and other
            else ""
        )
        n = counts.get(code)
        count = f' <span class="count">· {int(n):,} segments</span>' if n else ""
        definition = row.get("definition") if isinstance(row.get("definition"), str) else ""
        kids = sorted(children.get(code, []), key=lambda r: str(r["code"]))
        inner = "".join(item(k) for k in kids)
        summary = (
            f'<span class="swatch {family_class(family)}"></span>'
            f'<b>{escape(names.get(code, ""))}</b>{other_html} <code class="id">{escape(code)}</code>{count}'
        )
        body = f'<p class="def">{escape(definition)}</p>' if definition else ""
        sub = f"<ul>{inner}</ul>" if inner else ""
        return f"<li><details><summary>{summary}</summary>{body}</details>{sub}</li>"

    by_family: dict[str, list[dict]] = {}
    for row in roots:
        by_family.setdefault(str(row.get("family") or ""), []).append(row)
    blocks = []
    for family in sorted(by_family, key=family_rank):
        items = "".join(item(r) for r in sorted(by_family[family], key=lambda r: str(r["code"])))
        blocks.append(
            f'<h3><span class="swatch {family_class(family)}"></span>{escape(family_label(family, lang))}</h3>'
            f'<ul class="tree">{items}</ul>'
        )
    intro = '<p class="note">Click a code to read its definition; counts are segments at the analysed unit.</p>'
    return intro + "".join(blocks)


def _figures(figures: Sequence[ReportFigure]) -> str:
    if not figures:
        return '<p class="note">No figures could be drawn from this selection.</p>'
    out = []
    for i, fig in enumerate(figures, start=1):
        svg = inline_svg(fig.svg, f"f{i}", label=fig.caption)
        out.append(
            f'<figure class="fig" id="fig-{escape(fig.name, quote=True)}" data-figure="{escape(fig.name, quote=True)}">'
            f"{svg}<figcaption><b>Figure {i} ({escape(fig.name)}).</b> {escape(fig.caption)}</figcaption></figure>"
        )
    return "".join(out)


def _tables(analyses: dict, names: dict[str, str], data: ReportData, options: FigureOptions) -> str:
    frequencies = analyses["frequencies"]
    frequencies = frequencies[frequencies["segments"] > 0].assign(
        name=lambda f: f["code"].map(names)
    )
    cooc = analyses["cooccurrence"]
    pairs = cooc[cooc["q_value"] < options.significance].head(_TOP_PAIRS)
    pairs = pairs.assign(name_a=pairs["code_a"].map(names), name_b=pairs["code_b"].map(names))
    nodes = analyses["nodes"]
    nodes = (
        nodes[nodes["degree"] > 0]
        .sort_values(["weighted_degree", "code"], ascending=[False, True], kind="stable")
        .head(_TOP_NODES)
        .assign(name=lambda f: f["code"].map(names))
    )
    unit = unit_label(data.selection.unit, "en")
    return (
        "<h3>Code frequencies</h3>"
        + html_table(
            frequencies,
            [
                ("code", "Code", None, False),
                ("name", "Name", None, False),
                ("family", "Family", None, False),
                ("segments", f"Segments ({unit})", integer, True),
                ("documents", "Documents", integer, True),
                ("share", "Share", percent, True),
            ],
        )
        + f"<h3>Significant co-occurrences (q &lt; {options.significance:g})</h3>"
        + html_table(
            pairs,
            [
                ("code_a", "Code A", None, False),
                ("name_a", "", None, False),
                ("code_b", "Code B", None, False),
                ("name_b", "", None, False),
                ("count", "Together", integer, True),
                ("jaccard", "Jaccard", fixed(2), True),
                ("lift", "Lift", fixed(2), True),
                ("q_value", "q", q_value, True),
            ],
            caption=f"The {len(pairs)} strongest of {int((cooc['q_value'] < options.significance).sum())} "
            "significant pairs (one-sided hypergeometric test, Benjamini-Hochberg).",
        )
        + "<h3>Most central codes in the network</h3>"
        + html_table(
            nodes,
            [
                ("code", "Code", None, False),
                ("name", "Name", None, False),
                ("degree", "Degree", integer, True),
                ("weighted_degree", f"Weighted degree ({options.measure})", fixed(2), True),
                ("betweenness", "Betweenness", fixed(3), True),
                ("community", "Community", integer, True),
            ],
        )
    )


def _patterns(result, names: dict[str, str], options: FigureOptions) -> str:
    from casekit.analysis.patterns_text import format_q, format_weight

    if result.dilemmas.empty:
        return '<p class="note">No dilemma codes in this selection.</p>'
    blocks = []
    for dilemma in result.dilemmas.itertuples(index=False):
        code = str(dilemma.dilemma)
        lines = []
        mine = result.patterns[result.patterns["dilemma"] == code]
        for role, label in (("element", "with elements"), ("strategy", "with strategies")):
            partners = mine[mine["role"] == role]
            items = " · ".join(
                f'{escape(names.get(p.code, "") or p.code)} <code class="id">{escape(p.code)}</code> '
                f"({escape(result.measure)} {escape(format_weight(float(p.weight), result.measure))}, "
                f"{escape(format_q(float(p.q_value)))})"
                for p in partners.itertuples(index=False)
            )
            lines.append(f"<li>{escape(label)}: {items or '—'}</li>")
        quotes = []
        for q in result.quotes[result.quotes["dilemma"] == code].itertuples(index=False):
            text = str(q.segment_text)
            s, e = int(q.span_start), int(q.span_end)
            quote = escape(text[:s]) + "<mark>" + escape(text[s:e]) + "</mark>" + escape(text[e:])
            quotes.append(
                f"<blockquote>{quote}<cite>— {escape(str(q.attribution))}</cite></blockquote>"
            )
        blocks.append(
            f'<div class="pattern"><h3>{escape(names.get(code, "") or code)} <code class="id">{escape(code)}</code> '
            f'<span class="count">{int(dilemma.segments):,} segments, {int(dilemma.documents):,} documents</span></h3>'
            f"<ul>{''.join(lines)}</ul>{''.join(quotes)}</div>"
        )
    intro = (
        f'<p class="note">For each dilemma, the elements and strategies it co-occurs with most '
        f"strongly ({escape(result.measure)}, ranked by q-value), and the segments that show it best.</p>"
    )
    return intro + "".join(blocks)


def _documents(data: ReportData, names: dict[str, str]) -> str:
    spans = data.spans
    by_doc: dict[str, list[Span]] = {}
    counts: dict[str, int] = {}
    for row in spans.to_dict("records"):
        code = str(row["code"])
        by_doc.setdefault(str(row["document"]), []).append(
            Span(int(row["start"]), int(row["end"]), code, str(row.get("family") or ""))
        )
        counts[code] = counts.get(code, 0) + 1
    families = {
        str(r["code"]): str(r.get("family") or "") for r in data.selection.codes.to_dict("records")
    }
    options = "".join(
        f'<option value="{escape(code, quote=True)}">{escape(code)} {escape(names.get(code, ""))} ({counts[code]:,})</option>'
        for code in sorted(counts, key=lambda c: (family_rank(families.get(c, "")), c))
    )
    doc_options = "".join(
        f'<option value="doc-{i}">{escape(doc.name)}</option>'
        for i, doc in enumerate(data.documents, start=1)
    )
    present = sorted({s.family for spans_ in by_doc.values() for s in spans_}, key=family_rank)
    legend = "".join(
        f'<span class="item"><span class="swatch {family_class(f)}"></span>{escape(family_label(f, "en"))}</span>'
        for f in present
    )
    toolbar = (
        '<div class="toolbar">'
        f'<span class="legend">{legend}</span>'
        f'<label>Code <select id="code-filter"><option value="">all codes</option>{options}</select></label>'
        f'<label>Document <select id="doc-filter"><option value="">all documents</option>{doc_options}</select></label>'
        '<span id="filter-status" class="note"></span></div>'
    )
    sections = []
    for i, doc in enumerate(data.documents, start=1):
        meta = " · ".join(
            escape(str(v))
            for v in [doc.doc_type, *(doc.attributes.get(k) for k in sorted(doc.attributes))]
            if v not in (None, "")
        )
        text = highlight_text(doc.text, by_doc.get(doc.name, []), names)
        lang = f' lang="{escape(doc.language, quote=True)}"' if doc.language else ""
        sections.append(
            f'<section class="doc" id="doc-{i}" data-doc="{escape(doc.name, quote=True)}">'
            f'<h3>{escape(doc.name)}</h3><p class="meta">{meta}</p>'
            f'<div class="text"{lang}>{text}</div></section>'
        )
    intro = (
        '<p class="note">Coded passages are tinted by family (hover for the codes; a double '
        "underline means several codes). Choose a code to see only its passages.</p>"
    )
    return intro + toolbar + "".join(sections)
