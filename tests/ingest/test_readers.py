from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest

from casekit.errors import IngestError
from casekit.ingest.readers import decode_bytes, read_source
from casekit.text import detect_language, normalize_newlines

TEXT = "问：数据共享难在哪里？\n答：标准不统一。"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("utf-16"), "utf-16"),
        (TEXT.encode("gb18030"), "gb18030"),
        (TEXT.encode("gbk"), "gb18030"),
    ],
)
def test_encodings_are_detected(data: bytes, encoding: str) -> None:
    assert decode_bytes(data, "f.txt") == (TEXT, encoding)


def test_crlf_is_normalised_and_mapped(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"ab\r\ncd\re\n")
    source = read_source(path)
    assert source.text == "ab\ncd\ne\n"
    assert source.cr_positions == (2,)
    assert normalize_newlines("x\r\n\r\ny") == ("x\n\ny", [1, 2])


def test_undecodable_bytes_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes("第一行\n第二行\n".encode() + b"\xff\xfe\xfa\x80\x20")
    with pytest.raises(IngestError, match=r"bad.txt:3: cannot decode"):
        read_source(path)


def test_empty_and_binary_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"  \n\n")
    with pytest.raises(IngestError, match="empty.txt: the file is empty"):
        read_source(tmp_path / "empty.txt")
    (tmp_path / "bin.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(IngestError, match="bin.txt: looks like a binary file"):
        read_source(tmp_path / "bin.txt")


def test_docx_is_read(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("第一条 为了规范政务数据共享，制定本办法。")
    document.add_paragraph("第二条 本办法适用于全省。")
    document.save(tmp_path / "p.docx")
    source = read_source(tmp_path / "p.docx")
    assert source.text == "第一条 为了规范政务数据共享，制定本办法。\n第二条 本办法适用于全省。"
    assert source.encoding == "docx"


def test_broken_docx_and_pdf_are_refused(tmp_path: Path) -> None:
    (tmp_path / "x.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(IngestError, match=r"x.docx: cannot read this .docx"):
        read_source(tmp_path / "x.docx")
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4 garbage")
    with pytest.raises(
        IngestError, match=r"x.pdf: cannot read this .pdf|x.pdf: the PDF has no text"
    ):
        read_source(tmp_path / "x.pdf")


def _minimal_pdf(text: str) -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 144] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        None,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1")
    objects[3] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_pdf_text_layer_is_read(tmp_path: Path) -> None:
    (tmp_path / "brief.pdf").write_bytes(_minimal_pdf("Data sharing briefing"))
    assert read_source(tmp_path / "brief.pdf").text.strip() == "Data sharing briefing"


def test_language_detection() -> None:
    assert detect_language("答：我们这边的数据还是要走审批。") == "zh"
    assert detect_language("A: We asked the bureau for the data three times.") == "en"
    assert (
        detect_language("A: The 大数据局 asked us for the data three times, twice in May.") == "en"
    )
