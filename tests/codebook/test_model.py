"""The codebook's content hash and family colours."""

from __future__ import annotations

from casekit.codebook import FAMILY_COLORS, family_color, load_codebook, loads_codebook

from .conftest import DATA, VALID_SMALL


def test_hash_ignores_key_order_layout_and_comments(small) -> None:
    reordered = load_codebook(DATA / "valid-small-reordered.yaml")
    assert reordered.content_hash == small.content_hash
    assert len(small.content_hash) == 12
    assert int(small.content_hash, 16) >= 0


def test_hash_ignores_where_the_file_lives(tmp_path, small) -> None:
    copy = tmp_path / "elsewhere.yaml"
    copy.write_bytes(b"# a new comment\n" + VALID_SMALL.read_bytes())
    assert load_codebook(copy).content_hash == small.content_hash


def test_hash_changes_with_a_definition(small) -> None:
    text = VALID_SMALL.read_text(encoding="utf-8")
    old = "definition: Shared data are wrong, inconsistent or out of date."
    assert old in text
    changed = loads_codebook(text.replace(old, "definition: Shared data are wrong."))
    assert changed.content_hash != small.content_hash


def test_hash_changes_with_a_keyword(small) -> None:
    text = VALID_SMALL.read_text(encoding="utf-8")
    changed = loads_codebook(text.replace("[纳入考核, 绩效考核]", "[纳入考核]"))
    assert changed.content_hash != small.content_hash


def test_family_colours_are_fixed_and_deterministic() -> None:
    assert family_color("element") == "#4477AA"
    assert family_color("dilemma") == "#EE6677"
    assert family_color("strategy") == "#228833"
    assert family_color("mechanism") == "#CCBB44"
    assert set(FAMILY_COLORS) == {"element", "dilemma", "strategy", "mechanism"}
    # User-defined families draw from the remaining colours by a hash of the name (not
    # Python's salted hash()), so they are the same in every run.
    assert family_color("context") == "#66CCEE"
    assert family_color("actor") == "#BBBBBB"
