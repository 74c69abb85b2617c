"""What the schema does not catch: dangling and duplicate GUIDs, bad positions, ambiguous text."""

from __future__ import annotations

import pytest

from casekit.refi.errors import RefiError
from casekit.refi.reader import normalize_color, read_codebook, read_project
from casekit.refi.xmlsafe import parse_xml
from tests.refi.builders import CODE, SOURCE, USER, selection, small_qde

ORIGIN = "x.qdpx:project.qde"


def problems(xml: str) -> str:
    with pytest.raises(RefiError) as err:
        read_project(parse_xml(xml.encode("utf-8"), ORIGIN), ORIGIN)
    return str(err.value)


def test_a_valid_small_project() -> None:
    xml = small_qde(selections=selection("01", 0, 5, name="Hello"))
    project = read_project(parse_xml(xml.encode(), ORIGIN), ORIGIN)
    assert [u.name for u in project.users] == ["Anna"]
    assert [(c.guid, c.name, c.is_codable) for c, _ in project.all_codes()] == [
        (CODE, "Trust", True)
    ]
    (source,) = project.sources
    assert (source.guid, source.name, source.path) == (
        SOURCE,
        "interview 1.docx",
        f"internal://{SOURCE}.txt",
    )
    (sel,) = source.selections
    assert (sel.start, sel.end, sel.name, sel.user) == (0, 5, "Hello", USER)
    assert [(c.code, c.user) for c in sel.codings] == [(CODE, USER)]


def test_dangling_guids() -> None:
    missing = "c0000000-0000-4000-8000-0000000000ff"
    xml = small_qde(
        selections=selection("01", 0, 5, code=missing),
        extra='<Notes><Note guid="d0000000-0000-4000-8000-000000000001" '
        'creatingUser="b0000000-0000-4000-8000-0000000000ee"><PlainTextContent>x'
        "</PlainTextContent></Note></Notes>",
    )
    assert problems(xml) == (
        f"{ORIGIN}: 2 problems, nothing was imported:\n"
        f"  {ORIGIN}:2: <CodeRef> targetGUID {missing} refers to no code in the file "
        "(a dangling GUID)\n"
        f"  {ORIGIN}:2: <Note> creatingUser b0000000-0000-4000-8000-0000000000ee is not one of "
        "the <Users> (a dangling GUID)"
    )


def test_duplicate_guids() -> None:
    codes = (
        f'<Code guid="{CODE}" name="Trust" isCodable="true"/>'
        f'<Code guid="{{{CODE.upper()}}}" name="Again" isCodable="true"/>'
    )
    assert problems(small_qde(codes=codes)) == (
        f"{ORIGIN}: 1 problem, nothing was imported:\n"
        f"  {ORIGIN}:2: duplicate GUID {CODE}: another <Code> has it (line 2)"
    )


def test_positions() -> None:
    xml = small_qde(
        selections=selection("01", 9, 3)
        + selection("02", -1, 3)
        + selection("03", 1, 3).replace('endPosition="3"', 'endPosition="three"')
    )
    assert problems(xml) == (
        f"{ORIGIN}: 3 problems, nothing was imported:\n"
        f"  {ORIGIN}:2: selection a1000000-0000-4000-8000-000000000001: startPosition 9 > "
        "endPosition 3\n"
        f"  {ORIGIN}:2: startPosition -1 is negative\n"
        f"  {ORIGIN}:2: endPosition 'three' is not an integer"
    )


def test_inline_text_and_path_is_ambiguous() -> None:
    source = (
        f'<TextSource guid="{SOURCE}" name="both" plainTextPath="internal://{SOURCE}.txt">'
        "<PlainTextContent>inline</PlainTextContent></TextSource>"
    )
    assert problems(small_qde(source=source)) == (
        f"{ORIGIN}: 1 problem, nothing was imported:\n"
        f"  {ORIGIN}:2: source 'both' has both inline text and plainTextPath "
        f"internal://{SOURCE}.txt; which one is the text is ambiguous"
    )


def test_malformed_guids_and_missing_parts() -> None:
    codes = '<Code guid="not-a-guid" isCodable="maybe"/>'
    source = f'<TextSource guid="{SOURCE}"><Coding guid="{CODE}"/></TextSource>'
    assert problems(small_qde(codes=codes, source=source)) == (
        f"{ORIGIN}: 4 problems, nothing was imported:\n"
        f"  {ORIGIN}:2: <Code> guid 'not-a-guid' is not a GUID\n"
        f"  {ORIGIN}:2: <Code> has no name\n"
        f"  {ORIGIN}:2: isCodable 'maybe' is not true, false, 1 or 0\n"
        f"  {ORIGIN}:2: <Coding> {CODE} has no <CodeRef>"
    )


def test_not_a_project() -> None:
    with pytest.raises(RefiError) as err:
        read_project(parse_xml(b"<CodeBook/>", "x.qde"), "x.qde")
    assert str(err.value) == (
        "x.qde: the root element is <CodeBook>, not <Project>; is this a REFI-QDA project (.qde)?"
    )


def test_codebook_root_and_emptiness() -> None:
    with pytest.raises(RefiError, match=r"the root element is <Project>, not <CodeBook>"):
        read_codebook(parse_xml(b"<Project/>", "c.qdc"), "c.qdc")
    with pytest.raises(RefiError) as err:
        read_codebook(parse_xml(b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', "c.qdc"), "c.qdc")
    assert str(err.value) == (
        "c.qdc: 1 problem, nothing was imported:\n  c.qdc: the codebook has no codes"
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("#abc", ("#AABBCC", True)),
        ("#4477aa", ("#4477AA", True)),
        ("#11223344", ("#112233", False)),
        ("red", (None, False)),
        (None, (None, True)),
        ("", (None, True)),
    ],
)
def test_normalize_color(raw: str | None, expected: tuple[str | None, bool]) -> None:
    assert normalize_color(raw) == expected
