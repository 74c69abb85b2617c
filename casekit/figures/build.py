"""Every thesis figure from one selection of codings: the catalogue, rendering and saving."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from casekit.errors import CasekitError
from casekit.figures.base import FigureResult, format_count
from casekit.figures.catalog import FIGURE_NAMES, check_figure_names
from casekit.figures.labels import unit_label
from casekit.figures.save import FORMATS, PNG_DPI, parse_formats, save_figure
from casekit.figures.style import LabelLanguage, Width, resolve_language

if TYPE_CHECKING:
    from casekit.project import Project

__all__ = [
    "FIGURES",
    "FigureBuild",
    "FigureData",
    "FigureOptions",
    "FigureOutput",
    "build_figures",
    "figure_data_from_frames",
    "load_figure_data",
    "render_figures",
    "top_codes_per_family",
]

Source = Literal["auto", "manual", "all"]


@dataclass(frozen=True)
class FigureData:
    """The selection every figure is drawn from: codings and segments at one unit, and codes.

    Build it with :func:`load_figure_data` (from a project) or directly from the frames of
    ``casekit.selection``.
    """

    codings: pd.DataFrame
    segments: pd.DataFrame
    codes: pd.DataFrame
    unit: str
    source: str = "all"
    coders: tuple[str, ...] = ()

    def describe(self) -> str:
        """One sentence naming the codings and the unit, for captions."""
        if self.coders:
            kind = {"auto": "Automatic codings", "manual": "Manual codings"}.get(
                self.source, "Codings"
            )
            who = f"{kind} by {', '.join(self.coders)}"
        else:
            who = _SOURCE_WORDS.get(self.source, self.source)
        n_docs = self.segments["document"].nunique() if "document" in self.segments else 0
        units = (
            self.segments["unit"].value_counts()
            if "unit" in self.segments and len(self.segments)
            else pd.Series({self.unit: len(self.segments)})
        )
        counted = [
            (self.unit, int(units.get(self.unit, 0))),
            *sorted((str(u), int(n)) for u, n in units.items() if u != self.unit),
        ]
        others = [u for u, _ in counted[1:]]
        where = f" ({' / '.join(others)} where a document has no {unit_label(self.unit, 'en')})"
        sizes = " and ".join(f"{format_count(n)} {unit_label(u, 'en')}" for u, n in counted if n)
        return (
            f"{who}; unit: {self.unit}{where if others else ''}; "
            f"{sizes or '0 segments'} in {format_count(n_docs)} documents."
        )


_SOURCE_WORDS = {
    "auto": "Automatic codings (rules)",
    "manual": "Manual codings",
    "all": "All codings (automatic and manual)",
}


@dataclass(frozen=True)
class FigureOptions:
    """How figures are drawn. Every field can be set in ``[figures]`` of ``casekit.toml``.

    Attributes
    ----------
    lang
        ``"zh"`` or ``"en"`` labels (``zh`` falls back to ``en`` without a CJK font).
    formats
        Files written per figure, from ``pdf, svg, png``.
    dpi
        Resolution of PNG files.
    width
        ``"full"`` (16 cm), ``"half"`` (7.8 cm) or centimetres.
    seed
        Seed of the network layout and the Louvain communities.
    measure
        Co-occurrence measure of the heatmap, network and dilemma patterns.
    significance
        Benjamini-Hochberg q-value threshold (network edges, filled markers).
    top_per_family
        Bars per family in the frequency chart.
    heatmap_per_family
        Most frequent codes per family in the heatmap and the dendrogram.
    network_edges
        Strongest significant edges kept in the network.
    network_color
        ``"family"`` or ``"community"``.
    group_by
        Attribute of the frequency panels and the correspondence map.
    attribute
        Attribute of the residual matrix.
    linkage, clusters
        Dendrogram linkage method and the number of clusters it is cut into.
    partners
        Partners per dilemma and role in the dilemma patterns.
    """

    lang: str = "zh"
    formats: tuple[str, ...] = FORMATS
    dpi: int = PNG_DPI
    width: Width = "full"
    seed: int = 20221
    measure: str = "jaccard"
    significance: float = 0.05
    top_per_family: int = 12
    heatmap_per_family: int = 10
    network_edges: int = 60
    network_color: Literal["family", "community"] = "family"
    group_by: str = "doc_type"
    attribute: str = "level"
    linkage: str = "average"
    clusters: int = 5
    partners: int = 3

    @classmethod
    def from_config(cls, config: dict[str, Any], **overrides: Any) -> FigureOptions:
        """Options from a project configuration.

        ``project.seed``; ``measure``, ``alpha`` (as ``significance``) and ``top`` (as
        ``partners``) from ``[analysis]``, so figures match ``casekit analyze``; then any
        field of this class set in ``[figures]`` (``lang``, ``formats``, ``dpi``, ``width``
        ...; other keys there are left to their owners). ``overrides`` (command-line flags)
        win when not None.
        """
        analysis = config.get("analysis", {}) or {}
        values: dict[str, Any] = {"seed": config.get("project", {}).get("seed", cls.seed)}
        for key, name in (("measure", "measure"), ("alpha", "significance"), ("top", "partners")):
            if key in analysis:
                values[name] = analysis[key]
        known = {f.name for f in fields(cls)}
        values.update({k: v for k, v in (config.get("figures", {}) or {}).items() if k in known})
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "formats" in values:
            values["formats"] = parse_formats(values["formats"])
        return cls(**values)


@dataclass(frozen=True)
class FigureOutput:
    """One figure written to disk: its name, files, caption line and the data behind it."""

    name: str
    files: tuple[Path, ...]
    caption: str
    data: pd.DataFrame = field(repr=False)


@dataclass(frozen=True)
class FigureBuild:
    """What :func:`build_figures` wrote, the label language used and any warnings."""

    outputs: list[FigureOutput]
    lang: str
    warnings: list[str]

    @property
    def files(self) -> list[Path]:
        return [path for output in self.outputs for path in output.files]

    @property
    def captions(self) -> dict[str, str]:
        return {output.name: output.caption for output in self.outputs}


class _Analyses:
    """The analyses figures share, computed once per build and only when needed."""

    def __init__(self, data: FigureData, options: FigureOptions) -> None:
        self.data = data
        self.options = options

    @functools.cached_property
    def frequencies(self) -> pd.DataFrame:
        from casekit.analysis.frequencies import code_frequencies

        return code_frequencies(self.data.codings, self.data.segments)

    @functools.cached_property
    def cooccurrence(self) -> pd.DataFrame:
        from casekit.analysis.cooccurrence import code_cooccurrence
        from casekit.analysis.matrix import segment_code_matrix

        return code_cooccurrence(segment_code_matrix(self.data.codings, self.data.segments))

    @functools.cached_property
    def clusters(self):
        from casekit.analysis.clusters import cluster_codes
        from casekit.analysis.matrix import segment_code_matrix

        codes = top_codes_per_family(self.frequencies, self.options.heatmap_per_family)
        if len(codes) < 2:
            raise CasekitError("clustering needs at least two coded codes")
        matrix = segment_code_matrix(self.data.codings, self.data.segments, codes=codes)
        return cluster_codes(
            matrix, method=self.options.linkage, n_clusters=min(self.options.clusters, len(codes))
        )

    @functools.cached_property
    def network(self):
        from casekit.analysis.network import build_code_network

        return build_code_network(
            self.cooccurrence,
            self.frequencies,
            self.data.codes,
            measure=self.options.measure,
            significant=self.options.significance,
            top_edges=self.options.network_edges,
        )

    @functools.cached_property
    def patterns(self):
        from casekit.analysis.patterns import dilemma_patterns

        return dilemma_patterns(
            self.data.codings,
            self.data.segments,
            self.data.codes,
            unit=self.data.unit,
            measure=self.options.measure,
            top=self.options.partners,
            n_quotes=0,
        )

    def categories(self) -> pd.DataFrame:
        """Codings with each code replaced by its top-level category."""
        codings = self.data.codings
        return codings.assign(code=codings["category"].fillna(codings["code"]))


def top_codes_per_family(frequencies: pd.DataFrame, k: int) -> list[str]:
    """The ``k`` most frequent coded codes of each family (ties by code), sorted by code."""
    coded = frequencies[frequencies["segments"] > 0]
    ranked = coded.assign(family=coded["family"].fillna("")).sort_values(
        ["segments", "code"], ascending=[False, True], kind="stable"
    )
    return sorted(ranked.groupby("family", sort=True).head(k)["code"].tolist())


Builder = Callable[[_Analyses, LabelLanguage], FigureResult]


def _frequencies(a: _Analyses, language: LabelLanguage) -> FigureResult:
    from casekit.figures.frequencies import plot_code_frequencies

    return plot_code_frequencies(
        a.frequencies,
        a.data.codes,
        language=language,
        top=a.options.top_per_family,
        unit=a.data.unit,
        width=a.options.width,
        context=a.data.describe(),
    )


def _frequencies_by_group(a: _Analyses, language: LabelLanguage) -> FigureResult:
    from casekit.analysis.frequencies import code_frequencies
    from casekit.figures.frequencies import plot_frequencies_by_group

    by = a.options.group_by
    frequencies = code_frequencies(a.categories(), a.data.segments, by=by)
    return plot_frequencies_by_group(
        frequencies,
        a.data.codes,
        by=by,
        rows_name="categories",
        language=language,
        unit=a.data.unit,
        width=a.options.width,
        context=a.data.describe(),
    )


def _heatmap(a: _Analyses, language: LabelLanguage) -> FigureResult:
    from casekit.figures.heatmap import plot_cooccurrence_heatmap

    return plot_cooccurrence_heatmap(
        a.cooccurrence,
        a.clusters,
        a.data.codes,
        measure=a.options.measure,
        significance=a.options.significance,
        language=language,
        width=a.options.width,
        context=f"The {a.options.heatmap_per_family} most frequent codes of each family. "
        + a.data.describe(),
    )


def _network(a: _Analyses, language: LabelLanguage) -> FigureResult:
    from casekit.analysis.communities import detect_communities
    from casekit.figures.network import plot_code_network

    communities = detect_communities(a.network, seed=a.options.seed)
    return plot_code_network(
        a.network,
        seed=a.options.seed,
        color_by=a.options.network_color,
        communities=communities,
        language=language,
        width=a.options.width,
        context=f"Edges: the {a.options.network_edges} strongest pairs with q < "
        f"{a.options.significance:g}. " + a.data.describe(),
    )


def _patterns(a: _Analyses, language: LabelLanguage) -> FigureResult:
    from casekit.figures.patterns import plot_dilemma_patterns

    return plot_dilemma_patterns(
        a.patterns,
        cooc=a.cooccurrence,
        significance=a.options.significance,
        language=language,
        width=a.options.width,
        context=a.data.describe(),
    )


def _attribute(a: _Analyses, language: LabelLanguage) -> FigureResult:
    from casekit.analysis.crosstab import code_crosstab
    from casekit.figures.attributes import plot_attribute_residuals

    crosstab = code_crosstab(
        a.data.codings, a.data.segments, cols=a.options.attribute, rows="category"
    )
    return plot_attribute_residuals(
        crosstab,
        a.data.codes,
        language=language,
        width=a.options.width,
        context=a.data.describe(),
    )


def _dendrogram(a: _Analyses, language: LabelLanguage) -> FigureResult:
    from casekit.figures.dendrogram import plot_code_dendrogram

    return plot_code_dendrogram(
        a.clusters,
        a.data.codes,
        language=language,
        width=a.options.width,
        context=f"The {a.options.heatmap_per_family} most frequent codes of each family. "
        + a.data.describe(),
    )


def _correspondence(a: _Analyses, language: LabelLanguage) -> FigureResult:
    from casekit.analysis.correspondence import correspondence_analysis
    from casekit.analysis.crosstab import code_crosstab
    from casekit.figures.correspondence import plot_correspondence_map

    by = a.options.group_by
    table = code_crosstab(a.data.codings, a.data.segments, cols=by, rows="category").observed
    return plot_correspondence_map(
        correspondence_analysis(table),
        a.data.codes,
        by=by,
        rows_name="categories",
        language=language,
        width=a.options.width,
        context=a.data.describe(),
    )


# Figure name -> builder, in the order of ``FIGURE_NAMES`` (the catalogue, with descriptions).
FIGURES: dict[str, Builder] = {
    "code-frequencies": _frequencies,
    "frequencies-by-group": _frequencies_by_group,
    "cooccurrence-heatmap": _heatmap,
    "code-network": _network,
    "dilemma-patterns": _patterns,
    "attribute-residuals": _attribute,
    "code-dendrogram": _dendrogram,
    "correspondence-map": _correspondence,
}
assert tuple(FIGURES) == FIGURE_NAMES, "keep FIGURES in step with casekit.figures.catalog"


def _chosen(names: Sequence[str] | None) -> list[str]:
    if not names:
        return list(FIGURES)
    check_figure_names(names)
    return [name for name in FIGURES if name in names]


def render_figures(
    data: FigureData,
    *,
    names: Sequence[str] | None = None,
    options: FigureOptions | None = None,
) -> tuple[list[tuple[str, FigureResult]], LabelLanguage, list[str]]:
    """Draw figures in memory.

    Figures named explicitly must succeed; when drawing all of them, one that cannot be
    drawn from this selection (e.g. no dilemma codings) is skipped with a warning.

    Returns
    -------
    ``(name, FigureResult)`` pairs in catalogue order, the label language used (its font is
    needed to save), and warnings (missing CJK font, skipped figures).
    """
    options = options or FigureOptions()
    chosen = _chosen(names)
    language = resolve_language(options.lang)
    warnings = list(language.warnings)
    analyses = _Analyses(data, options)
    results = []
    for name in chosen:
        builder = FIGURES[name]
        try:
            results.append((name, builder(analyses, language)))
        except CasekitError as exc:
            if names:
                raise CasekitError(f"figure {name}: {exc}") from exc
            warnings.append(f"figure {name} not drawn: {exc}")
    return results, language, warnings


def build_figures(
    data: FigureData,
    out_dir: str | Path,
    *,
    names: Sequence[str] | None = None,
    options: FigureOptions | None = None,
) -> FigureBuild:
    """Draw figures and write each as ``<out_dir>/<name>.<format>``.

    Parameters
    ----------
    data
        The selection (:func:`load_figure_data`).
    out_dir
        Folder for the files (created when missing), e.g. ``outputs/figures``.
    names
        Figures to build (keys of ``FIGURES``); default: all.
    options
        :class:`FigureOptions`; default: the documented defaults.

    Returns
    -------
    FigureBuild
        Files written per figure with its caption line, the label language actually used
        and warnings to show the user.

    Examples
    --------
    >>> build = build_figures(load_figure_data(project), "outputs/figures")  # doctest: +SKIP
    >>> build.captions["code-network"]  # doctest: +SKIP
    """
    options = options or FigureOptions()
    results, language, warnings = render_figures(data, names=names, options=options)
    out = Path(out_dir)
    outputs = []
    for name, result in results:
        files = save_figure(
            result.figure, out / name, options.formats, font=language.font, dpi=options.dpi
        )
        outputs.append(FigureOutput(name, tuple(files), result.caption, result.data))
    return FigureBuild(outputs, language.lang, warnings)


def figure_data_from_frames(
    codings: pd.DataFrame,
    segments: pd.DataFrame,
    codes: pd.DataFrame,
    *,
    unit: str,
    source: str = "all",
    coders: Sequence[str] = (),
) -> FigureData:
    """A :class:`FigureData` from ready frames (codings and segments at ``unit``)."""
    return FigureData(codings, segments, codes, unit, source, tuple(coders))


def load_figure_data(
    project: Project,
    *,
    unit: str | None = None,
    source: Source | None = None,
    coders: Sequence[str] | None = None,
) -> FigureData:
    """Read the codings, segments and codes figures are drawn from, at one unit.

    Parameters
    ----------
    project
        An open project.
    unit
        Segment unit counted over; default: ``[analysis] unit`` of ``casekit.toml``.
    source
        ``"auto"``, ``"manual"`` or ``"all"`` codings; default: ``[analysis] source``.
    coders
        Keep only these coders' codings (``rules`` is the automatic coder); default:
        ``[analysis] coders``.

    Raises
    ------
    CasekitError
        For an unknown coder, or when the project has no codings in this selection.
    """
    from casekit.selection import load_selection

    settings = project.config["analysis"]
    selected = load_selection(
        project, unit=unit, source=source, coders=tuple(coders or ()), level=None
    )
    return FigureData(
        selected.codings,
        selected.segments,
        selected.codes,
        selected.unit,
        source or settings["source"],
        tuple(coders or settings["coders"]),
    )
