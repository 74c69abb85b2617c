"""Hostile files: each is refused with a clear message that changes nothing, or neutralised.

Archives and XML (REFI-QDA import): zip slip, absolute member paths, symbolic links,
encrypted members, too many members, zip bombs (ratio and declared size), DTDs with
external entities and billion laughs (also behind comments, a BOM or UTF-16). Corpus and
exchange files: NUL bytes, control characters in file and coder names, over-long lines,
HTML and JavaScript inside transcripts (the report shows them as text).
"""

from __future__ import annotations

import io
import stat
import struct
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from casekit.cli import cli
from casekit.errors import CasekitError, CodingError
from casekit.project import Project, init_project, open_project
from tests.reliability.harness import DATA, check_store, record

SOURCE_GUID = "a0000000-0000-4000-8000-000000000001"
TEXT = "问：平台的数据对不上吗？\n答：对不上，标准也不统一。\n"
QDE = """<?xml version="1.0" encoding="utf-8"?>
{prolog}<Project xmlns="urn:QDA-XML:project:1.0" name="{name}" origin="hostile test">
  <Users><User guid="b0000000-0000-4000-8000-000000000001" name="Anna"/></Users>
  <CodeBook><Codes>
    <Code guid="c0000000-0000-4000-8000-000000000001" name="Trust" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{guid}" name="{source}" plainTextPath="internal://{guid}.txt"
        creatingUser="b0000000-0000-4000-8000-000000000001">
      <PlainTextSelection guid="a1000000-0000-4000-8000-000000000001" name="x"
          startPosition="2" endPosition="6" creatingUser="b0000000-0000-4000-8000-000000000001">
        <Coding guid="a2000000-0000-4000-8000-000000000001"
            creatingUser="b0000000-0000-4000-8000-000000000001">
          <CodeRef targetGUID="c0000000-0000-4000-8000-000000000001"/>
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""
REFUSED: dict[str, int] = {}


def qde(*, prolog: str = "", name: str = "Hostile", source: str = "interview-01.txt") -> bytes:
    return QDE.format(prolog=prolog, name=name, source=source, guid=SOURCE_GUID).encode("utf-8")


def qdpx(
    members: dict[str, bytes] | None = None, *, extra: list[tuple[zipfile.ZipInfo, bytes]] = ()
) -> bytes:
    """A .qdpx with the project file and its source text, plus ``extra`` members."""
    members = members if members is not None else {}
    members.setdefault("project.qde", qde())
    members.setdefault(f"sources/{SOURCE_GUID}.txt", TEXT.encode("utf-8"))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
        for info, data in extra:
            archive.writestr(info, data)
    return buffer.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    proj = init_project(tmp_path / "study")
    yield proj
    proj.close()


def _counts(project: Project) -> tuple[int, ...]:
    return tuple(
        project.store.scalar(f"SELECT COUNT(*) FROM {table}")
        for table in ("documents", "codes", "codings", "memos", "events")
    )


def refused(project: Project, path: Path, data: bytes, case: str, *expected: str) -> str:
    """Import ``data``: it must raise a CasekitError naming the file and saying ``expected``,
    and change nothing."""
    from casekit.refi.importer import import_qdpx

    path.write_bytes(data)
    before = _counts(project)
    with pytest.raises(CasekitError) as info:
        import_qdpx(project, path)
    message = str(info.value)
    assert message.startswith(path.name) or message.startswith(str(path)), message
    for text in expected:
        assert text in message, message
    assert _counts(project) == before
    REFUSED[case] = REFUSED.get(case, 0) + 1
    return message


refi = pytest.importorskip("casekit.refi.importer", reason="no REFI-QDA importer yet")


# -- archives ----------------------------------------------------------------------------------
def test_the_harmless_archive_imports(project: Project, tmp_path: Path) -> None:
    # The baseline every hostile variant below changes in one way.
    path = tmp_path / "ok.qdpx"
    path.write_bytes(qdpx())
    report = refi.import_qdpx(project, path)
    assert report.event_id is not None
    assert project.store.scalar("SELECT text FROM documents") == TEXT


@pytest.mark.parametrize(
    ("member", "reason"),
    [
        ("../evil.txt", "its path leaves the archive ('..')"),
        ("sources/../../evil.txt", "its path leaves the archive ('..')"),
        ("..\\..\\evil.txt", "its path leaves the archive ('..')"),
        ("/tmp/evil.txt", "it has an absolute path"),
        ("C:\\Windows\\evil.txt", "it has an absolute path"),
        ("//server/share/evil.txt", "it has an absolute path"),
    ],
)
def test_zip_slip_and_absolute_member_names_are_refused(
    project: Project, tmp_path: Path, member: str, reason: str
) -> None:
    folder = tmp_path / "deep" / "er"
    folder.mkdir(parents=True)
    data = qdpx({member: b"pwned"})
    refused(project, folder / "slip.qdpx", data, "zip slip / absolute path", reason, "zip slip")
    assert not list(tmp_path.rglob("evil.txt"))


def test_symbolic_links_in_archives_are_refused(project: Project, tmp_path: Path) -> None:
    link = zipfile.ZipInfo("sources/link.txt")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    data = qdpx(extra=[(link, b"/etc/passwd")])
    refused(project, tmp_path / "link.qdpx", data, "symbolic link", "the member is a symbolic link")


def _central_entry(data: bytearray, name: str) -> int:
    """Offset of member ``name``'s entry in the archive's central directory."""
    encoded = name.encode()
    at = data.index(b"PK\x01\x02")
    while data[at + 46 : at + 46 + struct.unpack_from("<H", data, at + 28)[0]] != encoded:
        at = data.index(b"PK\x01\x02", at + 4)
    return at


def test_encrypted_members_are_refused(project: Project, tmp_path: Path) -> None:
    # zipfile cannot write encrypted members: set the flag in both headers by hand.
    data = bytearray(qdpx({"sources/secret.txt": b"ciphertext"}))
    central = _central_entry(data, "sources/secret.txt")
    local = struct.unpack_from("<I", data, central + 42)[0]
    data[central + 8] |= 0x1
    data[local + 6] |= 0x1
    refused(project, tmp_path / "enc.qdpx", bytes(data), "encrypted member", "encrypted")


def test_archives_with_too_many_members_are_refused(project: Project, tmp_path: Path) -> None:
    data = qdpx({f"sources/n{i}.txt": b"" for i in range(10_001)})
    refused(project, tmp_path / "many.qdpx", data, "too many members", "10,003 members")


def test_zip_bombs_by_compression_ratio_are_refused(project: Project, tmp_path: Path) -> None:
    data = qdpx({f"sources/{SOURCE_GUID}.txt": b"\x00" * (40 << 20)})
    assert len(data) < 200_000
    refused(project, tmp_path / "bomb.qdpx", data, "zip bomb (ratio)", "looks like a zip bomb")


def test_zip_bombs_by_declared_size_are_refused(project: Project, tmp_path: Path) -> None:
    # The central directory claims a 3 GB member; nothing may be read to find out.
    data = bytearray(qdpx())
    central = _central_entry(data, f"sources/{SOURCE_GUID}.txt")
    struct.pack_into("<I", data, central + 24, 3_000_000_000)
    refused(project, tmp_path / "huge.qdpx", bytes(data), "zip bomb (declared size)", "larger than")


# -- XML -----------------------------------------------------------------------------------------
XXE = '<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
LAUGHS = (
    '<!DOCTYPE Project [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">' for i in range(2, 10))
    + '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
)


@pytest.mark.parametrize(
    ("prolog", "name", "case"),
    [
        (XXE, "&xxe;", "external entity"),
        (
            '<!DOCTYPE Project SYSTEM "http://example.invalid/evil.dtd">\n',
            "Hostile",
            "external DTD",
        ),
        (LAUGHS, "&lol9;", "billion laughs"),
        ("<!-- a comment first -->\n" + XXE, "&xxe;", "DTD after a comment"),
        ("<?pi data?>\n" + LAUGHS, "&lol9;", "DTD after a processing instruction"),
    ],
)
def test_dtds_and_entities_are_refused(
    project: Project, tmp_path: Path, prolog: str, name: str, case: str
) -> None:
    data = qdpx({"project.qde": qde(prolog=prolog, name=name)})
    refused(project, tmp_path / "dtd.qdpx", data, case, "declares a DTD")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_dtds_behind_a_bom_or_in_utf16_are_refused(
    project: Project, tmp_path: Path, encoding: str
) -> None:
    text = qde(prolog=XXE, name="&xxe;").decode("utf-8")
    text = text.replace('encoding="utf-8"', f'encoding="{encoding.split("-sig")[0]}"')
    path = tmp_path / "bare.qde"
    refused(project, path, text.encode(encoding), f"DTD in {encoding}", "declares a DTD")


# -- names, NUL bytes, long lines, markup ---------------------------------------------------------
@pytest.mark.xfail(
    strict=True,
    reason="casekit.refi keeps control characters of a source name in the document name "
    "(reported to the integrator; ingest refuses such file names)",
)
def test_control_characters_in_imported_source_names_are_neutralised(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "names.qdpx"
    path.write_bytes(qdpx({"project.qde": qde(source="inter&#10;view\u202e1gpj.txt")}))
    try:
        refi.import_qdpx(project, path)
    except CasekitError:
        return
    (name,) = [r[0] for r in project.store.query("SELECT name FROM documents")]
    assert not any(ord(ch) < 32 or 0x202A <= ord(ch) <= 0x202E for ch in name), repr(name)


@pytest.fixture
def corpus_project(tmp_path: Path) -> Iterator[Project]:
    root = tmp_path / "corpus-study"
    init_project(root).close()
    (root / "codebooks" / "reliability.yaml").write_bytes((DATA / "codebook.yaml").read_bytes())
    toml = root / "casekit.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            "codebooks/technology-structuring.yaml", "codebooks/reliability.yaml"
        ),
        encoding="utf-8",
    )
    proj = open_project(root)
    yield proj
    proj.close()


def _ingest(project: Project) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["ingest", "--project", str(project.root)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_nul_bytes_in_a_transcript_are_refused(corpus_project: Project) -> None:
    (corpus_project.corpus_dir / "good.txt").write_text(TEXT, encoding="utf-8")
    (corpus_project.corpus_dir / "nul.txt").write_bytes(TEXT.encode() + b"\x00\x00binary")
    code, output = _ingest(corpus_project)
    assert (code, output) == (
        1,
        f"Error: {corpus_project.corpus_dir.resolve() / 'nul.txt'}: looks like a binary file "
        "(contains NUL bytes), not text\n",
    )
    assert corpus_project.store.scalar("SELECT COUNT(*) FROM documents") == 0
    REFUSED["NUL bytes"] = REFUSED.get("NUL bytes", 0) + 1


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("bad\x1b[31mname.txt", "'corpus/bad\\x1b[31mname.txt'"),
        ("line\nbreak.txt", "'corpus/line\\nbreak.txt'"),
        ("report\u202etxt.exe.txt", "'corpus/report\\u202etxt.exe.txt'"),
        ("bell\x07.md", "'corpus/bell\\x07.md'"),
    ],
)
def test_control_characters_in_file_names_are_refused(
    corpus_project: Project, name: str, shown: str
) -> None:
    (corpus_project.corpus_dir / name).write_text(TEXT, encoding="utf-8")
    code, output = _ingest(corpus_project)
    assert code == 1
    assert output == (
        f"Error: {shown}: the file name contains control characters (shown escaped); rename "
        "the file and ingest again\n"
    )
    assert "\x1b" not in output and "\x07" not in output
    REFUSED["control characters in names"] = REFUSED.get("control characters in names", 0) + 1


@pytest.mark.parametrize("coder", ["li\x1b[2J", "li\x00", "li\u202e"])
def test_control_characters_in_coder_names_are_refused(coder: str) -> None:
    from casekit.coding.manual import check_coder_name

    with pytest.raises(CodingError, match="may not contain control characters"):
        check_coder_name(coder)
    REFUSED["control characters in names"] = REFUSED.get("control characters in names", 0) + 1


def test_an_over_long_line_is_ingested_and_segmented(corpus_project: Project) -> None:
    # Over a million characters on one line: more than spaCy takes at once. (English, as
    # spaCy's character segmentation of Chinese takes seconds for a million characters.)
    text = "Q: And the records?\nA: " + "the data they sent did not match, " * 31_000 + "\n"
    (corpus_project.corpus_dir / "long.txt").write_text(text, encoding="utf-8")
    code, output = _ingest(corpus_project)
    assert code == 0, output
    assert check_store(corpus_project.db_path) == []
    units = dict(corpus_project.store.query("SELECT unit, MAX(end) FROM segments GROUP BY unit"))
    assert len(text) > 1_000_000
    assert units["sentence"] == units["paragraph"] == units["turn"] == len(text.rstrip())


def test_an_over_long_csv_field_is_a_clear_error(corpus_project: Project) -> None:
    (corpus_project.corpus_dir / "t.txt").write_text(TEXT, encoding="utf-8")
    assert _ingest(corpus_project)[0] == 0
    path = corpus_project.root / "long.csv"
    path.write_text(
        "document,start,end,code,coder,memo\nt,2,6,DIL.SILO,li," + "x" * 200_000 + "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli, ["import", "codings", str(path), "--project", str(corpus_project.root)]
    )
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {path}: not a readable CSV file: field larger than")


def test_html_and_script_in_transcripts_and_names_show_as_text(
    corpus_project: Project, tmp_path: Path
) -> None:
    from casekit.coding.autocode import autocode_project
    from casekit.report.data import load_report_data
    from casekit.report.html import build_report

    evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    (corpus_project.corpus_dir / "<img src=x onerror=alert(2)>.txt").write_text(
        f"问：共享交换平台用起来怎么样？部门之间的数据能对上吗？{evil}\n"
        f"答：平台上的数据对不上，标准也不统一，各部门各自为政，考核也没有跟上。{evil}\n",
        encoding="utf-8",
    )
    assert _ingest(corpus_project)[0] == 0
    autocode_project(corpus_project)
    html = build_report(load_report_data(corpus_project), figures=[])
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert html.count("<script>") == 1  # the report's own script, at the end
    REFUSED["HTML/JS in transcripts (escaped)"] = 1


def test_figures_are_recorded() -> None:
    # Runs last in this module: the hostile cases refused above, for the figures.
    record("hostile", "refused", dict(REFUSED))
    assert len(REFUSED) >= 10
