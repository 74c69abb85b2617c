"""Matplotlib SVG made fit to sit inline in an HTML page next to other figures."""

from __future__ import annotations

import re

__all__ = ["inline_svg"]

_PROLOGUE = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>", re.DOTALL)
_STYLE = re.compile(r"<style[^>]*>.*?</style>", re.DOTALL)
_ID = re.compile(r'(?<![\w-])id="([^"]+)"')
_HREF = re.compile(r'((?:xlink:)?href)="#([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")
_SIZE = re.compile(r'(<svg\b[^>]*?)\s(width|height)="[^"]*"')


def inline_svg(svg: str, prefix: str, *, label: str = "") -> str:
    """The ``<svg>`` element of a matplotlib SVG file, ready to inline in HTML.

    Removes the XML prologue, DOCTYPE, metadata, comments (matplotlib writes label text into
    them) and the global ``<style>`` (it would style the whole page); prefixes every id and
    reference with ``prefix`` so figures on one page cannot capture each other's glyphs or
    clip paths; drops the fixed width and height so CSS can scale it (the viewBox stays);
    adds ``role="img"`` and an escaped ``aria-label``.
    """
    from html import escape

    out = _PROLOGUE.sub("", svg)
    out = _COMMENT.sub("", out)
    out = _METADATA.sub("", out)
    out = _STYLE.sub("", out)
    out = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', out)
    out = _HREF.sub(lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', out)
    out = _URL.sub(lambda m: f"url(#{prefix}-{m.group(1)})", out)
    for _ in range(2):
        out = _SIZE.sub(r"\1", out, count=1)
    attributes = f' class="figure-svg" role="img" aria-label="{escape(label, quote=True)}"'
    out = out.replace("<svg ", "<svg" + attributes + " ", 1)
    return out.strip()
