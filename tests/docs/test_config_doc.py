"""docs/config.md documents every casekit.toml key with its real default."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest

from casekit.config import DEFAULT_CONFIG
from tests.conftest import REPO_ROOT

PAGE = REPO_ROOT / "docs" / "config.md"
# Figure options that [figures] does not set: they come from [project] and [analysis].
FIGURE_FIELDS_FROM_ELSEWHERE = {"seed", "measure", "significance", "partners"}


def _keys(config: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out = []
    for key, value in config.items():
        if isinstance(value, dict):
            out += _keys(value, f"{prefix}{key}.")
        else:
            out.append((f"{prefix}{key}", value))
    return out


def _toml(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return str(value)


def _rows() -> dict[str, str]:
    """Table rows of the page by the key in their first cell."""
    rows = {}
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([a-z_.]+)` \|", line)
        if match:
            rows[match.group(1)] = line
    return rows


@pytest.mark.parametrize(("key", "default"), _keys(DEFAULT_CONFIG))
def test_every_default_key_is_documented_with_its_default(key: str, default: Any) -> None:
    rows = _rows()
    assert key in rows, f"docs/config.md has no table row for `{key}`"
    if key != "project.name":  # the folder name, written by casekit init
        assert f"`{_toml(default)}`" in rows[key], f"{key}: default {_toml(default)} not shown"


def test_optional_figure_keys_are_documented() -> None:
    from casekit.figures import FigureOptions

    rows = _rows()
    defaults = {f.name: f.default for f in dataclasses.fields(FigureOptions)}
    optional = set(defaults) - set(DEFAULT_CONFIG["figures"]) - FIGURE_FIELDS_FROM_ELSEWHERE
    assert optional, "FigureOptions has keys beyond the written defaults"
    for name in sorted(optional):
        assert f"figures.{name}" in rows, f"docs/config.md has no row for `figures.{name}`"
        assert f"`{_toml(defaults[name])}`" in rows[f"figures.{name}"], name


def test_no_row_for_a_key_casekit_does_not_read() -> None:
    from casekit.figures import FigureOptions

    known = {key for key, _ in _keys(DEFAULT_CONFIG)}
    known |= {f"figures.{f.name}" for f in dataclasses.fields(FigureOptions)}
    assert set(_rows()) - known == set()
