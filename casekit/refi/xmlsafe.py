"""Parse untrusted REFI-QDA XML safely: no DTDs, no entities, no network, bounded trees."""

from __future__ import annotations

import codecs
import re
from typing import Any

from casekit.refi.errors import RefiError

__all__ = ["REFI_NAMESPACE_PREFIX", "local_name", "parse_xml"]

# Every REFI-QDA namespace starts so: urn:QDA-XML:project:1.0, urn:QDA-XML:codebook:1.0 and
# the variants some tools write (urn:QDA-XML:codebook:0:4, ...:1:0).
REFI_NAMESPACE_PREFIX = "urn:QDA-XML:"
# A prolog longer than this (comments, processing instructions) is not a real export.
_PROLOG_LIMIT = 1 << 20
_PROLOG_ITEM = re.compile(r"\s*(<\?.*?\?>|<!--.*?-->)", re.DOTALL)


def _head_text(data: bytes) -> str:
    head = data[:_PROLOG_LIMIT]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="replace")
    if head[:2] in (b"<\x00", b"\x00<"):
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="replace")
    return head.decode("utf-8-sig", errors="replace")


def _check_prolog(data: bytes, origin: str) -> None:
    """Refuse a document type declaration before the parser sees it.

    libxml2 expands internal entities even with ``resolve_entities=False``, so a DTD (and with
    it "billion laughs" and external entities) must be rejected before parsing.
    """
    text = _head_text(data)
    pos = 0
    while True:
        match = _PROLOG_ITEM.match(text, pos)
        if match is None:
            break
        pos = match.end()
    rest = text[pos:].lstrip()
    if rest.startswith("<!DOCTYPE") or rest.startswith("<!ENTITY"):
        raise RefiError(
            f"{origin}: the XML declares a DTD (<!DOCTYPE ...>); REFI-QDA files never need one "
            "and casekit refuses DTDs and entities, which can read local files or exhaust "
            "memory. Nothing was imported"
        )
    if not rest.startswith("<"):
        raise RefiError(f"{origin}: not an XML file (no root element found); nothing was imported")


def parse_xml(data: bytes, origin: str) -> Any:
    """Parse ``data`` and return the root element; namespaces are left as written.

    Raises
    ------
    RefiError
        A DTD or entity declaration, or XML that is not well formed; ``origin`` (the file or
        archive member) and the line are named.
    """
    from lxml import etree

    _check_prolog(data, origin)
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", None)
        where = f"{origin}:{line}" if line else origin
        raise RefiError(f"{where}: not well-formed XML ({exc.msg}); nothing was imported") from exc
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise RefiError(f"{origin}: the XML declares a DTD; casekit refuses DTDs and entities")
    return root


def local_name(element: Any) -> str:
    """The tag without a REFI-QDA namespace; elements of other namespaces keep ``{ns}``."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    if tag.startswith("{" + REFI_NAMESPACE_PREFIX):
        return tag.split("}", 1)[1]
    return tag
