"""Checks on the tidy frames analyses take, so a wrong input fails with a message that says why."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from casekit.errors import CasekitError

__all__ = ["check_same_unit", "require_columns"]


def require_columns(frame: pd.DataFrame, columns: Iterable[str], name: str) -> None:
    """Raise when ``frame`` lacks any of ``columns``; ``name`` says which input it is."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise CasekitError(
            f"{name} has no column {', '.join(repr(c) for c in missing)}; "
            f"build it with casekit.selection.{name}_frame"
        )


def check_same_unit(codings: pd.DataFrame, segments: pd.DataFrame) -> None:
    """Raise when codings were viewed at another unit than the segments they are counted over."""
    if "unit" not in codings.columns or "unit" not in segments.columns:
        return
    coded = set(codings["unit"].dropna().unique())
    universe = set(segments["unit"].dropna().unique())
    if coded and universe and not coded <= universe:
        raise CasekitError(
            f"codings are viewed at unit {', '.join(sorted(coded))} but the segments are "
            f"{', '.join(sorted(universe))}; call codings_frame(..., unit=...) with the same unit"
        )
