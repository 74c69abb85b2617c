"""Where an imported span attaches: the segment of the coding unit holding it, or the nearest fit."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

__all__ = ["SegmentIndex"]


@dataclass
class SegmentIndex:
    """A document's segments by unit, for placing spans."""

    units: dict[str, list[tuple[int, int, int]]]  # unit -> [(start, end, idx)] sorted
    default: str
    starts: dict[str, list[int]] = field(init=False)

    def __post_init__(self) -> None:
        self.starts = {unit: [s[0] for s in segs] for unit, segs in self.units.items()}

    def place(self, start: int, end: int) -> tuple[str, int]:
        """``(unit, idx)`` of the segment a span attaches to.

        The segment of the document's coding unit (turns, else paragraphs) holding the span;
        else the smallest segment of any unit holding it; else the first segment the span
        overlaps; else the nearest (a span on blank lines between segments).
        """
        order = [self.default, *sorted(u for u in self.units if u != self.default)]
        best = None
        for unit in order:
            hit = self._containing(unit, start, end)
            if hit is not None:
                if unit == self.default:
                    return unit, hit[2]
                if best is None or hit[1] - hit[0] < best[1][1] - best[1][0]:
                    best = (unit, hit)
        if best is not None:
            return best[0], best[1][2]
        for unit in order:
            segs = self.units.get(unit, [])
            i = max(bisect.bisect_right(self.starts.get(unit, []), start) - 1, 0)
            while i < len(segs) and segs[i][0] < max(end, start + 1):
                if segs[i][1] > start:
                    return unit, segs[i][2]
                i += 1
        for unit in order:
            segs = self.units.get(unit, [])
            if segs:
                nearest = min(segs, key=lambda s: min(abs(s[0] - start), abs(s[1] - start)))
                return unit, nearest[2]
        raise AssertionError("a document with text has segments")  # pragma: no cover

    def _containing(self, unit: str, start: int, end: int) -> tuple[int, int, int] | None:
        segs = self.units.get(unit, [])
        i = bisect.bisect_right(self.starts.get(unit, []), start) - 1
        if i >= 0 and segs[i][0] <= start and end <= segs[i][1]:
            return segs[i]
        return None
