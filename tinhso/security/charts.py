"""Server-side SVG charts of the security pages (pygal: no JavaScript, nothing downloaded)."""

import math

import pygal
from django.utils.safestring import SafeString
from pygal.style import Style

from tinhso.core.charts import inline_svg
from tinhso.core.formatting import vn_number
from tinhso.core.labels import one_language

STYLE = Style(background="white", plot_background="white", foreground="#1f2937", foreground_strong="#1f2937",
              foreground_subtle="#6b7280", colors=("#b91c1c", "#1d4ed8", "#15803d", "#b45309", "#7c3aed"),
              font_family="Segoe UI, Roboto, Noto Sans, DejaVu Sans, Arial, sans-serif")


def horizontal_bars(title: str, rows: list[tuple[str, float]], formatter=vn_number, width: int = 640) -> SafeString:
    """One bar per (label, value); labels in the reader's language."""
    chart = pygal.HorizontalBar(style=STYLE, width=width, height=max(160, 34 * len(rows) + 70), show_legend=False,
                                print_values=True, print_values_position="top", disable_xml_declaration=True,
                                js=[])  # no script: the page's Content-Security-Policy forbids inline ones
    chart.title = title
    chart.x_labels = [one_language(label) for label, _ in rows]
    chart.add(title, [value for _, value in rows])
    largest = max((value for _, value in rows), default=0)
    if float(largest).is_integer():  # counts: whole-number ticks only
        step = max(1, math.ceil(largest / 5))
        chart.y_labels = list(range(0, int(largest) + step + 1, step))
    chart.value_formatter = formatter
    return inline_svg(chart)


def stacked_bars(title: str, labels: list[str], series: list[tuple[str, list[float]]], width: int = 760) -> SafeString:
    chart = pygal.StackedBar(style=STYLE, width=width, height=340, legend_at_bottom=True, x_label_rotation=20,
                             disable_xml_declaration=True, truncate_label=28, js=[])
    chart.title = title
    chart.x_labels = labels
    for name, values in series:
        chart.add(name, values)
    chart.value_formatter = vn_number
    return inline_svg(chart)
