"""The dashboard as one self-contained HTML file: the data and Vega's scripts inline, so it
opens offline, from disk or over HTTP, with nothing fetched."""

import html
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from dagster_project.atomic_files import write_atomically
from dagster_project.serve.dashboard.charts import chart_specs
from dagster_project.serve.dashboard.figures import Figures, read_figures

VENDOR = Path(__file__).resolve().parent.parent / "vendor"
# vega 6.4.0, vega-lite 6.4.1 (what Altair 6.3 writes), vega-embed 7.3.0: vendor/README.md
SCRIPTS = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")

SECTIONS = (
    ("Papers over time", ("per_month", "per_day")),
    ("Attention", ("top_7", "top_30", "trajectories")),
    ("People and topics", ("authors", "keywords", "categories")),
    ("The latest build", ("rejects",)),
)


@dataclass(frozen=True)
class BuildHealth:
    """What the dashboard says of the build that published the warehouse."""

    checks_passed: int | None = None
    checks_total: int | None = None
    run_id: str | None = None


def write_dashboard(warehouse: Path, target: Path, health: BuildHealth | None = None) -> Path:
    """Read the figures from the published warehouse and write the page (atomically)."""
    # A build and `papers-warehouse dashboard` may write at the same moment: each replaces
    # the page whole.
    write_atomically(target, render(read_figures(warehouse), warehouse,
                                    health or BuildHealth()))
    return target


def render(figures: Figures, warehouse: Path, health: BuildHealth) -> str:
    specs = chart_specs(figures)
    sections = "\n".join(_section(title, ids, specs) for title, ids in SECTIONS)
    drawn = {chart_id: spec for chart_id, spec in specs.items() if isinstance(spec, dict)}
    scripts = "\n".join(f"<script>\n{_vendor(name)}\n</script>" for name in SCRIPTS)
    embed = (f"const specs = {_json(drawn)};\n"
             "for (const [id, spec] of Object.entries(specs)) {\n"
             "  vegaEmbed('#' + id, spec, {actions: false, renderer: 'svg'})\n"
             "    .catch(error => { document.getElementById(id).textContent = "
             "'this chart failed: ' + error; });\n}")
    return PAGE.format(
        built=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        warehouse=html.escape(str(warehouse)),
        last_day=figures.last_day or "none",
        health=_health(figures, health),
        sections=sections, scripts=scripts, embed=f"<script>\n{embed}\n</script>")


def _section(title: str, chart_ids: tuple[str, ...], specs: dict) -> str:
    cells = []
    for chart_id in chart_ids:
        spec = specs[chart_id]
        if isinstance(spec, dict):
            cells.append(f'<div class="chart" id="{chart_id}"></div>')
        else:
            cells.append(f'<div class="chart empty" id="{chart_id}">'
                         f"{html.escape(spec)}</div>")
    return f"<section><h2>{html.escape(title)}</h2>\n" + "\n".join(cells) + "\n</section>"


def _health(figures: Figures, health: BuildHealth) -> str:
    checks = ("checks: not known for this copy" if health.checks_total is None
              else f"checks: {health.checks_passed} of {health.checks_total} passed")
    papers = figures.table_rows.get("papers", 0)
    rejects = figures.table_rows.get("rejects", 0)
    run = f" · Dagster run {html.escape(health.run_id)}" if health.run_id else ""
    rows = "".join(f"<tr><td>{html.escape(table)}</td><td>{count:,}</td></tr>"
                   for table, count in figures.table_rows.items())
    return (f"<p>{papers:,} papers · {rejects:,} rejects · {checks}{run}</p>\n"
            f'<table class="rows"><tr><th>table</th><th>rows</th></tr>{rows}</table>')


def _vendor(name: str) -> str:
    code = (VENDOR / name).read_text(encoding="utf-8")
    if "</script" in code.lower():  # would end the inline element early
        raise ValueError(f"{name} cannot be inlined: it holds '</script'")
    return code


# Characters that could end or confuse the <script> element the JSON sits in ("</script>",
# "<!--<script>" in a title), written as the same characters in JSON escapes.
SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                             "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _json(value: object) -> str:
    """JSON safe inside a <script> element: titles are user text."""
    return json.dumps(value, ensure_ascii=False, default=str).translate(SCRIPT_SAFE)


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Papers Warehouse — dashboard</title>
<style>
  body {{ font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }}
  header p {{ color: #555; margin: 4px 0; }}
  section {{ display: flex; flex-wrap: wrap; gap: 24px; margin: 28px 0; }}
  section h2 {{ width: 100%; margin: 0; font-size: 18px; border-bottom: 1px solid #ddd; }}
  .chart.empty {{ color: #777; font-style: italic; padding: 12px 0; }}
  table.rows {{ border-collapse: collapse; margin: 8px 0; }}
  table.rows td, table.rows th {{ padding: 2px 12px 2px 0; text-align: left; }}
  table.rows td + td {{ text-align: right; }}
</style>
{scripts}
</head>
<body>
<header>
<h1>Papers Warehouse</h1>
{health}
<p>Latest day in the data: {last_day}. Built {built} from {warehouse}.</p>
<p>A paper's day is its Daily Papers listing date where a source gives one, else its arXiv
publication date; charts say which.</p>
</header>
{sections}
{embed}
</body>
</html>
"""
