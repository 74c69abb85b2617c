"""Deterministic label placement: nudge text boxes apart until they no longer overlap."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.text import Annotation

__all__ = ["count_overlaps", "spread_labels"]


def _boxes(ax: Axes, labels: Sequence[Annotation]) -> np.ndarray:
    """``(n, 4)`` array of ``x0, y0, x1, y1`` in display pixels."""
    from matplotlib.text import Text

    # Figures from ``new_figure`` carry an Agg canvas, which has a renderer.
    renderer = ax.figure.canvas.get_renderer()  # type: ignore[attr-defined]
    out = np.empty((len(labels), 4))
    for i, label in enumerate(labels):
        # The text alone (an Annotation's own extent includes its leader line), placed where
        # its current offset puts it.
        label.update_positions(renderer)
        box = Text.get_window_extent(label, renderer)
        out[i] = (box.x0, box.y0, box.x1, box.y1)
    return out


def _overlaps(a: np.ndarray, b: np.ndarray, pad: float) -> tuple[np.ndarray, np.ndarray]:
    """Pairwise overlap widths in x and y (<= 0 where boxes are apart)."""
    ox = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]) + pad
    oy = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]) + pad
    return ox, oy


def count_overlaps(ax: Axes, labels: Sequence[Annotation]) -> int:
    """Pairs of ``labels`` whose boxes overlap (used by tests and to report crowding)."""
    if len(labels) < 2:
        return 0
    boxes = _boxes(ax, labels)
    ox, oy = _overlaps(boxes, boxes, 0.0)
    hit = (ox > 0) & (oy > 0)
    return int(np.triu(hit, k=1).sum())


def spread_labels(
    ax: Axes,
    labels: Sequence[Annotation],
    *,
    obstacles: np.ndarray | None = None,
    bounds: tuple[float, float, float, float] | None = None,
    iterations: int = 500,
    pad_pt: float = 2.5,
) -> np.ndarray:
    """Move annotation texts (``textcoords="offset points"``) apart; return their moves in points.

    Each round, every overlapping pair is pushed apart along the axis where they overlap
    least, half the overlap each; labels are also pushed off ``obstacles`` (fixed ``x0, y0,
    x1, y1`` boxes in display pixels, e.g. the markers) and kept inside ``bounds`` (a box in
    display pixels; default: the axes). Pure arithmetic on the measured boxes, so the result
    is the same on every run. Stops early once nothing overlaps.

    The figure must not be laid out again afterwards (set its layout engine to ``"none"``),
    or the anchors move while the offsets stay.
    """
    n = len(labels)
    if n == 0:
        return np.zeros((0, 2))
    dpi = ax.figure.dpi
    pad = pad_pt * dpi / 72.0
    boxes = _boxes(ax, labels)
    start = boxes.copy()
    fixed = np.zeros((0, 4)) if obstacles is None else np.asarray(obstacles, dtype=float)
    order = np.arange(n)
    if bounds is None:
        frame = ax.get_window_extent()
        bounds = (frame.x0, frame.y0, frame.x1, frame.y1)
    limits = np.asarray(bounds, dtype=float)
    # Label-label overlaps matter most: obstacles only push during the first rounds.
    obstacle_rounds = int(iterations * 0.6)
    for step in range(iterations):
        move = np.zeros((n, 2))
        ox, oy = _overlaps(boxes, boxes, pad)
        hit = (ox > 0) & (oy > 0)
        np.fill_diagonal(hit, False)
        cx = (boxes[:, 0] + boxes[:, 2]) / 2
        cy = (boxes[:, 1] + boxes[:, 3]) / 2
        if hit.any():
            # Direction from j to i; exact ties are broken by index so runs are repeatable.
            dx = np.sign(cx[:, None] - cx[None, :])
            dy = np.sign(cy[:, None] - cy[None, :])
            tie = np.sign(order[:, None] - order[None, :]).astype(float)
            dx = np.where(dx == 0, tie, dx)
            dy = np.where(dy == 0, tie, dy)
            along_y = oy <= ox
            move[:, 1] += np.where(hit & along_y, dy * oy / 2, 0.0).sum(axis=1)
            move[:, 0] += np.where(hit & ~along_y, dx * ox / 2, 0.0).sum(axis=1)
        if len(fixed) and step < obstacle_rounds:
            fx, fy = _overlaps(boxes, fixed, pad)
            fhit = (fx > 0) & (fy > 0)
            if fhit.any():
                fcx = (fixed[:, 0] + fixed[:, 2]) / 2
                fcy = (fixed[:, 1] + fixed[:, 3]) / 2
                dx = np.where(cx[:, None] >= fcx[None, :], 1.0, -1.0)
                dy = np.where(cy[:, None] >= fcy[None, :], 1.0, -1.0)
                along_y = fy <= fx
                move[:, 1] += np.where(fhit & along_y, dy * fy / 2, 0.0).sum(axis=1)
                move[:, 0] += np.where(fhit & ~along_y, dx * fx / 2, 0.0).sum(axis=1)
        if not move.any():
            break
        boxes[:, [0, 2]] += move[:, [0]]
        boxes[:, [1, 3]] += move[:, [1]]
        _clamp(boxes, limits)
    shift_pt = (boxes[:, :2] - start[:, :2]) * 72.0 / dpi
    for label, (sx, sy) in zip(labels, shift_pt, strict=True):
        x, y = label.xyann
        label.xyann = (x + sx, y + sy)
    return shift_pt


def _clamp(boxes: np.ndarray, limits: np.ndarray) -> None:
    """Shift boxes back inside ``limits`` (in place), keeping their size."""
    low_x = np.maximum(limits[0] - boxes[:, 0], 0.0) - np.maximum(boxes[:, 2] - limits[2], 0.0)
    low_y = np.maximum(limits[1] - boxes[:, 1], 0.0) - np.maximum(boxes[:, 3] - limits[3], 0.0)
    boxes[:, [0, 2]] += low_x[:, None]
    boxes[:, [1, 3]] += low_y[:, None]
