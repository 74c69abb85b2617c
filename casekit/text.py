"""Small text helpers shared by ingest, segmentation and coding: language detection, newlines."""

from __future__ import annotations

import re
from typing import Literal

__all__ = ["detect_language", "normalize_newlines"]

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
# Enough text to decide; scanning a whole book for one answer is waste.
_DETECT_SAMPLE = 4000
# Share of CJK ideographs among CJK + Latin letters from which a text counts as Chinese.
# A Chinese character carries about as much as a short English word, so Chinese text that
# quotes acronyms (API, GDP) stays Chinese, and English that cites 一网通办 stays English.
_ZH_THRESHOLD = 0.3


def detect_language(text: str, *, default: Literal["zh", "en"] = "zh") -> Literal["zh", "en"]:
    """Guess whether ``text`` is Chinese or English from its share of CJK characters.

    Parameters
    ----------
    text
        Any text; only the first few thousand characters are looked at.
    default
        The answer for text with neither CJK characters nor Latin letters.

    Returns
    -------
    str
        ``"zh"`` when CJK ideographs make up at least 30% of the CJK + Latin letters,
        otherwise ``"en"``.

    Examples
    --------
    >>> detect_language("我们用API对接了省平台的数据接口")
    'zh'
    >>> detect_language("The 一网通办 reform let citizens apply online.")
    'en'
    """
    sample = text[:_DETECT_SAMPLE]
    n_cjk = len(_CJK.findall(sample))
    n_latin = len(_LATIN.findall(sample))
    if n_cjk + n_latin == 0:
        return default
    return "zh" if n_cjk / (n_cjk + n_latin) >= _ZH_THRESHOLD else "en"


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
