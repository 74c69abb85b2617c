"""Deterministic synthetic interview corpus (Chinese and English) for the auto-coding benchmark."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Segment", "generate_segments"]

# Everyday interview vocabulary of this domain. It deliberately contains the generic topic
# nouns (数据, 平台, 系统, data, platform) that proximity rules and short keywords fire on,
# so the engine sees a realistic number of literal matches, not an empty text.
_ZH_FILLER = [
    "我们",
    "这个",
    "工作",
    "部门",
    "问题",
    "情况",
    "已经",
    "还是",
    "目前",
    "因为",
    "所以",
    "需要",
    "进行",
    "开展",
    "方面",
    "要求",
    "相关",
    "一些",
    "现在",
    "当时",
    "后来",
    "大家",
    "他们",
    "基本上",
    "主要",
    "比较",
    "可能",
    "还有",
    "就是",
    "然后",
    "这边",
    "那边",
    "市里",
    "省里",
    "县里",
    "办事",
    "群众",
    "材料",
    "流程",
    "窗口",
    "审批",
    "系统",
    "数据",
    "平台",
    "接口",
    "业务",
    "科室",
    "领导",
    "同事",
    "文件",
    "通知",
    "会议",
    "每个月",
    "去年",
    "今年",
    "一直",
    "其实",
    "确实",
    "感觉",
    "说实话",
    "反正",
    "具体",
    "上面",
    "下面",
    "对接",
    "协调",
    "报送",
    "核实",
    "证明",
    "申请人",
    "办理",
    "时间",
    "事项",
    "信息",
    "共享",
    "标准",
    "考核",
    "资金",
    "人员",
    "技术",
    "安全",
    "责任",
    "制度",
    "规定",
    "目录",
    "清单",
    "更新",
    "维护",
    "反映",
    "沟通",
]
_ZH_PUNCT = ("，", "，", "，", "、")
_ZH_END = ("。", "。", "。", "？", "！", "……", "；")
_ZH_SPEAKERS = ("答：", "答：", "答：", "问：")

_EN_FILLER = [
    "we",
    "the",
    "this",
    "work",
    "department",
    "problem",
    "situation",
    "already",
    "still",
    "now",
    "because",
    "so",
    "need",
    "carry",
    "out",
    "aspect",
    "requirement",
    "related",
    "some",
    "then",
    "later",
    "everyone",
    "they",
    "basically",
    "mainly",
    "rather",
    "maybe",
    "also",
    "just",
    "here",
    "there",
    "city",
    "province",
    "county",
    "office",
    "citizens",
    "documents",
    "process",
    "window",
    "approval",
    "system",
    "data",
    "platform",
    "interface",
    "business",
    "section",
    "leader",
    "colleague",
    "file",
    "notice",
    "meeting",
    "every",
    "month",
    "last",
    "year",
    "this",
    "year",
    "always",
    "actually",
    "really",
    "feel",
    "honestly",
    "anyway",
    "specific",
    "above",
    "below",
    "connect",
    "coordinate",
    "report",
    "verify",
    "certificate",
    "applicant",
    "handle",
    "time",
    "matter",
    "information",
    "sharing",
    "standard",
    "assessment",
    "funding",
    "staff",
    "technology",
    "security",
    "responsibility",
    "rules",
    "regulation",
    "catalogue",
    "list",
    "update",
    "maintain",
    "raise",
    "talk",
]
_EN_END = (".", ".", ".", "?", "!", ";")
_EN_SPEAKERS = ("A: ", "A: ", "A: ", "Q: ")


@dataclass(frozen=True)
class Segment:
    """One synthetic segment (an interview turn)."""

    segment_id: str
    text: str
    lang: str


def _zh_sentence(rng: random.Random, keywords: Sequence[str], cues: Sequence[str]) -> str:
    words = [rng.choice(_ZH_FILLER) for _ in range(rng.randint(5, 12))]
    # About 0.8 keyword per sentence, 12% of them negated: roughly one keyword per 25-35
    # characters, the density of the study's transcripts.
    for _ in range(rng.choice((0, 1, 1, 1, 2))):
        kw = rng.choice(keywords) if keywords else rng.choice(_ZH_FILLER)
        if cues and rng.random() < 0.12:
            kw = rng.choice(cues) + kw
        words.insert(rng.randrange(len(words) + 1), kw)
    if len(words) > 6:
        words.insert(rng.randrange(2, len(words) - 2), rng.choice(_ZH_PUNCT))
    return "".join(words) + rng.choice(_ZH_END)


def _en_sentence(rng: random.Random, keywords: Sequence[str], cues: Sequence[str]) -> str:
    words = [rng.choice(_EN_FILLER) for _ in range(rng.randint(7, 16))]
    for _ in range(rng.choice((0, 1, 1, 2))):
        kw = rng.choice(keywords) if keywords else rng.choice(_EN_FILLER)
        if cues and rng.random() < 0.12:
            kw = f"{rng.choice(cues)} {kw}"
        words.insert(rng.randrange(len(words) + 1), kw)
    if len(words) > 8:
        words[rng.randrange(2, len(words) - 2)] += ","
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(_EN_END)


def generate_segments(
    n_bytes: int,
    *,
    keywords: dict[str, Sequence[str]],
    cues: dict[str, Sequence[str]] | None = None,
    zh_share: float = 0.8,
    seed: int = 0,
) -> Iterator[Segment]:
    """Yield interview turns until their UTF-8 size reaches ``n_bytes``.

    Parameters
    ----------
    n_bytes
        Total UTF-8 size of the texts to generate.
    keywords
        Terms to scatter into the text per language (``{"zh": [...], "en": [...]}``),
        typically the keywords of the codebook being benchmarked.
    cues
        Negation cues per language; 12% of inserted keywords get one in front.
    zh_share
        Share of Chinese segments (by count).
    seed
        Seed of the random generator: the same arguments give the same corpus.
    """
    rng = random.Random(seed)
    cues = cues or {}
    zh_kw, en_kw = list(keywords.get("zh", ())), list(keywords.get("en", ()))
    zh_cues, en_cues = list(cues.get("zh", ())), list(cues.get("en", ()))
    total = 0
    i = 0
    while total < n_bytes:
        i += 1
        n_sent = rng.randint(1, 5)
        if rng.random() < zh_share:
            text = rng.choice(_ZH_SPEAKERS) + "".join(
                _zh_sentence(rng, zh_kw, zh_cues) for _ in range(n_sent)
            )
            lang = "zh"
        else:
            text = rng.choice(_EN_SPEAKERS) + " ".join(
                _en_sentence(rng, en_kw, en_cues) for _ in range(n_sent)
            )
            lang = "en"
        total += len(text.encode("utf-8"))
        yield Segment(f"seg{i:07d}", text, lang)


def sample_corpus_segments(
    n_bytes: int,
    *,
    corpus_dir: Path,
    zh_share: float = 0.8,
    seed: int = 0,
) -> Iterator[Segment]:
    """Yield segments drawn from the sample study's own paragraphs until ``n_bytes``.

    Each segment joins one to three paragraphs of one language picked at random (seeded), so
    keyword density, negation and phrasing are those of the transcripts and policy texts the
    codebook is written for, not of a keyword generator.
    """
    from casekit.ingest.readers import read_source
    from casekit.segmentation import paragraph_spans
    from casekit.text import detect_language

    pools: dict[str, list[str]] = {"zh": [], "en": []}
    for path in sorted(corpus_dir.rglob("*.txt")):
        if path.name == "README.md" or "codings" in path.parts:
            continue
        text = read_source(path).text
        lang = detect_language(text)
        pools[lang].extend(text[s:e] for s, e in paragraph_spans(text))
    rng = random.Random(seed)
    total = 0
    i = 0
    while total < n_bytes:
        i += 1
        lang = "zh" if rng.random() < zh_share else "en"
        text = "\n".join(rng.choice(pools[lang]) for _ in range(rng.randint(1, 3)))
        total += len(text.encode("utf-8"))
        yield Segment(f"seg{i:07d}", text, lang)
