"""docs/figures.md names every figure and every [figures] option."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

from casekit.figures.build import FigureOptions
from casekit.figures.catalog import FIGURE_NAMES

DOC = Path(__file__).resolve().parents[2] / "docs" / "figures.md"
# Options taken from [analysis] and [project] rather than [figures].
ELSEWHERE = {"seed", "measure", "significance", "partners"}


def test_every_figure_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for name in FIGURE_NAMES:
        assert f"| `{name}` |" in doc, name


def test_every_option_is_documented() -> None:
    doc = DOC.read_text(encoding="utf-8")
    for field in fields(FigureOptions):
        if field.name not in ELSEWHERE:
            assert f"| `{field.name}` |" in doc, field.name
