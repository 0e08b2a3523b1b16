"""Server-side SVG: pygal charts (trend, by unit, ranking, completeness), sparklines, and the equal-area
tile grid of units used as a map when no boundaries are loaded."""

from __future__ import annotations

import math
from html import escape

import pygal
from pygal.style import Style

from tinhso.core.charts import inline_svg, without_scripts
from tinhso.core.formatting import vn_number
from tinhso.core.text import vi_sort_key
from tinhso.ioc.contract import BAD, GOOD, NEUTRAL, WARN, Chart, Tile

COLOURS = {GOOD: "#15803d", WARN: "#b45309", BAD: "#b91c1c", NEUTRAL: "#64748b"}
FILL = {GOOD: "#dcfce7", WARN: "#fef3c7", BAD: "#fee2e2", NEUTRAL: "#f1f5f9"}

STYLE = Style(background="transparent", plot_background="transparent", foreground="#1f2937",
              foreground_strong="#111827", foreground_subtle="#9ca3af", opacity=".9", opacity_hover="1",
              colors=("#b91c1c", "#1d4ed8", "#15803d", "#b45309", "#7c3aed", "#0f766e"),
              font_family="Segoe UI, Roboto, Noto Sans, DejaVu Sans, sans-serif",
              label_font_size=13, major_label_font_size=13, value_font_size=13, legend_font_size=13,
              title_font_size=16, tooltip_font_size=13)


def _static(chart) -> str:
    return inline_svg(chart)


def svg(chart: Chart) -> str:
    kinds = {"line": pygal.Line, "bar": pygal.Bar, "hbar": pygal.HorizontalBar, "gauge": pygal.SolidGauge}
    cls = kinds.get(chart.kind, pygal.Bar)
    options = dict(style=STYLE, width=640, height=320, show_legend=len(chart.series) > 1, legend_at_bottom=True,
                   value_formatter=lambda v: "" if v is None else vn_number(v, 1) + chart.value_suffix,
                   print_values=chart.kind in ("bar", "hbar") and len(chart.labels) <= 15,
                   x_label_rotation=30 if chart.kind == "bar" and len(chart.labels) > 6 else 0,
                   truncate_label=28, margin=8)
    if chart.kind == "gauge":
        options.update(inner_radius=0.7, half_pie=True, show_legend=True)
        plot = cls(**options)
        for (name, values), link in zip(chart.series, chart.links or [None] * len(chart.series), strict=False):
            plot.add(name, [{"value": values[0], "max_value": 100, **({"xlink": link} if link else {})}])
        return _static(plot)
    numbers = [v for _, values in chart.series for v in values if v is not None]
    if chart.value_suffix == "%" and numbers and 0 <= min(numbers) and max(numbers) <= 100:
        options["range"] = (0, 100)  # shares are read against the whole, not against the best unit
    plot = cls(**options)
    plot.x_labels = chart.labels
    for name, values in chart.series:
        points = []
        for i, value in enumerate(values):
            link = chart.links[i] if i < len(chart.links) else ""
            points.append({"value": value, "xlink": {"href": link, "target": "_top"}} if link and value is not None
                          else value)
        plot.add(name, points)
    return _static(plot)


def sparkline(values: list[float | None], colour: str = "#1d4ed8") -> str:
    points = [v for v in values if v is not None]
    if len(points) < 2:
        return ""
    plot = pygal.Line(style=Style(background="transparent", plot_background="transparent", colors=(colour,)),
                      show_dots=False, stroke_style={"width": 3}, fill=False)
    plot.add("", [None if v is None else float(v) for v in values])
    plot.config.js = []
    plot.config.disable_xml_declaration = True
    return without_scripts(plot.render_sparkline(width=180, height=40, interpolate=None))


def tile_grid(tile: Tile, cell: int = 92) -> str:
    """An equal-area tile grid: every unit of the scope one square, in alphabetical order, coloured by
    status, each square a link. Used instead of boundaries, which distort attention towards large
    rural communes and are often not available on an intranet."""
    units = sorted(tile.unit_values, key=lambda u: vi_sort_key(u["name"]))
    if not units:
        return ""
    columns = max(1, math.ceil(math.sqrt(len(units) * 1.6)))
    rows = math.ceil(len(units) / columns)
    gap = 4
    width, height = columns * (cell + gap), rows * (cell + gap)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" class="tilegrid" '
             f'role="img" aria-label="{escape(tile.title)}">']
    for i, unit in enumerate(units):
        x, y = (i % columns) * (cell + gap), (i // columns) * (cell + gap)
        status = unit.get("status") or NEUTRAL
        short = unit.get("short") or unit["name"]
        words, lines, line = short.split(), [], ""
        for word in words:
            if len(line) + len(word) > 11 and line:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}".strip()
        lines.append(line)
        label = "".join(f'<tspan x="{x + cell / 2}" dy="{0 if n == 0 else 13}">{escape(t)}</tspan>'
                        for n, t in enumerate(lines[:3]))
        body = (f'<rect x="{x}" y="{y}" width="{cell}" height="{cell}" rx="6" fill="{FILL[status]}" '
                f'stroke="{COLOURS[status]}" stroke-width="2"><title>{escape(unit["name"])}: '
                f'{escape(unit.get("text") or "")}</title></rect>'
                f'<text x="{x + cell / 2}" y="{y + 18}" text-anchor="middle" font-size="11" fill="#1f2937">{label}'
                f'</text><text x="{x + cell / 2}" y="{y + cell - 12}" text-anchor="middle" font-size="17" '
                f'font-weight="700" fill="{COLOURS[status]}">{escape(unit.get("text") or "—")}</text>')
        url = unit.get("url")
        parts.append(f'<a href="{escape(url)}" target="_top">{body}</a>' if url else body)
    parts.append("</svg>")
    return "".join(parts)
