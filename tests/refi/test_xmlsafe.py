"""Untrusted XML: DTDs and entities are refused before parsing; bad XML names its line."""

from __future__ import annotations

import pytest

from casekit.refi.errors import RefiError
from casekit.refi.xmlsafe import local_name, parse_xml

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Project name="&lol3;"/>"""

EXTERNAL = b"""<?xml version="1.0"?><!-- harmless? -->
<!DOCTYPE Project SYSTEM "file:///etc/passwd"><Project name="x">&xxe;</Project>"""

REFUSED = (
    "x.qde: the XML declares a DTD (<!DOCTYPE ...>); REFI-QDA files never need one and casekit "
    "refuses DTDs and entities, which can read local files or exhaust memory. Nothing was "
    "imported"
)


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL], ids=["billion-laughs", "external"])
def test_dtds_are_refused(data: bytes) -> None:
    with pytest.raises(RefiError) as err:
        parse_xml(data, "x.qde")
    assert str(err.value) == REFUSED


def test_dtd_in_utf16_is_refused() -> None:
    data = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16")
    with pytest.raises(RefiError, match="declares a DTD"):
        parse_xml(data, "x.qde")


def test_malformed_xml_names_the_line() -> None:
    with pytest.raises(RefiError) as err:
        parse_xml(b"<Project>\n<Users>\n</Project>", "a.qdpx:project.qde")
    assert str(err.value).startswith("a.qdpx:project.qde:3: not well-formed XML (")
    assert str(err.value).endswith("); nothing was imported")


def test_not_xml() -> None:
    with pytest.raises(RefiError) as err:
        parse_xml(b"PK\x03\x04 binary", "x.qde")
    assert str(err.value) == "x.qde: not an XML file (no root element found); nothing was imported"


def test_namespaces_are_normalised() -> None:
    root = parse_xml(
        b'<CodeBook xmlns="urn:QDA-XML:codebook:0:4"><Codes/><x:Other xmlns:x="urn:o"/></CodeBook>',
        "c.qdc",
    )
    assert [local_name(e) for e in root.iter()] == ["CodeBook", "Codes", "{urn:o}Other"]
