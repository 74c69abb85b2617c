"""The shipped sample study: composition, manifest consistency, and codebook coverage."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from casekit.ingest.readers import read_source
from casekit.segmentation import paragraph_spans, turn_spans
from casekit.text import detect_language

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


@pytest.fixture(scope="module")
def manifest() -> list[dict[str, str]]:
    with open(CORPUS / "manifest.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def texts(manifest) -> dict[str, str]:
    return {row["file"]: read_source(CORPUS / row["file"]).text for row in manifest}


def test_manifest_matches_the_files(manifest) -> None:
    listed = {row["file"] for row in manifest}
    on_disk = {
        p.relative_to(CORPUS).as_posix()
        for p in CORPUS.rglob("*")
        if p.is_file()
        and p.suffix in {".txt", ".md", ".docx", ".pdf"}
        and p.name != "README.md"
        and "codings" not in p.parts
    }
    assert listed == on_disk
    assert len(listed) == len(manifest)
    for row in manifest:
        assert row["level"] in {"province", "city", "county"}, row["file"]
        assert row["language"] in {"zh", "en"}, row["file"]
        assert len(row["date"]) == 10 and row["date"][4] == "-", row["file"]


def test_composition(manifest, texts) -> None:
    kinds = Counter((row["doc_type"], row["language"]) for row in manifest)
    assert kinds[("interview", "zh")] >= 24
    assert sum(n for (t, lang), n in kinds.items() if t != "interview" and lang == "zh") >= 8
    assert sum(n for (_, lang), n in kinds.items() if lang == "en") >= 4
    levels = Counter(row["level"] for row in manifest if row["doc_type"] == "interview")
    assert set(levels) == {"province", "city", "county"}
    for row in manifest:
        text = texts[row["file"]]
        assert detect_language(text) == row["language"], row["file"]
        if row["doc_type"] == "interview" and row["language"] == "zh":
            assert 1500 <= len(text) <= 4000, (row["file"], len(text))
            assert len(turn_spans(text)) >= 10, row["file"]


def test_every_code_is_reachable_and_none_dominates(texts) -> None:
    from casekit.codebook import load_codebook
    from casekit.coding.rules import apply_rules, compile_codebook

    codebook = load_codebook(ROOT / "codebooks" / "technology-structuring.yaml")
    compiled = compile_codebook(codebook)
    paragraphs = [
        (text[s:e], detect_language(text))
        for text in texts.values()
        for s, e in paragraph_spans(text)
    ]
    found: Counter[str] = Counter()
    for paragraph, lang in paragraphs:
        owners = {
            h.rule_id.split("#")[0]
            for h in apply_rules(compiled, paragraph, lang)
            if h.rule_kind == "keyword"
        }
        found.update(owners)
    with_keywords = [c.id for c in codebook if any(c.rules.keywords.values())]
    missing = [code for code in with_keywords if not found[code]]
    assert not missing, f"codes whose keywords never occur in the corpus: {missing}"
    limit = len(paragraphs) / 3
    dominant = {code: n for code, n in found.items() if n > limit}
    assert not dominant, (
        f"codes whose keywords occur in over a third of {len(paragraphs)} paragraphs: {dominant}"
    )
