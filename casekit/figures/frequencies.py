"""Code frequency bars grouped by family, overall and per document attribute (document type)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.analysis.inputs import require_columns
from casekit.errors import CasekitError
from casekit.figures.base import (
    ENGLISH,
    FigureResult,
    family_handles,
    finish_figure,
    join_caption,
    new_figure,
    require_rows,
)
from casekit.figures.labels import (
    code_labels,
    family_label,
    family_rank,
    family_shade,
    text,
    unit_label,
    wrap_label,
)
from casekit.figures.style import LabelLanguage, Width, print_style

__all__ = [
    "FREQUENCY_COLUMNS",
    "GROUP_FREQUENCY_COLUMNS",
    "plot_code_frequencies",
    "plot_frequencies_by_group",
]

FREQUENCY_COLUMNS = ["position", "code", "label", "family", "segments", "documents", "share"]
GROUP_FREQUENCY_COLUMNS = [
    "group",
    "panel",
    "position",
    "code",
    "label",
    "family",
    "segments",
    "share",
]

# Vertical space per bar row, in centimetres, for 8 pt labels.
_ROW_CM = 0.36
# Longer labels wrap (a Chinese character counts two columns).
_LABEL_COLUMNS = 44


def _family_order(frame: pd.DataFrame, value: str) -> pd.DataFrame:
    """Rows grouped by family (in family order), most frequent first within each, then by code."""
    keyed = frame.assign(
        _family=[family_rank(f) for f in frame["family"]], _neg=-frame[value].to_numpy()
    )
    keyed = keyed.sort_values(["_family", "_neg", "code"], kind="stable")
    return keyed.drop(columns=["_family", "_neg"]).reset_index(drop=True)


def plot_code_frequencies(
    frequencies: pd.DataFrame,
    codes_meta: pd.DataFrame,
    *,
    language: LabelLanguage = ENGLISH,
    top: int | None = 12,
    unit: str = "segment",
    width: Width = "full",
    context: str = "",
) -> FigureResult:
    """Horizontal bars: segments per code, grouped under family headings.

    Each family keeps its own ``top`` codes, so the many structuring elements do not crowd
    out the dilemmas and strategies a chapter is about.

    Parameters
    ----------
    frequencies
        :func:`casekit.analysis.frequencies.code_frequencies` output without ``by``.
    codes_meta
        ``codes_frame``: code names.
    language
        From :func:`casekit.figures.style.resolve_language`.
    top
        Show the ``top`` most frequent codes of each family (ties broken by code); ``None``
        shows every coded code.
    unit
        The unit the segments are (for the axis label and caption).
    width
        ``"full"``, ``"half"`` or centimetres.
    context
        Appended to the caption: which codings, coder or source the counts come from.

    Returns
    -------
    FigureResult
        ``data`` columns ``position, code, label, family, segments, documents, share``: one row
        per bar, ``position`` 1 at the top.
    """
    require_columns(
        frequencies, ("code", "family", "segments", "documents", "share"), "frequencies"
    )
    if top is not None and top < 1:
        raise CasekitError(f"top must be at least 1, not {top}")
    coded = frequencies[frequencies["segments"] > 0]
    require_rows(coded, "code frequencies")
    coded = coded.assign(family=coded["family"].fillna("").astype(str))
    ranked = _family_order(coded, "segments")
    data = ranked if top is None else ranked.groupby("family", sort=False).head(top)
    data = data.reset_index(drop=True)
    lang = language.lang
    labels = code_labels(data["code"], codes_meta, lang)
    data.insert(0, "position", np.arange(1, len(data) + 1, dtype=np.int64))
    data["label"] = [labels[c] for c in data["code"]]
    data = data[FREQUENCY_COLUMNS]

    families = list(dict.fromkeys(data["family"]))
    # Rows whose label wraps onto a second line get more room, so labels never collide.
    y, ticks, tick_labels, headers = 0.0, [], [], []
    for family in families:
        headers.append((y, family))
        y += 1
        for row in data[data["family"] == family].itertuples(index=False):
            label = wrap_label(row.label, _LABEL_COLUMNS)
            extra = 0.3 * label.count("\n")
            ticks.append(y + extra)
            tick_labels.append(label)
            y += 1 + 2 * extra
    with print_style(language.font):
        fig = new_figure(width, 1.6 + _ROW_CM * y)
        ax = fig.add_subplot()
        segments = data["segments"].to_numpy()
        ax.barh(
            ticks,
            segments,
            height=0.72,
            color=[family_shade(f) for f in data["family"]],
            edgecolor="none",
        )
        x_max = float(segments.max())
        for yy, n in zip(ticks, segments, strict=True):
            ax.text(n + x_max * 0.01, yy, f"{n:,}", va="center", ha="left", fontsize=7)
        for yy, family in headers:
            ax.text(0, yy, family_label(family, lang), va="center", ha="left", fontweight="bold")
        ax.set_yticks(ticks, tick_labels)
        ax.set_ylim(y - 0.4, -0.6)
        ax.set_xlim(0, x_max * 1.08)
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(f"{text('segments', lang)} ({unit_label(unit, lang)})")
        finish_figure(fig)
    n_total = len(coded)
    what = (
        f"all {n_total} coded codes"
        if len(data) == n_total
        else f"the {top} most frequent codes of each family ({len(data)} of {n_total} coded codes)"
    )
    caption = (
        f"Code frequencies by family: {what}; each bar counts the {unit_label(unit, 'en')} "
        "carrying the code."
    )
    return FigureResult(fig, data, join_caption(caption, context))


def plot_frequencies_by_group(
    frequencies: pd.DataFrame,
    codes_meta: pd.DataFrame,
    *,
    by: str,
    rows_name: str = "codes",
    language: LabelLanguage = ENGLISH,
    max_groups: int = 6,
    unit: str = "segment",
    width: Width = "full",
    context: str = "",
) -> FigureResult:
    """Small multiples: the share of segments carrying each code, one panel per group.

    Shares (not counts) make groups of different sizes comparable. Pass frequencies of
    categories (codings with ``code`` set to their ``category``) to keep the panels readable.

    Parameters
    ----------
    frequencies
        :func:`casekit.analysis.frequencies.code_frequencies` output with ``by``.
    by
        The attribute column of ``frequencies`` (``doc_type`` ...).
    max_groups
        Panels drawn: the groups with the most coded segments (then by name).
    rows_name
        What the rows are, for the caption (``codes`` or ``categories``).

    Returns
    -------
    FigureResult
        ``data`` columns ``group, panel, position, code, label, family, segments, share``:
        one row per bar; ``panel`` 1 is leftmost, ``position`` 1 the top row.
    """
    require_columns(frequencies, (by, "code", "family", "segments", "share"), "frequencies")
    if max_groups < 1:
        raise CasekitError(f"max_groups must be at least 1, not {max_groups}")
    require_rows(frequencies[frequencies["segments"] > 0], f"code frequencies by {by}")
    totals = frequencies.groupby(by)["segments"].sum()
    groups = sorted(totals.index, key=lambda g: (-int(totals[g]), str(g)))[:max_groups]
    overall = frequencies.groupby("code").agg(
        family=("family", "first"), segments=("segments", "sum")
    )
    overall = overall[overall["segments"] > 0].reset_index()
    rows = _family_order(overall, "segments")
    lang = language.lang
    labels = code_labels(rows["code"], codes_meta, lang)
    position = {code: i for i, code in enumerate(rows["code"], start=1)}
    frame = frequencies[frequencies[by].isin(groups) & frequencies["code"].isin(position)]
    data = pd.DataFrame(
        {
            "group": frame[by].astype(str).to_numpy(),
            "panel": [groups.index(g) + 1 for g in frame[by]],
            "position": [position[c] for c in frame["code"]],
            "code": frame["code"].to_numpy(),
            "label": [labels[c] for c in frame["code"]],
            "family": frame["family"].fillna("").astype(str).to_numpy(),
            "segments": frame["segments"].astype(np.int64).to_numpy(),
            "share": frame["share"].astype(float).to_numpy(),
        },
        columns=GROUP_FREQUENCY_COLUMNS,
    )
    data = data.sort_values(["panel", "position"], ignore_index=True)
    n = len(rows)
    with print_style(language.font):
        fig = new_figure(width, 2.2 + _ROW_CM * n)
        axes = fig.subplots(1, len(groups), sharey=True, squeeze=False)[0]
        x_max = float(data["share"].max()) or 1.0
        colors = [family_shade(f) for f in rows["family"]]
        for k, (ax, group) in enumerate(zip(axes, groups, strict=True)):
            panel = data[data["panel"] == k + 1].set_index("position")["share"]
            shares = [float(panel.get(i, 0.0)) for i in range(1, n + 1)]
            ax.barh(np.arange(1, n + 1), shares, height=0.72, color=colors, edgecolor="none")
            ax.set_title(str(group), fontsize=8)
            ax.set_xlim(0, x_max * 1.1)
            ax.xaxis.set_major_formatter(_percent_formatter())
            ax.xaxis.set_major_locator(_few_ticks())
            if k:
                ax.tick_params(axis="y", left=False)
        axes[0].set_yticks(
            np.arange(1, n + 1), [wrap_label(labels[c], _LABEL_COLUMNS) for c in rows["code"]]
        )
        axes[0].set_ylim(n + 0.6, 0.4)
        axes[0].tick_params(axis="y", length=0)
        fig.supxlabel(f"{text('share', lang)} ({unit_label(unit, lang)})", fontsize=8)
        _family_legend(fig, rows["family"], lang)
        finish_figure(fig)
    shown = "" if len(groups) == len(totals) else f" (the {len(groups)} largest of {len(totals)})"
    caption = (
        f"Share of {unit_label(unit, 'en')} carrying each of {n} {rows_name}, by {by}{shown}; "
        "bars coloured by code family."
    )
    return FigureResult(fig, data, join_caption(caption, context))


def _family_legend(fig, families: pd.Series, lang: str) -> None:
    handles = family_handles(families, lang)
    fig.legend(handles=handles, loc="outside upper center", ncols=len(handles), fontsize=7.5)


def _percent_formatter():
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: f"{v:.0%}")


def _few_ticks():
    from matplotlib.ticker import MaxNLocator

    # Narrow panels fit two tick labels without collisions.
    return MaxNLocator(nbins=2, steps=[1, 2, 2.5, 5, 10])
