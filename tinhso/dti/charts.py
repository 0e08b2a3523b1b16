"""Server-side SVG charts (no JavaScript, nothing downloaded): a unit's main indicators, this year
against last year, as horizontal bars in percent of each indicator's maximum."""

from html import escape

from django.utils.translation import gettext as _

from tinhso.core.formatting import vn_number
from tinhso.core.labels import one_language

ROW = 34
LABEL_WIDTH = 250
BAR_WIDTH = 330
WIDTH = LABEL_WIDTH + BAR_WIDTH + 70


def _short(text: str, limit: int = 38) -> str:
    text = one_language(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def main_indicator_bars(rows: list[tuple[str, float, float | None, float]], this_year: int,
                        last_year_label: str = "") -> str:
    """rows: (label, points, previous points or None, max points). Returns an <svg> element."""
    rows = [r for r in rows if r[3] > 0]
    height = 40 + ROW * len(rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="dti-chart" viewBox="0 0 {WIDTH} {height}" '
             f'width="100%" role="img" aria-label="{escape(_("Điểm theo chỉ số chính"))}">',
             '<style>text{font:12px sans-serif;fill:#1f2937}.pct{font-size:11px}.axis{stroke:#e5e7eb}</style>']
    for tick in (0, 25, 50, 75, 100):
        x = LABEL_WIDTH + BAR_WIDTH * tick / 100
        parts.append(f'<line class="axis" x1="{x:.1f}" y1="22" x2="{x:.1f}" y2="{height - 6}"/>'
                     f'<text x="{x:.1f}" y="16" text-anchor="middle" class="pct">{tick}%</text>')
    for index, (label, points, previous, maximum) in enumerate(rows):
        y = 28 + index * ROW
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">'
                     f'<title>{escape(label)}</title>{escape(_short(label))}</text>')
        share = max(0.0, min(1.0, points / maximum))
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{BAR_WIDTH * share:.1f}" height="13" fill="#b91c1c">'
                     f'<title>{this_year}: {vn_number(points, 2)}/{vn_number(maximum)}</title></rect>')
        parts.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH * share + 4:.1f}" y="{y + 11}" class="pct">'
                     f'{vn_number(100 * share, 1)}%</text>')
        if previous is not None:
            old = max(0.0, min(1.0, previous / maximum))
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y + 15}" width="{BAR_WIDTH * old:.1f}" height="9" '
                         f'fill="#94a3b8"><title>{escape(last_year_label or str(this_year - 1))}: '
                         f'{vn_number(previous, 2)}/{vn_number(maximum)}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)
