"""Fuzzing the corpus readers: random bytes never crash; valid text round-trips in every encoding."""

from __future__ import annotations

import codecs
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given
from hypothesis import strategies as st

from casekit.cli import cli
from casekit.errors import IngestError
from casekit.ingest.readers import decode_bytes, read_source
from casekit.text import normalize_newlines
from tests.reliability.conftest import Examples
from tests.reliability.harness import cli_problems, fuzz_settings

# Text a person could have typed: letters of every script, CJK, punctuation, emoji, and the
# line ends and tabs of real files; no other control characters (a reader may refuse those).
TEXT_CHARS = st.characters(
    blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff"
) | st.sampled_from("\n\r\t")
COMMON_HANZI = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
GB_TEXT_CHARS = st.one_of(
    COMMON_HANZI,
    COMMON_HANZI,
    COMMON_HANZI,
    st.sampled_from("，。、；：？！“”（）《》\n\r\t 0123456789abcXYZ"),
)


def _expected(text: str) -> str:
    return normalize_newlines(text)[0]


@fuzz_settings(ci=150, full=3000)
@given(data=st.binary(max_size=2048))
def test_random_bytes_decode_or_raise_ingest_error(data: bytes, examples: Examples) -> None:
    examples.tick()
    try:
        text, encoding = decode_bytes(data, "fuzz.txt")
    except IngestError as exc:
        assert str(exc).startswith("fuzz.txt")
        return
    assert encoding in ("utf-8", "utf-8-sig", "utf-16", "gb18030")
    assert isinstance(text, str)


@pytest.mark.parametrize("suffix", [".txt", ".md", ".docx", ".pdf"])
@fuzz_settings(ci=40, full=600)
@given(data=st.binary(max_size=4096))
def test_random_files_of_each_type_read_or_raise_ingest_error(
    tmp_path_factory: pytest.TempPathFactory, suffix: str, data: bytes, examples: Examples
) -> None:
    examples.tick()
    prefix = {".docx": b"PK\x03\x04", ".pdf": b"%PDF-1.4\n"}.get(suffix, b"")
    path = tmp_path_factory.mktemp("readers") / f"fuzz{suffix}"
    path.write_bytes(prefix + data)
    try:
        source = read_source(path)
    except IngestError as exc:
        assert str(exc).startswith(str(path))
        return
    assert source.text.strip()


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    import docx

    document = docx.Document()
    for line in [
        "问：数据共享遇到什么困难？",
        "答：接口要各部门配合，标准不统一。",
        "Q: And the platform?",
    ]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@fuzz_settings(ci=40, full=800)
@given(
    edits=st.lists(
        st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), max_size=8
    ),
    cut=st.integers(min_value=0),
)
def test_damaged_docx_reads_or_raises_ingest_error(
    docx_bytes: bytes,
    tmp_path_factory: pytest.TempPathFactory,
    edits: list[tuple[int, int]],
    cut: int,
    examples: Examples,
) -> None:
    examples.tick()
    data = bytearray(docx_bytes)
    for position, value in edits:
        data[position % len(data)] = value
    if cut % 3 == 0:
        data = data[: cut % len(data)]
    path = tmp_path_factory.mktemp("docx") / "damaged.docx"
    path.write_bytes(bytes(data))
    try:
        read_source(path)
    except IngestError as exc:
        assert str(exc).startswith(str(path))


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-8", b""),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
    ],
    ids=["utf-8", "utf-8 with BOM", "utf-16-le with BOM", "utf-16-be with BOM"],
)
@fuzz_settings(ci=60, full=1500)
@given(text=st.text(TEXT_CHARS, min_size=1, max_size=300))
def test_valid_unicode_text_round_trips(
    encoding: str, bom: bytes, text: str, examples: Examples
) -> None:
    examples.tick()
    data = bom + text.encode(encoding)
    want = _expected(text)
    if not want.strip():
        with pytest.raises(IngestError, match="empty"):
            read_text(data)
        return
    got, detected = decode_bytes(data, "fuzz.txt")
    assert normalize_newlines(got)[0] == want
    assert detected == {b"": "utf-8", codecs.BOM_UTF8: "utf-8-sig"}.get(bom, "utf-16")


@fuzz_settings(ci=80, full=2000)
@given(text=st.text(GB_TEXT_CHARS, min_size=1, max_size=300))
def test_valid_gb18030_text_round_trips(text: str, examples: Examples) -> None:
    # Some short GB18030 byte strings are valid UTF-8 too ("模" is C4 A3, which is UTF-8 "ģ");
    # the reader's documented rule is UTF-8 first, so those must decode as UTF-8.
    examples.tick()
    data = text.encode("gb18030")
    assume(_expected(text).strip())
    got, detected = decode_bytes(data, "fuzz.txt")
    try:
        as_utf8 = data.decode("utf-8")
    except UnicodeDecodeError:
        assert (got, detected) == (text, "gb18030")
    else:
        assert (got, detected) == (as_utf8, "utf-8")


def read_text(data: bytes) -> str:
    """``read_source`` on bytes, through a temporary .txt file."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.txt"
        path.write_bytes(data)
        return read_source(path).text


@fuzz_settings(ci=25, full=400)
@given(data=st.binary(max_size=1024) | st.text(TEXT_CHARS, max_size=400).map(str.encode))
def test_ingest_command_never_shows_a_traceback(
    ingested_template: Path,
    tmp_path_factory: pytest.TempPathFactory,
    data: bytes,
    examples: Examples,
) -> None:
    examples.tick()
    from tests.reliability.harness import copy_project

    root = copy_project(ingested_template, tmp_path_factory.mktemp("ingest") / "study")
    (root / "corpus" / "manifest.csv").unlink()
    for path in (root / "corpus").rglob("*.txt"):
        path.unlink()
    (root / "corpus" / "fuzz.txt").write_bytes(data)
    result = CliRunner().invoke(cli, ["ingest", "--project", str(root)])
    assert cli_problems(result) == []
