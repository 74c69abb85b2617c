"""Read corpus files (.txt .md .docx .pdf) into normalised text, detecting the encoding."""

from __future__ import annotations

import codecs
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from casekit.errors import IngestError
from casekit.text import normalize_newlines

__all__ = ["SUPPORTED_SUFFIXES", "SourceText", "decode_bytes", "read_source"]

SUPPORTED_SUFFIXES = (".txt", ".md", ".docx", ".pdf")


@dataclass(frozen=True)
class SourceText:
    """A file's text as stored: newlines normalised, BOM removed."""

    text: str
    encoding: str
    sha256: str
    cr_positions: tuple[int, ...] = ()


def _looks_binary(data: bytes) -> bool:
    # NUL bytes never occur in UTF-8 or GB18030 text (UTF-16 is recognised by its BOM first).
    return b"\x00" in data[:65536]


def _control_share(text: str) -> float:
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    return controls / max(len(text), 1)


def decode_bytes(data: bytes, origin: str) -> tuple[str, str]:
    """Decode ``data`` as UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030.

    Returns ``(text, encoding)``. ``origin`` names the file in error messages.
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        if _looks_binary(data):
            raise IngestError(f"{origin}: looks like a binary file (contains NUL bytes), not text")
        candidates = ["utf-8", "gb18030"]
    first_error: UnicodeDecodeError | None = None
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            # Report where the first (most likely intended) encoding broke.
            first_error = first_error or exc
            if encoding != candidates[-1]:
                continue
            exc = first_error
            line = data[: exc.start].count(b"\n") + 1
            raise IngestError(
                f"{origin}:{line}: cannot decode the file as UTF-8, UTF-16 or GB18030 "
                f"(bad byte at offset {exc.start}); save it as UTF-8 and ingest again"
            ) from exc
        if encoding == "gb18030" and not _plausible_gb18030(text):
            raise IngestError(
                f"{origin}: not valid UTF-8 and does not look like GB18030/GBK Chinese text; "
                "save it as UTF-8 and ingest again"
            )
        if _control_share(text) > 0.01:
            raise IngestError(f"{origin}: contains control characters; it looks binary, not text")
        return text, encoding
    raise AssertionError("unreachable")  # pragma: no cover


# Chinese punctuation that Unicode keeps outside the CJK blocks: quotes, dash, ellipsis, dot.
_CJK_GENERAL_PUNCTUATION = frozenset("\u2018\u2019\u201c\u201d\u2014\u2026\u00b7")


def _plausible_gb18030(text: str) -> bool:
    # Arbitrary bytes often decode as GB18030; real GBK text is mostly common CJK ideographs
    # and CJK punctuation.
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return True
    common = sum(
        1
        for ch in non_ascii
        if "\u4e00" <= ch <= "\u9fff"
        or "\u3000" <= ch <= "\u303f"
        or "\uff00" <= ch <= "\uffef"
        or ch in _CJK_GENERAL_PUNCTUATION
    )
    return common / len(non_ascii) > 0.8


def _read_docx(data: bytes, origin: str) -> str:
    import docx  # python-docx; imported here to keep start-up light

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several unrelated types for broken files
        raise IngestError(
            f"{origin}: cannot read this .docx ({exc.__class__.__name__}: {exc})"
        ) from exc
    return "\n".join(p.text for p in document.paragraphs)


def _read_pdf(data: bytes, origin: str) -> str:
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:  # pypdf raises many types for damaged files
        raise IngestError(
            f"{origin}: cannot read this .pdf ({exc.__class__.__name__}: {exc})"
        ) from exc
    text = "\n".join(pages)
    if not text.strip():
        raise IngestError(f"{origin}: the PDF has no text layer (a scan?); run OCR on it first")
    return text


def read_source(path: str | Path, *, origin: str | None = None) -> SourceText:
    """Read one corpus file and return its normalised text.

    Raises
    ------
    IngestError
        For unreadable, undecodable, binary or empty files, naming the file (and line).
    """
    path = Path(path)
    origin = origin or str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(
            f"{origin}: unsupported file type '{suffix}' (use {', '.join(SUPPORTED_SUFFIXES)})"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{origin}: cannot read: {exc.strerror}") from exc
    digest = hashlib.sha256(data).hexdigest()
    if suffix == ".docx":
        text, encoding = _read_docx(data, origin), "docx"
    elif suffix == ".pdf":
        text, encoding = _read_pdf(data, origin), "pdf"
    else:
        text, encoding = decode_bytes(data, origin)
    text, cr_positions = normalize_newlines(text)
    if not text.strip():
        raise IngestError(f"{origin}: the file is empty (no text to ingest)")
    return SourceText(text=text, encoding=encoding, sha256=digest, cr_positions=tuple(cr_positions))
