"""Words on figures in Chinese or English: code names, family names and axis texts."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

from casekit.codebook.model import family_color

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "FAMILY_ORDER",
    "code_families",
    "code_labels",
    "family_label",
    "family_rank",
    "family_shade",
    "linkage_name",
    "text",
    "unit_label",
    "wrap_label",
]

# Families in the order figures list them: structure, then dilemmas, then coping strategies.
FAMILY_ORDER: tuple[str, ...] = ("element", "dilemma", "strategy", "mechanism")

_FAMILY_NAMES: dict[str, dict[str, str]] = {
    "element": {"zh": "结构要素", "en": "Structuring elements"},
    "dilemma": {"zh": "困境", "en": "Dilemmas"},
    "strategy": {"zh": "应对策略", "en": "Strategies"},
    "mechanism": {"zh": "作用机制", "en": "Mechanisms"},
}

_TEXT: dict[str, dict[str, str]] = {
    "segments": {"zh": "编码片段数", "en": "Coded segments"},
    "share": {"zh": "片段占比", "en": "Share of segments"},
    "frequency": {"zh": "频次", "en": "Frequency"},
    "community": {"zh": "社群", "en": "Community"},
    "other communities": {"zh": "其他社群", "en": "Other communities"},
    "family": {"zh": "编码类别", "en": "Code family"},
    "node size": {"zh": "节点大小 = 编码片段数", "en": "Node size = coded segments"},
    "edge width": {"zh": "连线粗细 = {measure}", "en": "Edge width = {measure}"},
    "significant": {"zh": "q < {alpha} (显著)", "en": "q < {alpha} (significant)"},
    "not significant": {"zh": "q ≥ {alpha}", "en": "q ≥ {alpha}"},
    "residual": {"zh": "调整后标准化残差", "en": "Adjusted standardised residual"},
    "distance": {
        "zh": "Jaccard 距离 (1 − J)，{method} 连接",
        "en": "Jaccard distance (1 − J), {method} linkage",
    },
    "dimension": {"zh": "维度 {k} ({share:.1f}%)", "en": "Dimension {k} ({share:.1f}%)"},
    "elements": {"zh": "结构要素", "en": "Elements"},
    "strategies": {"zh": "应对策略", "en": "Strategies"},
    "dilemmas": {"zh": "困境", "en": "Dilemmas"},
    "cluster": {"zh": "类 {k}", "en": "Cluster {k}"},
    "codes": {"zh": "编码", "en": "Codes"},
    "categories": {"zh": "编码类属", "en": "Categories"},
    "not shown": {"zh": "{n} 个无连线编码未显示", "en": "{n} codes without edges not shown"},
}

_UNITS: dict[str, dict[str, str]] = {
    "turn": {"zh": "话轮", "en": "turns"},
    "paragraph": {"zh": "段落", "en": "paragraphs"},
    "sentence": {"zh": "句子", "en": "sentences"},
    "article": {"zh": "条款", "en": "articles"},
    "segment": {"zh": "片段", "en": "segments"},
}


def text(key: str, lang: str, **values: object) -> str:
    """The figure text ``key`` in ``lang`` with ``values`` filled in."""
    entry = _TEXT[key]
    return (entry.get(lang) or entry["en"]).format(**values)


_LINKAGES = {"average": "平均", "complete": "完全", "single": "单", "weighted": "加权"}


def linkage_name(method: str, lang: str) -> str:
    """A hierarchical-clustering linkage method in ``lang``."""
    return _LINKAGES.get(method, method) if lang == "zh" else method


def unit_label(unit: str, lang: str) -> str:
    """The plural name of a segmentation unit (``paragraphs`` / ``段落``)."""
    names = _UNITS.get(unit)
    return (names.get(lang) or names["en"]) if names else unit


def family_label(family: str, lang: str) -> str:
    """The display name of a code family (the family id itself for user-defined families)."""
    names = _FAMILY_NAMES.get(family)
    if names is None:
        return family
    return names.get(lang) or names["en"]


def family_rank(family: str) -> tuple[int, str]:
    """Sort key putting families in ``FAMILY_ORDER``, unknown ones after, alphabetically."""
    return (FAMILY_ORDER.index(family) if family in FAMILY_ORDER else len(FAMILY_ORDER), family)


def family_shade(family: str) -> str:
    """The family colour (the same in every figure and export)."""
    return family_color(family or "")


def code_labels(codes: Iterable[str], codes_meta: pd.DataFrame, lang: str) -> dict[str, str]:
    """Code -> its name in ``lang`` (falling back to the other language, then the code id)."""
    meta = codes_meta.set_index("code") if "code" in codes_meta.columns else None
    first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    out: dict[str, str] = {}
    for code in codes:
        label = ""
        if meta is not None and code in meta.index:
            for column in (first, second):
                value = meta.at[code, column] if column in meta.columns else None
                if isinstance(value, str) and value.strip():
                    label = value.strip()
                    break
        out[code] = label or str(code)
    return out


def code_families(codes: Iterable[str], codes_meta: pd.DataFrame) -> dict[str, str]:
    """Code -> its family (``""`` when unknown)."""
    meta = codes_meta.set_index("code") if "family" in codes_meta.columns else None
    out: dict[str, str] = {}
    for code in codes:
        value = meta.at[code, "family"] if meta is not None and code in meta.index else ""
        out[code] = value if isinstance(value, str) else ""
    return out


def _width(chars: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in chars)


def wrap_label(label: str, width: int = 28) -> str:
    """Break a long label into lines of at most ``width`` columns (a Chinese character is two).

    English breaks at spaces; Chinese, which has none, between characters.
    """
    if _width(label) <= width:
        return label
    lines: list[str] = []
    current = ""
    tokens = label.split(" ") if " " in label else list(label)
    joiner = " " if " " in label else ""
    for token in tokens:
        candidate = f"{current}{joiner}{token}" if current else token
        if current and _width(candidate) > width:
            lines.append(current)
            current = token
        else:
            current = candidate
    if current:
        lines.append(current)
    return "\n".join(lines)
