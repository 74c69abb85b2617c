"""Small text helpers shared by ingest, segmentation and coding: language detection, newlines."""

from __future__ import annotations

import re

__all__ = ["cjk_share", "detect_language", "normalize_newlines"]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def cjk_share(text: str) -> float:
    """Share of CJK ideographs among letters (CJK + Latin); 0.0 for text with neither."""
    n_cjk = len(_CJK.findall(text))
    n_latin = len(_LATIN.findall(text))
    return n_cjk / (n_cjk + n_latin) if n_cjk + n_latin else 0.0


def detect_language(text: str) -> str:
    """``"zh"`` when CJK ideographs make up at least a fifth of the letters, else ``"en"``.

    A Chinese text counts one letter per ideograph while English counts every Latin letter,
    so a fifth is already a text that is mostly Chinese.
    """
    return "zh" if cjk_share(text) >= 0.2 else "en"


def normalize_newlines(text: str) -> tuple[str, list[int]]:
    """Turn CRLF and lone CR into LF.

    Returns the normalised text and the offsets (in the normalised text) of every newline
    that was preceded by a removed CR, so offsets counted on the original can be mapped.
    """
    if "\r" not in text:
        return text, []
    out: list[str] = []
    cr_positions: list[int] = []
    i, n, pos = 0, len(text), 0
    while i < n:
        ch = text[i]
        if ch == "\r":
            if i + 1 < n and text[i + 1] == "\n":
                cr_positions.append(pos)
                i += 1
            out.append("\n")
        else:
            out.append(ch)
        pos += 1
        i += 1
    return "".join(out), cr_positions
