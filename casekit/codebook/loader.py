"""Read a codebook YAML file into a validated ``Codebook``, reporting every problem with its line."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from casekit.codebook.model import (
    Code,
    Codebook,
    Negation,
    PatternRule,
    ProximityRule,
    RegexRule,
    Rules,
)
from casekit.codebook.validate import (
    CODE_ID_RE,
    DraftCode,
    check_duplicate_ids,
    check_keywords,
    check_patterns,
    check_polarity,
    check_references,
    check_regexes,
    resolve_hierarchy,
)
from casekit.errors import CodebookError, Problem

__all__ = [
    "CODEBOOK_KEYS",
    "CODE_KEYS",
    "RULE_KEYS",
    "SUPPORTED_LANGUAGES",
    "CodebookCheck",
    "check_codebook",
    "check_codebook_text",
    "load_codebook",
    "loads_codebook",
    "validate_codebook",
]

# Languages the rule engine can match (zh: characters, jieba tokens; en: words, lemmas).
SUPPORTED_LANGUAGES: tuple[str, ...] = ("zh", "en")

CODEBOOK_KEYS = (
    "id",
    "version",
    "title",
    "description",
    "languages",
    "negation",
    "references",
    "categories",
)
# Besides these, a code has one name key per declared language (zh, en).
CODE_KEYS = (
    "id",
    "family",
    "definition",
    "include",
    "exclude",
    "examples",
    "counterexamples",
    "source",
    "refs",
    "color",
    "parent",
    "rules",
    "codes",
)
RULE_KEYS = ("keywords", "patterns", "regex", "proximity", "exclusions", "polarity")
NEGATION_KEYS = ("window", "cues")
PATTERN_KEYS = ("lang", "pattern")
PROXIMITY_KEYS = ("lang", "a", "b", "within", "same")
POLARITY_KEYS = ("negated",)

_CODEBOOK_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
_FAMILY_RE = re.compile(r"^[a-z][a-z0-9_-]*$")
_COLOR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
_NULL_TAG = "tag:yaml.org,2002:null"
_INT_TAG = "tag:yaml.org,2002:int"
_MERGE_TAG = "tag:yaml.org,2002:merge"

Node = yaml.Node
Entries = dict[str, tuple[yaml.Node, yaml.Node]]


@dataclass(frozen=True)
class CodebookCheck:
    """Everything validation found in one codebook file.

    ``codebook`` is ``None`` when there are errors; warnings alone still give a codebook.
    """

    path: str
    codebook: Codebook | None
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def ok(self) -> bool:
        return self.codebook is not None

    def raise_for_errors(self) -> Codebook:
        """Return the codebook, or raise ``CodebookError`` listing every problem."""
        if self.codebook is None:
            raise CodebookError(list(self.problems))
        return self.codebook


def load_codebook(path: str | Path, *, strict: bool = False) -> Codebook:
    """Read and validate a codebook YAML file.

    Parameters
    ----------
    path
        The codebook file.
    strict
        Treat warnings (a keyword under two codes, an unknown reference, ...) as errors.

    Returns
    -------
    Codebook
        The validated codebook; warnings are available from :func:`check_codebook`.

    Raises
    ------
    CodebookError
        Listing every problem (``file:line: message``) when the file is invalid.

    Examples
    --------
    >>> cb = load_codebook("codebooks/guizhou.yaml")  # doctest: +SKIP
    >>> cb.codes["ACTOR.LEADERSHIP"].name("zh")  # doctest: +SKIP
    '领导重视与高位推动'
    """
    return check_codebook(path, strict=strict).raise_for_errors()


def loads_codebook(text: str, *, source: str = "<string>", strict: bool = False) -> Codebook:
    """Like :func:`load_codebook` for YAML text; ``source`` names it in messages."""
    return check_codebook_text(text, source=source, strict=strict).raise_for_errors()


def validate_codebook(path: str | Path, *, strict: bool = False) -> list[Problem]:
    """Every problem in a codebook file, errors and warnings, in line order; empty when clean."""
    return list(check_codebook(path, strict=strict).problems)


def check_codebook(path: str | Path, *, strict: bool = False) -> CodebookCheck:
    """Validate a codebook file and return the codebook (when valid) with every finding.

    Raises
    ------
    CodebookError
        Only when the file cannot be read at all (missing, a folder, not UTF-8).
    """
    source = str(path)
    file = Path(path)
    if not file.exists():
        raise CodebookError(f"codebook file not found: {source} (check the path)")
    if file.is_dir():
        raise CodebookError(f"{source} is a folder; give the codebook's .yaml file")
    data = file.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CodebookError(
            [Problem(source, line, "not UTF-8 text; save the codebook as UTF-8")]
        ) from exc
    check = check_codebook_text(text, source=source, strict=strict)
    if check.codebook is None:
        return check
    return CodebookCheck(source, replace(check.codebook, path=source), check.problems)


def check_codebook_text(
    text: str, *, source: str = "<string>", strict: bool = False
) -> CodebookCheck:
    """Validate codebook YAML text; see :func:`check_codebook`."""
    reader = _Reader(source)
    try:
        codebook = reader.read(text)
    except RecursionError:  # codes nested hundreds of levels deep
        reader.error(1, "the YAML is nested too deeply to be a codebook")
        codebook = None
    problems = reader.problems
    if strict:
        problems = [Problem(p.path, p.line, p.message, "error") for p in problems]
    problems.sort(key=lambda p: p.line or 0)  # stable: same line keeps discovery order
    if any(p.severity == "error" for p in problems):
        codebook = None
    return CodebookCheck(source, codebook, tuple(problems))


def _line(node: Node) -> int:
    return node.start_mark.line + 1


def _is_null(node: Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == _NULL_TAG


def _construct(node: Node) -> Any:
    """The plain Python value of a node (used for spaCy patterns, which spaCy validates).

    Raises ``yaml.YAMLError`` for values PyYAML resolves but cannot build (``!!int abc``,
    ``0b_``, a timestamp ``2020-13-45``), which it reports as plain Python exceptions.
    """
    try:
        return yaml.constructor.SafeConstructor().construct_document(node)
    except (ValueError, TypeError, AttributeError, OverflowError, RecursionError) as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"{exc} (in {node.tag})", node.start_mark
        ) from exc


def _peek_id(node: Node) -> str | None:
    """A code's id before its keys are checked, so messages can name the code."""
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if key_node.value == "id" and isinstance(value_node, yaml.ScalarNode):
                return value_node.value.strip() or None
    return None


def _unknown_key_message(key: str, where: str, allowed: tuple[str, ...]) -> str:
    message = f"unknown key '{key}' in {where}"
    if key.startswith(("keywords_", "keywords-")):
        message += "; put keywords under rules: keywords: {zh: [...], en: [...]}"
    else:
        close = difflib.get_close_matches(key, allowed, n=1)
        if close:
            message += f"; did you mean '{close[0]}'?"
    return f"{message} (allowed: {', '.join(allowed)})"


class _Reader:
    """Walks the composed YAML nodes, collecting problems instead of stopping at the first."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []
        self.languages: tuple[str, ...] = SUPPORTED_LANGUAGES
        self.drafts: list[DraftCode] = []
        self.code_nodes: set[int] = set()

    # -- reporting -------------------------------------------------------------------
    def error(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.source, line, message, "error"))

    def warning(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.source, line, message, "warning"))

    # -- typed access to nodes -----------------------------------------------------
    def mapping(
        self,
        node: Node,
        where: str,
        allowed: tuple[str, ...] | None = None,
        tolerated: tuple[str, ...] = (),
    ) -> Entries | None:
        """Keys -> (key node, value node); reports non-mappings, duplicate and unknown keys.

        ``tolerated`` keys are kept but not listed as allowed; the caller reports them.
        """
        if _is_null(node):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.error(_line(node), f"{where} must be a mapping of keys to values")
            return None
        entries: Entries = {}
        for key_node, value_node in self._flatten(node):
            if not isinstance(key_node, yaml.ScalarNode) or _is_null(key_node):
                self.error(_line(key_node), f"keys in {where} must be plain text")
                continue
            key = key_node.value
            if key in entries:
                first = _line(entries[key][0])
                self.error(
                    _line(key_node), f"duplicate key '{key}' in {where} (first at line {first})"
                )
                continue
            if allowed is not None and key not in allowed and key not in tolerated:
                self.error(_line(key_node), _unknown_key_message(key, where, allowed))
                continue
            entries[key] = (key_node, value_node)
        return entries

    def _flatten(
        self,
        node: yaml.MappingNode,
        active: tuple[int, ...] = (),
        merged_once: set[int] | None = None,
    ) -> list[tuple[Node, Node]]:
        """Mapping pairs with YAML merge keys (``<<: *anchor``) expanded.

        A mapping merged into itself (through aliases) is an error; one merged again is
        skipped, as it adds no keys, so a chain of aliases cannot blow up exponentially.
        """
        active = (*active, id(node))
        merged_once = set() if merged_once is None else merged_once
        pairs: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                sources = (
                    value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                )
                for merged in sources:
                    if isinstance(merged, yaml.MappingNode) and id(merged) in active:
                        self.error(
                            _line(key_node), "a merge key (<<) refers to the mapping it is in"
                        )
                    elif isinstance(merged, yaml.MappingNode):
                        if id(merged) not in merged_once:
                            merged_once.add(id(merged))
                            pairs.extend(self._flatten(merged, active, merged_once))
                    else:
                        self.error(_line(merged), "a merge key (<<) must name a mapping")
            else:
                pairs.append((key_node, value_node))
        return pairs

    def text(self, node: Node, what: str) -> str | None:
        """The text exactly as written (so ``no`` stays "no" and ``1.0`` stays "1.0")."""
        if _is_null(node):
            return ""
        if not isinstance(node, yaml.ScalarNode):
            self.error(_line(node), f"{what} must be text")
            return None
        return node.value.strip()

    def integer(self, node: Node, what: str) -> int | None:
        if isinstance(node, yaml.ScalarNode) and node.tag == _INT_TAG:
            try:
                value = _construct(node)
            except yaml.YAMLError:
                value = -1
            if value >= 0:
                return int(value)
        self.error(_line(node), f"{what} must be a whole number >= 0")
        return None

    def text_list(self, node: Node, what: str) -> list[tuple[str, int]] | None:
        """A list of non-empty texts with their lines."""
        if _is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(_line(node), f"{what} must be a list, e.g. [a, b]")
            return None
        items = []
        for item in node.value:
            value = self.text(item, f"each entry of {what}")
            if value is None:
                continue
            if not value:
                self.error(_line(item), f"empty entry in {what}")
                continue
            items.append((value, _line(item)))
        return items

    def sequence(self, node: Node, what: str) -> list[Node] | None:
        if _is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            self.error(_line(node), f"{what} must be a list")
            return None
        return list(node.value)

    def language(self, node: Node, where: str, *, allow_any: bool = False) -> str | None:
        value = self.text(node, f"'lang' in {where}")
        if value is None:
            return None
        if value in self.languages or (allow_any and value == "any"):
            return value
        extra = " or 'any'" if allow_any else ""
        declared = ", ".join(self.languages)
        self.error(
            _line(node),
            f"language '{value}' in {where} is not in languages ({declared}){extra}",
        )
        return None

    def per_language(self, node: Node, where: str) -> dict[str, list[tuple[str, int]]]:
        """``{zh: [...], en: [...]}`` with every key a declared language."""
        entries = self.mapping(node, where)
        out: dict[str, list[tuple[str, int]]] = {}
        for key, (key_node, value_node) in (entries or {}).items():
            if key not in self.languages:
                declared = ", ".join(self.languages)
                self.error(
                    _line(key_node),
                    f"language '{key}' in {where} is not in languages ({declared})",
                )
                continue
            items = self.text_list(value_node, f"{where} ({key})")
            if items is not None:
                out[key] = items
        return out

    # -- the document ----------------------------------------------------------------
    def read(self, text: str) -> Codebook | None:
        try:
            root = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            detail = exc.problem or "malformed YAML"
            if exc.context:
                detail += f" ({exc.context})"
            self.error(mark.line + 1 if mark else None, f"YAML syntax error: {detail}")
            return None
        except yaml.reader.ReaderError as exc:
            # A character YAML forbids (NUL, other control characters); its position is an
            # offset into the text.
            line = text.count("\n", 0, exc.position) + 1
            self.error(
                line,
                f"YAML syntax error: character #x{exc.character:04x} is not allowed "
                f"({exc.reason}); remove it",
            )
            return None
        except RecursionError:
            self.error(1, "the YAML is nested too deeply to be a codebook")
            return None
        except yaml.YAMLError as exc:
            self.error(None, f"YAML syntax error: {exc}")
            return None
        if root is None or _is_null(root):
            self.error(1, "the file is empty; a codebook starts with 'codebook:'")
            return None
        if not isinstance(root, yaml.MappingNode):
            self.error(
                _line(root), "a codebook file must be a mapping that starts with 'codebook:'"
            )
            return None
        top = self.mapping(root, "the top level")
        if top is None:
            return None
        if "codebook" not in top:
            found = ", ".join(top) or "nothing"
            self.error(
                _line(root),
                f"missing 'codebook:' root key (found: {found}); put the codebook under "
                "'codebook:'",
            )
            return None
        for key, (key_node, _) in top.items():
            if key != "codebook":
                self.error(_line(key_node), f"unknown top-level key '{key}' (allowed: codebook)")
        key_node, body = top["codebook"]
        return self.read_codebook(body, _line(key_node))

    def read_codebook(self, node: Node, line: int) -> Codebook | None:
        entries = self.mapping(node, "codebook", CODEBOOK_KEYS)
        if entries is None:
            return None
        for key in ("id", "version", "languages", "categories"):
            if key not in entries:
                self.error(line, f"missing required key '{key}' in codebook")

        codebook_id = ""
        if "id" in entries:
            id_node = entries["id"][1]
            codebook_id = self.text(id_node, "codebook 'id'") or ""
            if codebook_id and not _CODEBOOK_ID_RE.match(codebook_id):
                self.error(
                    _line(id_node),
                    f"malformed codebook id '{codebook_id}' (letters, digits, '.', '_', '-'; "
                    "e.g. GZ-DATASHARE-TS)",
                )
            elif not codebook_id and isinstance(id_node, yaml.ScalarNode):
                self.error(_line(id_node), "empty codebook 'id'")
        version = ""
        if "version" in entries:
            version = self.text(entries["version"][1], "'version'") or ""
            if not version:
                self.error(_line(entries["version"][1]), "empty codebook 'version'")
        if "languages" in entries:
            self.read_languages(entries["languages"][1])

        title: dict[str, str] = {}
        if "title" in entries:
            title = self.read_names(entries["title"][1], "'title'")
        description = ""
        if "description" in entries:
            description = self.text(entries["description"][1], "'description'") or ""
        negation = Negation()
        if "negation" in entries:
            negation = self.read_negation(entries["negation"][1])
        references: dict[str, str] = {}
        if "references" in entries:
            for key, (_, value_node) in (
                self.mapping(entries["references"][1], "references") or {}
            ).items():
                value = self.text(value_node, f"reference '{key}'")
                if value is not None:
                    references[key] = value

        if "categories" in entries:
            categories_node = entries["categories"][1]
            nodes = self.sequence(categories_node, "'categories'")
            if nodes == []:
                self.error(_line(categories_node), "'categories' is empty; add at least one code")
            for code_node in nodes or []:
                self.read_code(code_node, nest_parent=None)

        codes = self.check_drafts(references)
        if any(p.severity == "error" for p in self.problems) or codes is None:
            return None
        return Codebook(
            id=codebook_id,
            version=version,
            languages=self.languages,
            codes=codes,
            title=title,
            description=description,
            negation=negation,
            references=references,
        )

    def read_languages(self, node: Node) -> None:
        items = self.text_list(node, "'languages'")
        if items is None:
            return
        if not items:
            self.error(_line(node), "'languages' is empty; list zh, en or both")
            return
        languages: list[str] = []
        for lang, line in items:
            if lang not in SUPPORTED_LANGUAGES:
                supported = ", ".join(SUPPORTED_LANGUAGES)
                self.error(line, f"unsupported language '{lang}' (supported: {supported})")
            elif lang in languages:
                self.error(line, f"language '{lang}' is listed twice")
            else:
                languages.append(lang)
        if languages:
            self.languages = tuple(languages)

    def read_names(self, node: Node, where: str) -> dict[str, str]:
        names: dict[str, str] = {}
        entries = self.mapping(node, where)
        for key, (key_node, value_node) in (entries or {}).items():
            if key not in self.languages:
                declared = ", ".join(self.languages)
                self.error(
                    _line(key_node), f"language '{key}' in {where} is not in languages ({declared})"
                )
                continue
            value = self.text(value_node, f"{where} ({key})")
            if value is not None:
                names[key] = value
        return names

    def read_negation(self, node: Node) -> Negation:
        entries = self.mapping(node, "negation", NEGATION_KEYS) or {}
        cues = dict(Negation().cues)
        window = dict(Negation().window)
        if "cues" in entries:
            for lang, items in self.per_language(entries["cues"][1], "negation cues").items():
                cues[lang] = tuple(value for value, _ in items)
        if "window" in entries:
            window_entries = self.mapping(entries["window"][1], "negation window") or {}
            for lang, (key_node, value_node) in window_entries.items():
                if lang not in self.languages:
                    declared = ", ".join(self.languages)
                    self.error(
                        _line(key_node),
                        f"language '{lang}' in negation window is not in languages ({declared})",
                    )
                    continue
                value = self.integer(value_node, f"negation window ({lang})")
                if value is not None:
                    window[lang] = value
        return Negation(cues=cues, window=window)

    # -- codes -------------------------------------------------------------------------
    def read_code(self, node: Node, nest_parent: str | None) -> None:
        peeked = _peek_id(node)
        where = f"code {peeked}" if peeked else "code"
        if id(node) in self.code_nodes:
            # An alias (*) to a code: a copy, or the code inside itself, which never ends.
            self.error(
                _line(node), f"{where} is repeated through a YAML alias (*); write each code once"
            )
            return
        self.code_nodes.add(id(node))
        allowed = (*CODE_KEYS[:2], *self.languages, *CODE_KEYS[2:])
        # Names in supported but undeclared languages get a clearer message below.
        undeclared = tuple(x for x in SUPPORTED_LANGUAGES if x not in self.languages)
        entries = self.mapping(node, where, allowed, tolerated=undeclared)
        if entries is None:
            return
        line = _line(node)
        if "id" not in entries:
            self.error(line, "missing required key 'id' in code")
            code_id, id_line = f"<code at line {line}>", line
        else:
            id_node = entries["id"][1]
            id_line = _line(id_node)
            code_id = self.text(id_node, "code 'id'") or ""
            if not code_id:
                self.error(id_line, "empty code id")
                code_id = f"<code at line {line}>"
            elif not CODE_ID_RE.match(code_id):
                self.error(
                    id_line,
                    f"malformed code id '{code_id}' (dotted upper-case ASCII, "
                    "e.g. ACTOR.LEADERSHIP)",
                )
        where = f"code {code_id}"
        draft = DraftCode(id=code_id, line=line, id_line=id_line, nest_parent=nest_parent)

        for lang in SUPPORTED_LANGUAGES:
            if lang in entries and lang not in self.languages:
                declared = ", ".join(self.languages)
                self.error(
                    _line(entries[lang][0]),
                    f"name in '{lang}' in {where}, but '{lang}' is not in languages ({declared})",
                )
        for lang in self.languages:
            if lang not in entries:
                self.error(line, f"missing '{lang}' name in {where}")
                continue
            name = self.text(entries[lang][1], f"'{lang}' name in {where}")
            if name == "":
                self.error(_line(entries[lang][1]), f"empty '{lang}' name in {where}")
            elif name is not None:
                draft.names[lang] = name

        if "family" in entries:
            family_node = entries["family"][1]
            family = self.text(family_node, f"'family' in {where}")
            if family is not None:
                # Kept even when malformed, so no "missing family" follows the error below.
                draft.family, draft.family_line = family, _line(family_node)
            if family is not None and not _FAMILY_RE.match(family):
                self.error(
                    _line(family_node),
                    f"malformed family '{family}' in {where} (a lower-case word: element, "
                    "dilemma, strategy, mechanism or your own)",
                )
        for key in ("definition", "include", "exclude"):
            if key in entries:
                setattr(draft, key, self.text(entries[key][1], f"'{key}' in {where}") or "")
        for key in ("examples", "counterexamples", "source"):
            if key in entries:
                items = self.text_list(entries[key][1], f"'{key}' in {where}") or []
                setattr(draft, key, tuple(value for value, _ in items))
        if "refs" in entries:
            draft.refs = self.text_list(entries["refs"][1], f"'refs' in {where}") or []
        if "color" in entries:
            color_node = entries["color"][1]
            color = self.text(color_node, f"'color' in {where}")
            if color is not None and not _COLOR_RE.match(color):
                self.error(_line(color_node), f"malformed color '{color}' in {where} (use #RRGGBB)")
            elif color:
                draft.color = color.upper()
        if "parent" in entries:
            parent_node = entries["parent"][1]
            parent = self.text(parent_node, f"'parent' in {where}")
            if parent:
                draft.parent, draft.parent_line = parent, _line(parent_node)
        if "rules" in entries:
            self.read_rules(entries["rules"][1], draft)

        self.drafts.append(draft)
        if "codes" in entries:
            for child in self.sequence(entries["codes"][1], f"'codes' in {where}") or []:
                self.read_code(child, nest_parent=code_id)

    def read_rules(self, node: Node, draft: DraftCode) -> None:
        code_id = draft.id
        entries = self.mapping(node, f"rules of {code_id}", RULE_KEYS)
        if not entries:
            return
        if "keywords" in entries:
            draft.keywords = self.per_language(entries["keywords"][1], f"keywords of {code_id}")
        if "exclusions" in entries:
            exclusions = self.per_language(entries["exclusions"][1], f"exclusions of {code_id}")
            draft.exclusions = {
                lang: tuple(v for v, _ in items) for lang, items in exclusions.items()
            }
        if "patterns" in entries:
            items = self.sequence(entries["patterns"][1], f"patterns of {code_id}") or []
            for n, item in enumerate(items, start=1):
                self.read_pattern(item, draft, f"{code_id}#pattern{n}")
        if "regex" in entries:
            items = self.sequence(entries["regex"][1], f"regex of {code_id}") or []
            for n, item in enumerate(items, start=1):
                self.read_regex(item, draft, f"{code_id}#regex{n}")
        if "proximity" in entries:
            items = self.sequence(entries["proximity"][1], f"proximity of {code_id}") or []
            for n, item in enumerate(items, start=1):
                self.read_proximity(item, draft, f"{code_id}#prox{n}")
        if "polarity" in entries:
            polarity = self.mapping(entries["polarity"][1], f"polarity of {code_id}", POLARITY_KEYS)
            if polarity is not None and "negated" not in polarity:
                self.error(
                    _line(entries["polarity"][0]),
                    f"missing required key 'negated' in polarity of {code_id}",
                )
            elif polarity:
                value_node = polarity["negated"][1]
                negated = self.text(value_node, f"'negated' in polarity of {code_id}")
                if negated:
                    draft.negated, draft.negated_line = negated, _line(value_node)
                elif negated == "":
                    self.error(_line(value_node), f"empty 'negated' in polarity of {code_id}")

    def _rule_entries(
        self, node: Node, rule_id: str, allowed: tuple[str, ...], required: tuple[str, ...]
    ) -> Entries | None:
        entries = self.mapping(node, rule_id, allowed)
        if entries is None:
            return None
        missing = [key for key in required if key not in entries]
        for key in missing:
            self.error(_line(node), f"missing required key '{key}' in {rule_id}")
        return None if missing else entries

    def read_pattern(self, node: Node, draft: DraftCode, rule_id: str) -> None:
        entries = self._rule_entries(node, rule_id, PATTERN_KEYS, PATTERN_KEYS)
        if entries is None:
            return
        lang_node = entries["lang"][1]
        if self.text(lang_node, f"'lang' in {rule_id}") == "any":
            self.error(
                _line(lang_node), f"'any' is for regex rules only; give {rule_id} a language"
            )
            return
        lang = self.language(lang_node, rule_id)
        pattern_node = entries["pattern"][1]
        if not isinstance(pattern_node, yaml.SequenceNode):
            self.error(
                _line(pattern_node),
                f"pattern of {rule_id} must be a list of token dicts, e.g. [{{LOWER: data}}]",
            )
            return
        if lang is None:
            return
        # spaCy validates the tokens themselves (check_patterns), with its own messages.
        try:
            tokens = tuple(_construct(pattern_node))
        except yaml.YAMLError as exc:  # e.g. a !!python tag, which safe loading refuses
            self.error(
                _line(pattern_node),
                f"pattern of {rule_id} cannot be read: {getattr(exc, 'problem', exc)}",
            )
            return
        draft.patterns.append(PatternRule(rule_id, lang, tokens, _line(pattern_node)))
        draft.pattern_token_lines.append([_line(item) for item in pattern_node.value])

    def read_regex(self, node: Node, draft: DraftCode, rule_id: str) -> None:
        entries = self._rule_entries(node, rule_id, PATTERN_KEYS, PATTERN_KEYS)
        if entries is None:
            return
        lang = self.language(entries["lang"][1], rule_id, allow_any=True)
        pattern_node = entries["pattern"][1]
        if not isinstance(pattern_node, yaml.ScalarNode) or _is_null(pattern_node):
            self.error(_line(pattern_node), f"pattern of {rule_id} must be a quoted regex")
            return
        # The raw value, not stripped: spaces can be part of a regex.
        if lang is not None:
            draft.regexes.append(RegexRule(rule_id, lang, pattern_node.value, _line(pattern_node)))

    def read_proximity(self, node: Node, draft: DraftCode, rule_id: str) -> None:
        entries = self._rule_entries(node, rule_id, PROXIMITY_KEYS, ("lang", "a", "b"))
        if entries is None:
            return
        lang = self.language(entries["lang"][1], rule_id)
        terms = {}
        for side in ("a", "b"):
            side_node = entries[side][1]
            items = self.text_list(side_node, f"'{side}' of {rule_id}")
            if items == []:
                self.error(_line(side_node), f"'{side}' of {rule_id} is empty")
            terms[side] = tuple(value for value, _ in items or [])
        within = same = None
        if "within" in entries and "same" in entries:
            self.error(_line(node), f"{rule_id} has both 'within' and 'same'; use one of them")
        elif "within" in entries:
            within = self.integer(entries["within"][1], f"'within' of {rule_id}")
        elif "same" in entries:
            same_node = entries["same"][1]
            same = self.text(same_node, f"'same' of {rule_id}")
            if same != "sentence":
                self.error(_line(same_node), f"'same' of {rule_id} must be 'sentence'")
                same = None
        else:
            self.error(
                _line(node),
                f"{rule_id} needs 'within' (largest gap) or 'same: sentence'",
            )
        if lang is not None and terms["a"] and terms["b"] and (within is not None or same):
            draft.proximity.append(
                ProximityRule(
                    rule_id,
                    lang,
                    terms["a"],
                    terms["b"],
                    within=within,
                    same="sentence" if same else None,
                    line=_line(node),
                )
            )

    # -- whole-codebook checks -------------------------------------------------------
    def check_drafts(self, references: dict[str, str]) -> dict[str, Code] | None:
        drafts, path = self.drafts, self.source
        self.problems += check_duplicate_ids(drafts, path)
        hierarchy, problems = resolve_hierarchy(drafts, path)
        self.problems += problems
        self.problems += check_regexes(drafts, path)
        self.problems += check_patterns(drafts, path)
        self.problems += check_polarity(drafts, hierarchy.families, path)
        self.problems += check_references(drafts, references, path)
        self.problems += check_keywords(drafts, path)
        codes: dict[str, Code] = {}
        for draft in hierarchy.order:
            codes[draft.id] = Code(
                id=draft.id,
                family=hierarchy.families.get(draft.id) or "",
                names=dict(draft.names),
                parent=hierarchy.parents.get(draft.id),
                definition=draft.definition,
                include=draft.include,
                exclude=draft.exclude,
                examples=draft.examples,
                counterexamples=draft.counterexamples,
                source=draft.source,
                refs=tuple(ref for ref, _ in draft.refs),
                color=draft.color,
                rules=Rules(
                    keywords={
                        lang: tuple(k for k, _ in items) for lang, items in draft.keywords.items()
                    },
                    patterns=tuple(draft.patterns),
                    regexes=tuple(draft.regexes),
                    proximity=tuple(draft.proximity),
                    exclusions=dict(draft.exclusions),
                    negated=draft.negated,
                ),
                line=draft.line,
            )
        return codes
