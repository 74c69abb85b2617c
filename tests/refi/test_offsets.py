"""Choosing the offset convention of a source from where its selections fall."""

from __future__ import annotations

from casekit.refi.offsets import Hypothesis, SourceOffsets, choose_offsets, names_match

# Words, a CRLF line end and a character beyond the BMP before the selected words.
RAW = "Első sor 😀 szöveg\r\nMásodik sor: oltás nélkül\r\nHarmadik 🙂 sor vége"
TEXT = RAW.replace("\r\n", "\n")


def units16(text: str, index: int) -> int:
    """UTF-16 offset of a code-point index."""
    return len(text[:index].encode("utf-16-le")) // 2


def nvivo_span(quote: str) -> tuple[int, int, str]:
    """Offsets as NVivo for Windows writes them: UTF-16 units with CR counted."""
    start = RAW.index(quote)
    return units16(RAW, start), units16(RAW, start + len(quote)), ""


def test_nvivo_windows_convention_is_detected() -> None:
    source = SourceOffsets(RAW, had_bom=True)
    spans = [nvivo_span("oltás nélkül"), nvivo_span("sor vége"), nvivo_span("Második")]
    choice, converted = choose_offsets(source, spans)
    assert choice is not None
    assert choice.hypothesis == Hypothesis(utf16=True, cr_counted=True)
    assert [TEXT[s:e] for s, e in converted] == ["oltás nélkül", "sor vége", "Második"]
    assert choice.describe() == (
        "UTF-16 code units, CR of CRLF counted (6 of 6 selection ends on word boundaries)"
    )
    assert choice.n_alternatives == 8  # units x CR x BOM


def test_code_points_win_ties_and_names_count() -> None:
    source = SourceOffsets(TEXT)
    start = TEXT.index("oltás")
    choice, converted = choose_offsets(source, [(start, start + 5, "oltás")])
    assert choice is not None and choice.hypothesis == Hypothesis()
    assert converted == [(start, start + 5)]
    assert choice.n_names_matching == 1
    assert "1 of 1 names match the text" in choice.describe()


def test_single_convention_when_nothing_differs() -> None:
    source = SourceOffsets("plain text\nno surprises")
    assert source.hypotheses() == [Hypothesis()]
    choice, _ = choose_offsets(source, [(0, 5, "")])
    assert choice is not None
    assert choice.describe() == (
        "code points, line ends counted once (no CRLF, byte-order mark or characters beyond "
        "the BMP: every convention agrees)"
    )


def test_no_selections_keeps_the_standard() -> None:
    choice, converted = choose_offsets(SourceOffsets(RAW), [])
    assert choice is not None and converted == []
    assert choice.describe() == (
        "code points, line ends counted once (no selections to decide by: the standard's)"
    )


def test_outside_the_text_under_every_convention() -> None:
    source = SourceOffsets(TEXT)
    choice, converted = choose_offsets(source, [(0, 4, ""), (10, 500, "")])
    assert choice is None
    assert converted == [(0, 4), None]


def test_half_a_surrogate_pair_is_not_an_offset() -> None:
    source = SourceOffsets(TEXT)
    emoji = units16(TEXT, TEXT.index("😀"))
    assert source.to_index(emoji + 1, Hypothesis(utf16=True)) is None
    assert source.to_index(emoji + 2, Hypothesis(utf16=True)) == TEXT.index("😀") + 1
    assert source.to_index(0, Hypothesis(bom_counted=True)) is None


def test_names_match_cut_names() -> None:
    assert names_match("I'm a single mum with…", "I'm a single mum with an 8 month old")
    assert names_match("two  lines", "two\nlines and more")
    assert not names_match("other words", "I'm a single mum")
    assert not names_match("", "anything")
