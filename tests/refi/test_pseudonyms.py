"""Name mappings, pseudonymised text and offset maps."""

from __future__ import annotations

from pathlib import Path

import pytest

from casekit.refi.errors import AnonymizeError
from casekit.refi.pseudonyms import (
    OffsetMap,
    make_mapping,
    pseudonymize_text,
    read_mapping,
)
from tests.refi.builders import DATA


def test_longest_name_first_and_whole_latin_words() -> None:
    mapping = make_mapping(
        [("Li", "Chen"), ("Li Wei", "Chen Bo"), ("王科长", "甲科长"), ("王", "甲")]
    )
    text = "Li Wei met Lin and Li; 王科长和王一起。"
    new, offsets = pseudonymize_text(text, mapping)
    assert new == "Chen Bo met Lin and Chen; 甲科长和甲一起。"
    assert offsets.n_replacements == 4
    # "Lin" keeps its place, shifted by the longer pseudonym before it.
    start = text.index("Lin")
    assert new[offsets.map(start) : offsets.map(start + 3)] == "Lin"


def test_chinese_names_match_inside_words() -> None:
    new, _ = pseudonymize_text("跟遵义市大数据局的李明反映过", {"遵义市": "某市", "李明": "赵某"})
    assert new == "跟某市大数据局的赵某反映过"


def test_spans_keep_covering_the_same_words() -> None:
    text = "Ask Zhang Min and Li about it."
    new, offsets = pseudonymize_text(text, {"Zhang Min": "Wu Fang", "Li": "Chen"})
    assert new == "Ask Wu Fang and Chen about it."
    assert offsets.map_span(4, 13) == (4, 11)  # exactly the name
    s, e = offsets.map_span(10, 20)  # starts inside a name, ends inside another
    assert new[s:e] == "Wu Fang and Chen"
    assert offsets.map_span(21, 26) == (21, 26)  # unchanged length before: same place
    assert offsets.map_span(5, 5) == (4, 4)  # an empty span stays empty


def test_offset_map_without_replacements_is_identity() -> None:
    assert OffsetMap().map_span(3, 9) == (3, 9)
    assert pseudonymize_text("", {"a": "b"}) == ("", OffsetMap())


def test_read_mapping() -> None:
    mapping = read_mapping(DATA / "names.csv")
    assert mapping.pairs[0] == ("Zhang Min", "Wu Fang")
    assert mapping.as_dict()["Li"] == "Chen"
    assert len(mapping.pairs) == 6


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "name,alias\nLi,Chen\n",
            ":1: the first row must be the header original,pseudonym (one name and its "
            "pseudonym per row after it)",
        ),
        ("original,pseudonym\n", ": no names to replace below the header"),
        (
            "original,pseudonym\nLi,\n,Chen\nLi,Wu\nWang,Zhao\nWang,Qian\n",
            ": 3 bad mapping entries, nothing was pseudonymised:\n"
            "  row 2: no pseudonym for 'Li'\n"
            "  row 3: the original name is empty\n"
            "  row 6: 'Wang' is listed twice (first in row 5)",
        ),
        (
            "original,pseudonym\nLi,Chen,extra\n",
            ": 1 bad row, nothing was pseudonymised:\n  row 2: has 3 fields, expected 2",
        ),
    ],
)
def test_bad_mappings(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "names.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AnonymizeError) as err:
        read_mapping(path)
    assert str(err.value) == f"{path}{message}"


def test_mapping_must_be_utf8(tmp_path: Path) -> None:
    path = tmp_path / "names.csv"
    path.write_bytes("original,pseudonym\n王,甲\n".encode("gb18030"))
    with pytest.raises(AnonymizeError, match="not UTF-8"):
        read_mapping(path)
