"""The shipped technology-structuring codebook validates and passes its own examples (in CI)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from casekit.cli import cli
from casekit.codebook import load_codebook

SHIPPED = Path(__file__).resolve().parents[2] / "codebooks" / "technology-structuring.yaml"


def test_shipped_codebook_validates_strictly() -> None:
    result = CliRunner().invoke(cli, ["codebook", "validate", "--strict", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"ok: {SHIPPED} — ")


def test_shipped_codebook_passes_its_examples() -> None:
    result = CliRunner().invoke(cli, ["codebook", "test", str(SHIPPED)])
    assert result.exit_code == 0, result.output
    assert " passed (" in result.output


def test_every_coded_concept_is_documented() -> None:
    codebook = load_codebook(SHIPPED)
    families = {c.family for c in codebook}
    assert {"element", "dilemma", "strategy", "mechanism"} <= families
    for code in codebook:
        assert code.names.get("zh") and code.names.get("en"), code.id
        assert code.definition and code.include and code.exclude, code.id
        if codebook.children(code.id):
            continue
        assert code.rules.keywords.get("zh") and code.rules.keywords.get("en"), code.id
        assert len(code.examples) >= 2 and len(code.counterexamples) >= 1, code.id
    pairs = {c.id: c.rules.negated for c in codebook if c.rules.negated}
    assert all(codebook.codes[target].family == "dilemma" for target in pairs.values())


def test_failing_example_fails_the_command(tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    broken = tmp_path / "broken.yaml"
    marker = "      examples:\n"
    i = text.index(marker) + len(marker)
    broken.write_text(text[:i] + '      - "这句话和任何编码都没有关系。"\n' + text[i:], encoding="utf-8")
    result = CliRunner().invoke(cli, ["codebook", "test", str(broken)])
    assert result.exit_code == 1
    assert "FAIL" in result.output and "这句话和任何编码都没有关系" in result.output
    assert "1 example(s) failed" in result.output
