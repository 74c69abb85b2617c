"""``casekit.toml``: the project configuration, its documented defaults and validation."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from casekit.errors import ConfigError

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_CONFIG",
    "DEFAULT_TOML",
    "MEASURES",
    "RUN_STEPS",
    "UNITS",
    "load_config",
]

CONFIG_NAME = "casekit.toml"
UNITS = ("turn", "paragraph", "sentence", "article")
MEASURES = ("count", "jaccard", "dice", "cosine", "lift", "npmi")
RUN_STEPS = ("ingest", "import", "autocode", "tables", "figures", "report")

# The written default; every key is documented here and in docs/config.md.
DEFAULT_TOML = """\
# casekit project configuration. Paths are relative to this file.

[project]
name = "{name}"
languages = ["zh", "en"]     # languages of the corpus and the codebook names
seed = 20221                 # seed for every random step (bootstrap, layouts, communities)

[corpus]
dir = "corpus"               # source files: .txt .md .docx .pdf
manifest = "manifest.csv"    # per-document attributes, inside corpus.dir
exclude = ["README.md", "codings/*"]   # glob patterns (relative to corpus.dir) not to ingest

[codebook]
file = "codebooks/technology-structuring.yaml"

[segment]
# Units each document type is segmented into; documents of other types use `default`.
interview = ["turn", "paragraph", "sentence"]
policy = ["article", "paragraph", "sentence"]
default = ["turn", "paragraph", "sentence"]

[nlp]
zh_model = ""                # optional installed trained spaCy pipeline; blank = spacy.blank("zh") + jieba
en_model = ""                # optional installed trained spaCy pipeline; blank = spacy.blank("en")

[autocode]
unit = "paragraph"           # unit the rules are evaluated on

[analysis]
unit = "turn"                # unit co-occurrence and patterns count over (documents without it use paragraphs)
source = "auto"              # codings analysed: auto | manual | all
coders = []                  # only these coders (e.g. ["consensus"]); empty = every coder of the source
measure = "jaccard"          # co-occurrence strength: count | jaccard | dice | cosine | lift | npmi
min_count = 2                # pairs co-occurring fewer times are not reported
alpha = 0.05                 # q-value threshold for "significant" pairs and network edges
top = 3                      # partners listed per dilemma in the patterns table
by = ["level", "doc_type"]   # document attributes for frequencies and cross-tabs

[figures]
formats = ["pdf", "svg", "png"]
lang = "zh"                  # label language; falls back to en without a CJK font
dpi = 300

[run]
steps = ["ingest", "import", "autocode", "tables", "figures", "report"]
# Codings files (the codings exchange format) imported before analysis; globs relative to the project.
import_codings = []
agreement_coders = []        # two or more manual coders to compare in outputs/tables/agreement.csv
gold = ""                    # a manual coder the rules are evaluated against (rules-evaluation.csv)
"""

DEFAULT_CONFIG: dict[str, Any] = tomllib.loads(DEFAULT_TOML.format(name="casekit project"))


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_config(path: str | Path) -> dict[str, Any]:
    """Read ``casekit.toml`` and return it merged over the defaults.

    Raises
    ------
    ConfigError
        When the file is not valid TOML or a value has the wrong type; the message names
        the file and the key.
    """
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    config = _merge(DEFAULT_CONFIG, raw)
    _validate(config, path)
    return config


def _validate(config: dict[str, Any], path: Path) -> None:
    def fail(key: str, expected: str) -> None:
        raise ConfigError(f"{path}: '{key}' must be {expected}")

    if not isinstance(config["project"].get("seed"), int):
        fail("project.seed", "an integer")
    for key in ("dir", "manifest"):
        if not isinstance(config["corpus"].get(key), str):
            fail(f"corpus.{key}", "a string")
    if not isinstance(config["corpus"].get("exclude"), list):
        fail("corpus.exclude", "a list of glob patterns")
    for doc_type, units in config["segment"].items():
        if not isinstance(units, list) or any(u not in UNITS for u in units):
            fail(f"segment.{doc_type}", f"a list of units from {', '.join(UNITS)}")
    for key in ("autocode.unit", "analysis.unit"):
        section, name = key.split(".")
        if config[section].get(name) not in UNITS:
            fail(key, f"one of {', '.join(UNITS)}")
    if config["analysis"].get("source") not in ("auto", "manual", "all"):
        fail("analysis.source", "one of auto, manual, all")
    if config["analysis"].get("measure") not in MEASURES:
        fail("analysis.measure", f"one of {', '.join(MEASURES)}")
    if not isinstance(config["run"].get("gold"), str):
        fail("run.gold", 'a coder name in quotes (or "")')
    if not set(config["run"].get("steps", [])) <= set(RUN_STEPS):
        fail("run.steps", f"a list from {', '.join(RUN_STEPS)}")
    for key in (
        "analysis.coders",
        "analysis.by",
        "figures.formats",
        "run.import_codings",
        "run.agreement_coders",
        "run.steps",
    ):
        section, name = key.split(".")
        value = config[section].get(name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            fail(key, "a list of strings")
    if not set(config["figures"]["formats"]) <= {"pdf", "svg", "png"}:
        fail("figures.formats", "a list from pdf, svg, png")
    if config["figures"].get("lang") not in ("zh", "en"):
        fail("figures.lang", "zh or en")
