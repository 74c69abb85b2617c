"""The report's stylesheet and its small script, inlined so the file needs nothing else."""

from __future__ import annotations

from collections.abc import Iterable

from casekit.codebook.model import family_color
from casekit.report.documents import family_class

__all__ = ["SCRIPT", "STYLE", "family_rules"]

STYLE = """
:root { --ink: #222; --muted: #666; --rule: #ddd; --bg: #fff; --panel: #f6f6f4; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: var(--bg);
  font: 15px/1.6 "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
  system-ui, sans-serif; }
header.top { padding: 1.5rem 2rem 1rem; border-bottom: 1px solid var(--rule); }
header.top h1 { margin: 0 0 .25rem; font-size: 1.6rem; }
header.top p { margin: 0; color: var(--muted); }
nav.toc { padding: .5rem 2rem; border-bottom: 1px solid var(--rule); font-size: .9rem; }
nav.toc a { margin-right: 1.2rem; color: inherit; }
main { max-width: 1100px; margin: 0 auto; padding: 1rem 2rem 4rem; }
section.part { margin-top: 2.5rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .4rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .88rem; }
th, td { padding: .2rem .6rem; text-align: left; vertical-align: top; }
thead th { border-top: 1.5px solid var(--ink); border-bottom: 1px solid var(--ink); }
tbody tr:last-child td { border-bottom: 1.5px solid var(--ink); }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.note { color: var(--muted); font-size: .88rem; }
.warning { background: #fff4e5; border-left: 4px solid #e69f00; padding: .5rem .8rem; }
figure.fig { margin: 1.5rem 0 2rem; }
figure.fig .figure-svg { width: 100%; height: auto; max-width: 900px; display: block; }
figure.fig .figure-svg * { stroke-linejoin: round; stroke-linecap: butt; }
figure.fig figcaption { font-size: .88rem; color: var(--muted); margin-top: .4rem; }
figure.fig figcaption b { color: var(--ink); }
ul.tree, ul.tree ul { list-style: none; padding-left: 1.2rem; margin: .2rem 0; }
ul.tree > li { margin: .4rem 0; }
ul.tree details > summary { cursor: pointer; }
.swatch { display: inline-block; width: .8em; height: .8em; margin-right: .35em;
  vertical-align: baseline; border: 1px solid #333; }
code.id { font-size: .82rem; color: var(--muted); }
.def { margin: .2rem 0 .5rem 1.2rem; font-size: .9rem; }
.count { color: var(--muted); font-size: .85rem; }
.pattern { margin: 1rem 0 1.4rem; }
.pattern ul { margin: .2rem 0; padding-left: 1.2rem; }
blockquote { margin: .4rem 0 .4rem 1.2rem; padding-left: .8rem; border-left: 3px solid var(--rule); }
blockquote cite { display: block; font-style: normal; color: var(--muted); font-size: .85rem; }
mark { background: #fde2e4; border-bottom: 2px solid #EE6677; padding: 0 .1em; }
.toolbar { position: sticky; top: 0; z-index: 2; background: var(--panel);
  border: 1px solid var(--rule); padding: .5rem .8rem; display: flex; flex-wrap: wrap;
  gap: .6rem 1.4rem; align-items: center; font-size: .9rem; }
.toolbar label { white-space: nowrap; }
.toolbar select { max-width: 28rem; font: inherit; }
.legend span.item { margin-right: .8rem; white-space: nowrap; }
section.doc { border-bottom: 1px solid var(--rule); padding: .6rem 0 1rem; }
section.doc[hidden] { display: none; }
section.doc .meta { color: var(--muted); font-size: .85rem; margin: 0 0 .5rem; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.text .c { border-bottom: 2px solid transparent; cursor: help; }
.text .c.multi { border-bottom-style: double; border-bottom-width: 3px; }
.text .c.off { background: none !important; border-bottom-color: transparent !important; }
footer { color: var(--muted); font-size: .8rem; padding: 2rem; text-align: center; }
"""

SCRIPT = """
(function () {
  "use strict";
  var codeFilter = document.getElementById("code-filter");
  var docFilter = document.getElementById("doc-filter");
  var status = document.getElementById("filter-status");
  if (!codeFilter || !docFilter) { return; }
  var docs = Array.prototype.slice.call(document.querySelectorAll("section.doc"));
  function apply() {
    var code = codeFilter.value;
    var only = docFilter.value;
    var spans = 0, shown = 0;
    docs.forEach(function (doc) {
      var hits = 0;
      doc.querySelectorAll(".c").forEach(function (el) {
        var codes = " " + el.getAttribute("data-codes") + " ";
        var on = code === "" || codes.indexOf(" " + code + " ") >= 0;
        el.classList.toggle("off", !on);
        if (on) { hits += 1; }
      });
      var visible = (only === "" || doc.id === only) && (code === "" || hits > 0);
      doc.hidden = !visible;
      if (visible) { shown += 1; spans += hits; }
    });
    status.textContent = code === ""
      ? shown + " documents"
      : spans + " highlighted passages in " + shown + " documents";
  }
  codeFilter.addEventListener("change", apply);
  docFilter.addEventListener("change", apply);
  apply();
})();
"""


def family_rules(families: Iterable[str]) -> str:
    """CSS giving each family's highlighted spans a light tint and an underline in its colour."""
    rules = []
    for family in sorted(set(families)):
        color = family_color(family)
        cls = family_class(family)
        rules.append(
            f".text .{cls} {{ background: {color}33; border-bottom-color: {color}; }}\n"
            f".swatch.{cls} {{ background: {color}; }}"
        )
    return "\n".join(rules)
