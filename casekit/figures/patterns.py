"""The dilemma-pattern chart: dilemmas x the elements and strategies they travel with."""

from __future__ import annotations

import numpy as np
import pandas as pd

from casekit.analysis.patterns import ROLES
from casekit.figures.base import (
    ENGLISH,
    FigureResult,
    family_handles,
    finish_figure,
    join_caption,
    new_figure,
    require_rows,
)
from casekit.figures.labels import family_shade, text, wrap_label
from casekit.figures.style import LabelLanguage, Width, print_style

__all__ = ["PATTERN_CHART_COLUMNS", "plot_dilemma_patterns"]

PATTERN_CHART_COLUMNS = [
    "row",
    "col",
    "dilemma",
    "partner",
    "role",
    "weight",
    "count",
    "q_value",
    "significant",
    "reported",
]

_CELL_CM = 0.42
# Length of one column of 8 pt label text (a Chinese character takes two).
_LABEL_CM = 0.15
_MAX_AREA = 95.0


def plot_dilemma_patterns(
    result,
    *,
    cooc: pd.DataFrame | None = None,
    significance: float = 0.05,
    max_partners: int = 12,
    language: LabelLanguage = ENGLISH,
    width: Width = "full",
    context: str = "",
) -> FigureResult:
    """A matrix of dilemmas (rows) by partner elements and strategies (columns).

    Columns are the partners :func:`casekit.analysis.patterns.dilemma_patterns` reported for
    the most dilemmas (at most ``max_partners`` per role), elements first, then strategies,
    each ordered by how many dilemmas report them (then by code). A circle's area is the association measure; filled circles have a Benjamini-Hochberg
    q-value below ``significance``, open ones do not. With ``cooc`` every cell is filled from
    the co-occurrence table, so a partner's weaker ties to other dilemmas show too; without
    it only the reported (top) partners are drawn.

    Parameters
    ----------
    result
        :class:`casekit.analysis.patterns.DilemmaPatterns`.
    cooc
        :func:`casekit.analysis.cooccurrence.code_cooccurrence` output the patterns came from.
    significance
        q-value threshold for a filled circle.
    max_partners
        Columns per role, so the chart stays legible at thesis width.

    Returns
    -------
    FigureResult
        ``data`` columns ``row, col, dilemma, partner, role, weight, count, q_value,
        significant, reported``: one row per drawn circle (weight > 0), sorted by row, col;
        ``reported`` is True for the partners the pattern table lists.
    """
    patterns = result.patterns
    require_rows(patterns, "dilemma patterns")
    lang = language.lang
    measure = result.measure
    listed = result.dilemmas["dilemma"].tolist()
    dilemmas = [d for d in listed if d in set(patterns["dilemma"])]
    role_order = list(ROLES.values())
    columns = _partner_columns(patterns, role_order, max_partners)
    reported = {(d, p) for d, p in zip(patterns["dilemma"], patterns["code"], strict=True)}
    cells = patterns.rename(columns={"code": "partner"})[
        ["dilemma", "partner", "weight", "count", "q_value"]
    ]
    if cooc is not None:
        cells = _all_cells(cooc, dilemmas, [c for c, _ in columns], measure)
    cells = cells[cells["dilemma"].isin(dilemmas)]
    row_of = {d: i + 1 for i, d in enumerate(dilemmas)}
    col_of = {c: j + 1 for j, (c, _) in enumerate(columns)}
    role_of = dict(columns)
    cells = cells[cells["partner"].isin(col_of) & (cells["weight"] > 0)]
    data = pd.DataFrame(
        {
            "row": cells["dilemma"].map(row_of).astype(np.int64),
            "col": cells["partner"].map(col_of).astype(np.int64),
            "dilemma": cells["dilemma"],
            "partner": cells["partner"],
            "role": cells["partner"].map(role_of),
            "weight": cells["weight"].astype(float),
            "count": cells["count"].astype(np.int64),
            "q_value": cells["q_value"].astype(float),
            "significant": cells["q_value"].astype(float) < significance,
            "reported": [
                (d, p) in reported for d, p in zip(cells["dilemma"], cells["partner"], strict=True)
            ],
        },
        columns=PATTERN_CHART_COLUMNS,
    )
    data = data.sort_values(["row", "col"], ignore_index=True)
    names = _names(result)
    name_col = "name_zh" if lang == "zh" else "name_en"
    other = "name_en" if lang == "zh" else "name_zh"

    def label(code: str) -> str:
        entry = names.get(code, {})
        return entry.get(name_col) or entry.get(other) or code

    n_rows, n_cols = len(dilemmas), len(columns)
    w_max = float(data["weight"].max()) if len(data) else 1.0
    # Room for the rotated column labels on top and the legend below, whatever their length.
    longest = max((_columns(label(c)) for c, _ in columns), default=0)
    with print_style(language.font):
        fig = new_figure(width, 3.0 + _LABEL_CM * longest + _CELL_CM * (n_rows + 1))
        ax = fig.add_subplot()
        areas = _MAX_AREA * data["weight"].to_numpy() / w_max
        for significant, face in ((True, "#222222"), (False, "white")):
            mask = (data["significant"] == significant).to_numpy()
            ax.scatter(
                data.loc[mask, "col"],
                data.loc[mask, "row"],
                s=areas[mask],
                c=face,
                edgecolors="#222222",
                linewidths=0.6,
                zorder=3,
            )
        # Reported partners get a grey square behind the circle.
        top = data[data["reported"]]
        ax.scatter(top["col"], top["row"], s=150, marker="s", c="#E6E6E6", linewidths=0, zorder=1)
        boundary = sum(1 for _, role in columns if role == role_order[0])
        if 0 < boundary < n_cols:
            ax.axvline(boundary + 0.5, color="#888888", linewidth=0.6)
        for j, (_code, role) in enumerate(columns, start=1):
            ax.add_patch(_strip(j, family_for_role(role)))
        ax.set_xticks(range(1, n_cols + 1), [label(c) for c, _ in columns])
        ax.tick_params(axis="x", rotation=90, length=0)
        ax.set_yticks(range(1, n_rows + 1), [wrap_label(label(d), 30) for d in dilemmas])
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(0.4, n_cols + 0.6)
        ax.set_ylim(n_rows + 0.6, -0.2)
        ax.xaxis.tick_top()
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.text(
            (boundary + 1) / 2,
            n_rows + 0.9,
            text("elements", lang),
            ha="center",
            va="top",
            fontweight="bold",
        )
        if boundary < n_cols:
            ax.text(
                (boundary + n_cols + 1) / 2,
                n_rows + 0.9,
                text("strategies", lang),
                ha="center",
                va="top",
                fontweight="bold",
            )
        _legend(fig, lang, measure, w_max, significance)
        finish_figure(fig)
    caption = (
        f"Dilemma patterns: {n_rows} dilemmas (rows) and the {n_cols} elements and strategies "
        f"most often among their top {_top(patterns)} partners (columns, at most "
        f"{max_partners} per role); circle area is {measure}, filled circles "
        f"have q < {significance:g}, grey squares mark each dilemma's reported partners."
    )
    return FigureResult(fig, data, join_caption(caption, context))


def _columns(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _top(patterns: pd.DataFrame) -> int:
    return int(patterns["rank"].max()) if "rank" in patterns.columns and len(patterns) else 0


def family_for_role(role: str) -> str:
    """The code family whose colour marks a partner role (roles are named after families)."""
    return next((family for family, r in ROLES.items() if r == role), role)


def _partner_columns(
    patterns: pd.DataFrame, role_order: list[str], limit: int
) -> list[tuple[str, str]]:
    """(code, role) of the most often reported partners: by role, then count, then code."""
    counts = patterns.groupby(["role", "code"]).size().reset_index(name="n")
    counts["_role"] = counts["role"].map({r: i for i, r in enumerate(role_order)})
    counts = counts.sort_values(["_role", "n", "code"], ascending=[True, False, True])
    counts = counts.groupby("role", sort=False).head(limit)
    return list(zip(counts["code"], counts["role"], strict=True))


def _all_cells(
    cooc: pd.DataFrame, dilemmas: list[str], partners: list[str], measure: str
) -> pd.DataFrame:
    """Every (dilemma, partner) pair's measure, count and q-value, looked up in ``cooc``."""
    both = pd.concat(
        [
            cooc.rename(columns={"code_a": "dilemma", "code_b": "partner"}),
            cooc.rename(columns={"code_b": "dilemma", "code_a": "partner"}),
        ],
        ignore_index=True,
    )
    both = both[both["dilemma"].isin(dilemmas) & both["partner"].isin(partners)]
    return both.assign(weight=both[measure])[["dilemma", "partner", "weight", "count", "q_value"]]


def _names(result) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    for frame, key in ((result.dilemmas, "dilemma"), (result.patterns, "code")):
        for row in frame.itertuples(index=False):
            code = getattr(row, key)
            out.setdefault(
                code,
                {
                    "name_zh": str(row.name_zh or ""),
                    "name_en": str(row.name_en or ""),
                },
            )
    return out


def _strip(col: int, family: str):
    from matplotlib.patches import Rectangle

    return Rectangle(
        (col - 0.45, -0.15), 0.9, 0.22, facecolor=family_shade(family), linewidth=0, zorder=2
    )


def _legend(fig, lang: str, measure: str, w_max: float, significance: float) -> None:
    from matplotlib.lines import Line2D

    def circle(face: str, area: float, label: str) -> Line2D:
        return Line2D(
            [],
            [],
            linestyle="none",
            marker="o",
            markersize=float(np.sqrt(area)),
            markerfacecolor=face,
            markeredgecolor="#222222",
            markeredgewidth=0.6,
            label=label,
        )

    handles = [
        circle("#222222", _MAX_AREA * 0.6, text("significant", lang, alpha=f"{significance:g}")),
        circle("white", _MAX_AREA * 0.6, text("not significant", lang, alpha=f"{significance:g}")),
    ]
    for value in (w_max / 4, w_max / 2, w_max):
        handles.append(circle("#BBBBBB", _MAX_AREA * value / w_max, f"{measure} {value:.2f}"))
    handles += family_handles(["element", "strategy"], lang)
    fig.legend(handles=handles, loc="outside lower center", ncols=4, columnspacing=1.2)
