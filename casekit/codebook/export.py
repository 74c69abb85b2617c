"""Render a codebook as a thesis appendix (Markdown, LaTeX), a CSV table, a REFI-QDA ``.qdc`` or a tree."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import uuid
from collections.abc import Mapping
from typing import Any, Literal

from casekit import __version__
from casekit.codebook.model import Code, Codebook, family_color
from casekit.errors import CasekitError

__all__ = [
    "CASEKIT_GUID_NAMESPACE",
    "CSV_COLUMNS",
    "EXPORT_FORMATS",
    "QDC_NAMESPACE",
    "code_guid",
    "codebook_rows",
    "escape_latex",
    "export_codebook",
    "render_tree",
]

ExportFormat = Literal["md", "latex", "csv", "qdc"]
EXPORT_FORMATS: tuple[str, ...] = ("md", "latex", "csv", "qdc")

QDC_NAMESPACE = "urn:QDA-XML:codebook:1.0"
# uuid5(NAMESPACE_URL, "urn:casekit:refi-qda"), fixed forever: GUIDs derived from it name the
# same code in every export, so re-importing into NVivo or ATLAS.ti updates instead of duplicating.
CASEKIT_GUID_NAMESPACE = uuid.UUID("ee1a3000-6b1d-57a5-8fb8-2fd85b6a34b5")

#: Columns of the ``csv`` export, in order.
CSV_COLUMNS: tuple[str, ...] = (
    "id",
    "parent",
    "level",
    "family",
    "name_zh",
    "name_en",
    "definition",
    "include",
    "exclude",
    "n_keywords_zh",
    "n_keywords_en",
    "examples",
)

_LABELS = {
    "en": {
        "code": "Code",
        "name": "Name",
        "definition": "Definition",
        "criteria": "Include / exclude",
        "example": "Example",
        "include": "Include",
        "exclude": "Exclude",
        "version": "version",
        "hash": "hash",
    },
    "zh": {
        "code": "编码",
        "name": "名称",
        "definition": "定义",
        "criteria": "纳入 / 排除标准",
        "example": "示例",
        "include": "纳入",
        "exclude": "排除",
        "version": "版本",
        "hash": "哈希",
    },
}


def code_guid(codebook_id: str, code_id: str) -> str:
    """The stable REFI-QDA GUID of a code: the same ids give the same GUID in every export."""
    return str(uuid.uuid5(CASEKIT_GUID_NAMESPACE, f"{codebook_id}/{code_id}"))


def export_codebook(cb: Codebook, fmt: ExportFormat, *, lang: str = "en") -> str | bytes:
    """Render a codebook for a thesis appendix, a spreadsheet or another QDA program.

    Parameters
    ----------
    cb
        The codebook.
    fmt
        ``md`` (Markdown tables, one per top-level category), ``latex`` (a ``longtable``
        with booktabs rules), ``csv`` (one row per code, columns :data:`CSV_COLUMNS`) or
        ``qdc`` (REFI-QDA codebook XML, returned as UTF-8 bytes).
    lang
        The language named first and used for headings, example choice and ``qdc`` names.

    Returns
    -------
    str or bytes
        Text for ``md``, ``latex`` and ``csv``; bytes for ``qdc``.

    Examples
    --------
    >>> xml = export_codebook(cb, "qdc", lang="zh")  # doctest: +SKIP
    """
    if fmt == "md":
        return _to_markdown(cb, lang)
    if fmt == "latex":
        return _to_latex(cb, lang)
    if fmt == "csv":
        return _to_csv(cb)
    if fmt == "qdc":
        return _to_qdc(cb, lang)
    raise CasekitError(f"unknown export format '{fmt}' (choose one of {', '.join(EXPORT_FORMATS)})")


# -- shared helpers ---------------------------------------------------------------------
def _labels(lang: str) -> dict[str, str]:
    return _LABELS.get(lang, _LABELS["en"])


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _example(code: Code, lang: str) -> str:
    """One example quote, preferring the language the appendix is written in."""
    for example in code.examples:
        if _is_cjk(example) == (lang == "zh"):
            return example
    return code.examples[0] if code.examples else ""


def _names(cb: Codebook, code: Code, lang: str) -> list[str]:
    order = [lang, *(x for x in cb.languages if x != lang)]
    return [code.names[x] for x in order if code.names.get(x)]


def _sections(cb: Codebook) -> list[tuple[Code, list[Code]]]:
    """Each top-level category with itself and all its descendants, depth-first."""
    sections: list[tuple[Code, list[Code]]] = []
    for code in cb:
        if code.parent is None:
            sections.append((code, []))
        sections[-1][1].append(code)
    return sections


def _title(cb: Codebook, lang: str) -> str:
    return cb.title.get(lang) or next(iter(cb.title.values()), "") or cb.id


# -- Markdown ---------------------------------------------------------------------------
def _md_cell(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return "<br>".join(line.strip() for line in text.strip().splitlines())


def _to_markdown(cb: Codebook, lang: str) -> str:
    labels = _labels(lang)
    out = [
        f"# {_md_cell(_title(cb, lang))}",
        "",
        f"`{cb.id}` · {labels['version']} {cb.version} · {labels['hash']} `{cb.content_hash}`",
        "",
    ]
    if cb.description:
        out += [cb.description.strip(), ""]
    header = [labels[k] for k in ("code", "name", "definition", "criteria", "example")]
    for category, codes in _sections(cb):
        heading = " / ".join(_names(cb, category, lang))
        out += [f"## {category.id} — {_md_cell(heading)} ({category.family})", ""]
        out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for code in codes:
            criteria = []
            if code.include:
                criteria.append(f"**{labels['include']}:** {_md_cell(code.include)}")
            if code.exclude:
                criteria.append(f"**{labels['exclude']}:** {_md_cell(code.exclude)}")
            example = _example(code, lang)
            cells = [
                f"`{code.id}`",
                "<br>".join(_md_cell(n) for n in _names(cb, code, lang)),
                _md_cell(code.definition),
                "<br>".join(criteria),
                f"“{_md_cell(example)}”" if example else "",
            ]
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


# -- LaTeX ------------------------------------------------------------------------------
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_LATEX_SPECIAL_RE = re.compile("|".join(re.escape(ch) for ch in _LATEX_SPECIAL))


def escape_latex(text: str) -> str:
    """Escape LaTeX's special characters (``\\ & % $ # _ { } ~ ^``); fold line breaks into spaces."""
    escaped = _LATEX_SPECIAL_RE.sub(lambda m: _LATEX_SPECIAL[m.group(0)], text)
    # A blank line would end the table row's paragraph; keep each cell one paragraph.
    return re.sub(r"\s*\n\s*", " ", escaped.strip())


def _latex_id(code_id: str) -> str:
    # Let long dotted ids break after a dot inside a narrow column.
    return r"\texttt{" + escape_latex(code_id).replace(".", r".\allowbreak{}") + "}"


def _to_latex(cb: Codebook, lang: str) -> str:
    labels = _labels(lang)
    widths = (0.15, 0.15, 0.24, 0.2, 0.18)
    columns = "".join(rf">{{\raggedright\arraybackslash}}p{{{w}\linewidth}}" for w in widths)
    header = " & ".join(
        rf"\textbf{{{labels[k]}}}" for k in ("code", "name", "definition", "criteria", "example")
    )
    label = re.sub(r"[^a-z0-9]+", "-", cb.id.lower()).strip("-")
    caption = (
        f"{escape_latex(_title(cb, lang))} ({labels['version']} {escape_latex(cb.version)}, "
        rf"{labels['hash']} \texttt{{{cb.content_hash}}})"
    )
    out = [
        f"% casekit {__version__} codebook export: {cb.id} version {cb.version}"
        f" (hash {cb.content_hash})",
        r"% Needs \usepackage{booktabs,longtable,array}; Chinese text needs xeCJK or ctex"
        " (XeLaTeX or LuaLaTeX).",
        rf"\begin{{longtable}}{{@{{}}{columns}@{{}}}}",
        rf"\caption{{{caption}}}\label{{tab:codebook-{label}}}\\",
        r"\toprule",
        rf"{header} \\",
        r"\midrule",
        r"\endfirsthead",
        r"\toprule",
        rf"{header} \\",
        r"\midrule",
        r"\endhead",
        r"\bottomrule",
        r"\endlastfoot",
    ]
    for n, (category, codes) in enumerate(_sections(cb)):
        heading = " / ".join(escape_latex(x) for x in _names(cb, category, lang))
        if n:
            out.append(r"\midrule")
        out.append(
            rf"\multicolumn{{5}}{{@{{}}l}}{{\textbf{{{escape_latex(category.id)}}} --- "
            rf"{heading} ({escape_latex(category.family)})}} \\"
        )
        out.append(r"\addlinespace")
        for code in codes:
            criteria = []
            if code.include:
                criteria.append(rf"\textit{{{labels['include']}:}} {escape_latex(code.include)}")
            if code.exclude:
                criteria.append(rf"\textit{{{labels['exclude']}:}} {escape_latex(code.exclude)}")
            example = _example(code, lang)
            cells = [
                _latex_id(code.id),
                r" \newline ".join(escape_latex(x) for x in _names(cb, code, lang)),
                escape_latex(code.definition),
                r" \newline ".join(criteria),
                f"``{escape_latex(example)}''" if example else "",
            ]
            out.append(" & ".join(cells) + r" \\")
    out += [r"\end{longtable}", ""]
    return "\n".join(out)


# -- CSV --------------------------------------------------------------------------------
def _to_csv(cb: Codebook) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for code in cb:
        keywords = code.rules.keywords
        writer.writerow(
            [
                code.id,
                code.parent or "",
                cb.level(code.id),
                code.family,
                code.names.get("zh", ""),
                code.names.get("en", ""),
                code.definition,
                code.include,
                code.exclude,
                len(keywords.get("zh", ())),
                len(keywords.get("en", ())),
                "\n".join(code.examples),
            ]
        )
    return buffer.getvalue()


# -- REFI-QDA codebook ------------------------------------------------------------------
# XML 1.0 cannot hold most C0 control characters, even escaped.
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    return _XML_INVALID_RE.sub("", text)


def _qdc_description(cb: Codebook, code: Code) -> str:
    # Plain "key: value" lines, so an importer can recover the casekit id and both names.
    lines = [f"ID: {code.id}"]
    lines += [f"{lang}: {code.names[lang]}" for lang in cb.languages if code.names.get(lang)]
    for key, value in (
        ("Definition", code.definition),
        ("Include", code.include),
        ("Exclude", code.exclude),
    ):
        if value:
            lines.append(f"{key}: {value}")
    return _xml_text("\n".join(lines))


def _to_qdc(cb: Codebook, lang: str) -> bytes:
    from lxml import etree

    def tag(name: str) -> str:
        return f"{{{QDC_NAMESPACE}}}{name}"

    root = etree.Element(tag("CodeBook"), nsmap={None: QDC_NAMESPACE})
    root.set(
        "origin",
        f"casekit {__version__}; codebook {cb.id} version {cb.version} (hash {cb.content_hash})",
    )
    codes_element = etree.SubElement(root, tag("Codes"))

    def add(parent: Any, code: Code) -> None:
        element = etree.SubElement(parent, tag("Code"))
        element.set("guid", code_guid(cb.id, code.id))
        element.set("name", _xml_text(f"{code.id} {code.name(lang)}"))
        element.set("isCodable", "true")
        element.set("color", (code.color or family_color(code.family)).upper())
        etree.SubElement(element, tag("Description")).text = _qdc_description(cb, code)
        for child in cb.children(code.id):
            add(element, child)

    for root_code in cb.roots():
        add(codes_element, root_code)

    # Families become sets (NVivo sets, ATLAS.ti code groups); empty containers are invalid.
    families: dict[str, list[Code]] = {}
    for code in cb:
        families.setdefault(code.family, []).append(code)
    if families:
        sets_element = etree.SubElement(root, tag("Sets"))
        for family, members in families.items():
            set_element = etree.SubElement(sets_element, tag("Set"))
            set_element.set("guid", code_guid(cb.id, f"family:{family}"))
            set_element.set("name", family)
            etree.SubElement(set_element, tag("Description")).text = f"casekit family '{family}'"
            for member in members:
                etree.SubElement(set_element, tag("MemberCode")).set(
                    "guid", code_guid(cb.id, member.id)
                )
    # A double-quoted declaration: some QDA programs are picky about lxml's single quotes.
    declaration = b'<?xml version="1.0" encoding="UTF-8"?>\n'
    return declaration + etree.tostring(root, encoding="UTF-8", pretty_print=True)


# -- tree and rows (``casekit codebook show``) -------------------------------------------
def _display_width(text: str) -> int:
    """Terminal columns: East Asian wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _display_width(text))


def render_tree(cb: Codebook, lang: str = "en", counts: Mapping[str, int] | None = None) -> str:
    """The code hierarchy as indented text: ``ID  name  (family)`` per line.

    Parameters
    ----------
    cb
        The codebook.
    lang
        Language of the names (falls back to another language when a name is missing).
    counts
        Optional number of codings per code id; adds a right-aligned count column
        (codes absent from the mapping show 0).

    Returns
    -------
    str
        One line per code in depth-first order, children indented by two spaces.
    """
    rows = []
    for code in cb:
        indent = "  " * (cb.level(code.id) - 1)
        rows.append((indent + code.id, code.name(lang), f"({code.family})", code.id))
    id_width = max((_display_width(r[0]) for r in rows), default=0)
    name_width = max((_display_width(r[1]) for r in rows), default=0)
    family_width = max((_display_width(r[2]) for r in rows), default=0)
    count_width = max((len(str(v)) for v in (counts or {}).values()), default=1)
    lines = []
    for ident, name, family, code_id in rows:
        line = f"{_pad(ident, id_width)}  {_pad(name, name_width)}  "
        if counts is None:
            line += family
        else:
            line += f"{_pad(family, family_width)}  {counts.get(code_id, 0):>{count_width}}"
        lines.append(line.rstrip())
    return "\n".join(lines) + ("\n" if lines else "")


def codebook_rows(cb: Codebook, counts: Mapping[str, int] | None = None) -> list[dict[str, Any]]:
    """One plain dict per code, depth-first, for CSV and JSON listings.

    Keys, in order: ``id``, ``parent`` (``None`` at the top), ``level`` (1 = top),
    ``family``, then ``name_<lang>`` for each codebook language, ``n_rules`` (the number of
    rule ids: one ``#kw`` when the code has keywords, plus each pattern, regex and proximity
    rule) and, when ``counts`` is given, ``n_codings``.
    """
    rows = []
    for code in cb:
        rules = code.rules
        row: dict[str, Any] = {
            "id": code.id,
            "parent": code.parent,
            "level": cb.level(code.id),
            "family": code.family,
        }
        for lang in cb.languages:
            row[f"name_{lang}"] = code.names.get(lang, "")
        row["n_rules"] = (
            int(any(rules.keywords.values()))
            + len(rules.patterns)
            + len(rules.regexes)
            + len(rules.proximity)
        )
        if counts is not None:
            row["n_codings"] = int(counts.get(code.id, 0))
        rows.append(row)
    return rows
