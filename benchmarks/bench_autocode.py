"""Auto-coding throughput against a raw Aho-Corasick pass and plain jieba tokenisation.

Run from the repository root::

    python benchmarks/bench_autocode.py --mb 10

It generates a synthetic corpus (benchmarks/corpus_gen.py, fixed seed) with the keywords of
the codebook, then measures in the same process:

(a) one raw pyahocorasick pass over all the codebook's keywords (the practical ceiling);
(b) plain spaCy tokenisation (``nlp.make_doc``) of the Chinese segments with jieba, on a
    sample, extrapolated to the whole Chinese part;
(c) casekit end to end: ``apply_rules`` on every segment (keywords, exclusions, polarity,
    proximity, regexes, patterns with their Doc when the prefilter lets them through).

and prints MB/s, segments/s, the ratios c/a and c/b, and the process's peak memory.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import ahocorasick

from casekit.codebook.loader import load_codebook
from casekit.coding import apply_rules, compile_codebook
from casekit.nlp import pipelines

try:
    from benchmarks.corpus_gen import Segment, generate_segments, sample_corpus_segments
except ImportError:  # run as a script: benchmarks/ itself is on sys.path
    from corpus_gen import (  # type: ignore[no-redef]
        Segment,
        generate_segments,
        sample_corpus_segments,
    )

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "codebooks" / "technology-structuring.yaml"
FIXTURE = ROOT / "tests" / "data" / "coding" / "codebook.yaml"
MB = 1_000_000


def _mb(segments: Sequence[Segment]) -> float:
    return sum(len(s.text.encode("utf-8")) for s in segments) / MB


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


def _raw_automaton(words: Sequence[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for w in words:
        automaton.add_word(w, len(w))
    automaton.make_automaton()
    return automaton


def _raw_pass(automaton: ahocorasick.Automaton, segments: Sequence[Segment], lower: bool) -> int:
    n = 0
    for seg in segments:
        for _ in automaton.iter(seg.text.lower() if lower else seg.text):
            n += 1
    return n


def _rate(label: str, seconds: float, mb: float, n_segments: int, note: str = "") -> None:
    mbs = mb / seconds if seconds else float("inf")
    sps = n_segments / seconds if seconds else float("inf")
    print(f"  {label:<44} {seconds:8.2f} s {mbs:9.2f} MB/s {sps:11,.0f} seg/s  {note}")


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    scale = 1 if sys.platform == "darwin" else 1024  # bytes on macOS, KiB on Linux
    return peak * scale / MB


def _stream(args: argparse.Namespace) -> int:
    """Code a corpus streamed segment by segment (nothing kept) and print this process's peak RSS."""
    compiled = compile_codebook(load_codebook(args.codebook))
    n_hits = n_segments = 0
    for segment in sample_corpus_segments(
        int(args.mb * MB), corpus_dir=ROOT / "corpus", zh_share=args.zh_share, seed=args.seed
    ):
        n_hits += len(apply_rules(compiled, segment.text, segment.lang))
        n_segments += 1
    print(f"{args.mb:g} {n_segments} {n_hits} {_peak_rss_mb():.1f}")
    return 0


def _memory_growth(args: argparse.Namespace, sizes: Sequence[float]) -> None:
    """Peak memory of streamed auto-coding at several corpus sizes, each in a fresh process."""
    import subprocess

    print("\nstreamed auto-coding, peak memory per corpus size (fresh process each)")
    for mb in sizes:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--stream-only",
                "--mb",
                str(mb),
                "--codebook",
                str(args.codebook),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        print(
            f"  {float(out[0]):6.0f} MB corpus  {int(out[1]):>9,} segments  {int(out[2]):>10,} hits  peak RSS {float(out[3]):6.0f} MB"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=10.0, help="corpus size in MB (default 10)")
    parser.add_argument(
        "--codebook",
        type=Path,
        default=SHIPPED if SHIPPED.exists() else FIXTURE,
        help="codebook YAML (default: the shipped codebook, else the test fixture)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--text",
        choices=["corpus", "synthetic"],
        default="corpus",
        help="corpus: resample the sample study's paragraphs (realistic keyword density, "
        "default); synthetic: keyword-dense generated sentences (a stress test)",
    )
    parser.add_argument("--zh-share", type=float, default=0.8, help="share of Chinese segments")
    parser.add_argument(
        "--tokenize-sample-mb",
        type=float,
        default=1.0,
        help="MB of Chinese text tokenised with jieba for (b); the rest is extrapolated",
    )
    parser.add_argument("--stream-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument(
        "--memory-sizes",
        default="10,50",
        help="corpus sizes (MB) for the streamed peak-memory comparison; empty to skip",
    )
    args = parser.parse_args(argv)
    if args.stream_only:
        return _stream(args)

    codebook = load_codebook(args.codebook)
    keywords: dict[str, list[str]] = {"zh": [], "en": []}
    for code in codebook:
        for lang in keywords:
            keywords[lang].extend(code.rules.keywords.get(lang, ()))
    cues = {lang: list(v) for lang, v in codebook.negation.cues.items()}

    if args.text == "corpus":
        source = sample_corpus_segments(
            int(args.mb * MB), corpus_dir=ROOT / "corpus", zh_share=args.zh_share, seed=args.seed
        )
    else:
        source = generate_segments(
            int(args.mb * MB), keywords=keywords, cues=cues, zh_share=args.zh_share, seed=args.seed
        )
    t_gen, segments = _timed(lambda: list(source))
    zh = [s for s in segments if s.lang == "zh"]
    en = [s for s in segments if s.lang == "en"]
    mb_zh, mb_en = _mb(zh), _mb(en)
    print(
        f"codebook   {args.codebook.relative_to(ROOT) if args.codebook.is_relative_to(ROOT) else args.codebook}"
    )
    print(
        f"           {len(codebook)} codes, {len(keywords['zh'])} zh + {len(keywords['en'])} en "
        f"keywords, {len(codebook.codes_with_rules())} codes with rules"
    )
    print(
        f"corpus     {len(segments):,} segments, {mb_zh + mb_en:.2f} MB "
        f"(zh {len(zh):,} segments / {mb_zh:.2f} MB, en {len(en):,} / {mb_en:.2f} MB), "
        f"seed {args.seed}, generated in {t_gen:.1f} s"
    )

    # (a) raw Aho-Corasick over the keywords only.
    auto_zh = _raw_automaton(keywords["zh"])
    auto_en = _raw_automaton([k.lower() for k in keywords["en"]])
    t_a_zh, n_a_zh = _timed(lambda: _raw_pass(auto_zh, zh, lower=False))
    t_a_en, n_a_en = _timed(lambda: _raw_pass(auto_en, en, lower=True))

    # (b) spaCy zh tokenisation with jieba (the codebook's keywords in its dictionary).
    nlp_zh = pipelines.get_pipeline("zh", user_words=keywords["zh"])
    nlp_zh.make_doc("预热一下结巴分词。")  # jieba's dictionary loads outside the timing
    sample: list[Segment] = []
    sample_bytes = 0
    for seg in zh:
        if sample_bytes >= args.tokenize_sample_mb * MB:
            break
        sample.append(seg)
        sample_bytes += len(seg.text.encode("utf-8"))
    t_b_sample, _ = _timed(lambda: [nlp_zh.make_doc(s.text) for s in sample])
    mb_sample = sample_bytes / MB
    t_b_zh = t_b_sample * (mb_zh / mb_sample) if mb_sample else 0.0
    extrapolated = len(sample) < len(zh)

    # (c) casekit end to end.
    pipelines.get_pipeline("en")  # lookup tables load outside the timing
    t_compile, compiled = _timed(lambda: compile_codebook(codebook))
    docs_built = {"zh": 0, "en": 0}
    real_get_pipeline = pipelines.get_pipeline

    def counting_get_pipeline(lang: str, **kwargs: Any) -> Any:
        docs_built[lang] += 1
        return real_get_pipeline(lang, **kwargs)

    pipelines.get_pipeline = counting_get_pipeline  # type: ignore[assignment]
    try:
        t_c_zh, n_c_zh = _timed(lambda: sum(len(apply_rules(compiled, s.text, "zh")) for s in zh))
        t_c_en, n_c_en = _timed(lambda: sum(len(apply_rules(compiled, s.text, "en")) for s in en))
    finally:
        pipelines.get_pipeline = real_get_pipeline  # type: ignore[assignment]

    print(f"\ncompile_codebook: {t_compile:.2f} s\n")
    print("Chinese segments")
    _rate(
        "(a) raw pyahocorasick pass, keywords only", t_a_zh, mb_zh, len(zh), f"{n_a_zh:,} matches"
    )
    note = (
        f"extrapolated from {mb_sample:.2f} MB / {len(sample):,} segments"
        if extrapolated
        else "all segments"
    )
    _rate("(b) spaCy zh + jieba tokenisation (make_doc)", t_b_zh, mb_zh, len(zh), note)
    _rate(
        "(c) casekit apply_rules, end to end",
        t_c_zh,
        mb_zh,
        len(zh),
        f"{n_c_zh:,} hits, {docs_built['zh']:,} Docs built",
    )
    if t_c_zh:
        print(
            f"  c/a = {t_a_zh / t_c_zh:.2f} of the raw pass (target >= 0.25);  "
            f"c/b = {t_b_zh / t_c_zh:.1f}x tokenisation speed (target >= 5)"
        )
    if en:
        print("English segments")
        _rate(
            "(a) raw pyahocorasick pass, keywords only",
            t_a_en,
            mb_en,
            len(en),
            f"{n_a_en:,} matches",
        )
        _rate(
            "(c) casekit apply_rules, end to end",
            t_c_en,
            mb_en,
            len(en),
            f"{n_c_en:,} hits, {docs_built['en']:,} Docs built",
        )
        if t_c_en:
            print(f"  c/a = {t_a_en / t_c_en:.2f} of the raw pass")
    total_c = t_c_zh + t_c_en
    if total_c:
        _rate("all segments: (c) end to end", total_c, mb_zh + mb_en, len(segments))
    print(f"\npeak memory (max RSS, whole process incl. corpus in memory): {_peak_rss_mb():.0f} MB")
    if args.memory_sizes:
        _memory_growth(args, [float(x) for x in args.memory_sizes.split(",")])
    return 0


if __name__ == "__main__":
    sys.exit(main())
