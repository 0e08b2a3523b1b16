"""Server-side SVG for the overview: horizontal bars and a Gantt-style timeline. Plain strings, no
JavaScript, nothing fetched at run time; every text is escaped."""

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from tinhso.core.formatting import vn_date, vn_number, vn_percent
from tinhso.programme.models import DerivedState

STATE_COLOURS = {
    DerivedState.NOT_STARTED: "#94a3b8",
    DerivedState.IN_PROGRESS: "#2563eb",
    DerivedState.OVERDUE: "#dc2626",
    DerivedState.DONE: "#16a34a",
    DerivedState.CANCELLED: "#a8a29e",
    DerivedState.CARRIED_OVER: "#d97706",
}
MONTHS = ["T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "T10", "T11", "T12"]


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bars(rows: Sequence[tuple[str, float, str]], width: int = 380, label_width: int = 185,
         formatter: Callable[[float], str] = vn_number, title: str = "") -> SafeString:
    """One horizontal bar per (label, value, colour)."""
    row_height = 24
    height = max(1, len(rows)) * row_height + 6
    largest = max((value for _, value, _ in rows), default=0) or 1
    span = width - label_width - 50
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'preserveAspectRatio="xMinYMin meet" aria-label="{escape(title)}">']
    for index, (label, value, colour) in enumerate(rows):
        y = index * row_height + 4
        length = max(0.0, float(value) / float(largest) * span)
        parts.append(f'<text x="{label_width - 6}" y="{y + 14}" text-anchor="end" font-size="12">'
                     f'{escape(_short(label, 34))}<title>{escape(label)}</title></text>')
        parts.append(f'<rect x="{label_width}" y="{y + 2}" width="{length:.1f}" height="16" rx="3" '
                     f'fill="{colour}"><title>{escape(label)}: {escape(formatter(value))}</title></rect>')
        parts.append(f'<text x="{label_width + length + 5:.1f}" y="{y + 14}" font-size="12">'
                     f'{escape(formatter(value))}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def budget_bars(rows: Sequence[dict], width: int = 520) -> SafeString:
    """Planned vs disbursed per funding source (million VND)."""
    label_width, row_height = 205, 40
    height = max(1, len(rows)) * row_height + 26
    largest = max((float(r["planned"]) for r in rows), default=0) or 1
    span = width - label_width - 110
    parts = [f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'aria-label="{escape(_("Kinh phí kế hoạch và giải ngân"))}">',
             f'<rect x="{label_width}" y="4" width="12" height="10" fill="#cbd5e1"/>'
             f'<text x="{label_width + 16}" y="13" font-size="11">{escape(pgettext("budget", "Kế hoạch"))}</text>'
             f'<rect x="{label_width + 130}" y="4" width="12" height="10" fill="#15803d"/>'
             f'<text x="{label_width + 146}" y="13" font-size="11">{escape(_("Đã giải ngân"))}</text>']
    million = escape(_("triệu đồng"))
    for index, row in enumerate(rows):
        y = index * row_height + 24
        planned, disbursed = float(row["planned"]), float(row["disbursed"])
        label = str(row["label"])
        parts.append(f'<text x="{label_width - 6}" y="{y + 17}" text-anchor="end" font-size="12">'
                     f'{escape(_short(label, 32))}<title>{escape(row["label"])}</title></text>')
        parts.append(f'<rect x="{label_width}" y="{y + 2}" width="{planned / largest * span:.1f}" height="14" '
                     f'fill="#cbd5e1"><title>{escape(vn_number(Decimal(planned), 1))} {million}</title></rect>')
        parts.append(f'<rect x="{label_width}" y="{y + 18}" width="{disbursed / largest * span:.1f}" height="14" '
                     f'fill="#15803d"><title>{escape(vn_number(Decimal(disbursed), 1))} {million}</title></rect>')
        rate = vn_percent(disbursed * 100 / planned) if planned else "—"
        parts.append(f'<text x="{label_width + planned / largest * span + 5:.1f}" y="{y + 14}" font-size="11">'
                     f'{escape(vn_number(Decimal(planned), 0))}</text>')
        parts.append(f'<text x="{label_width + disbursed / largest * span + 5:.1f}" y="{y + 30}" font-size="11">'
                     f'{escape(vn_number(Decimal(disbursed), 0))} ({escape(rate)})</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))


def gantt(tasks: Sequence, start: dt.date, end: dt.date, day: dt.date, url: Callable[[object], str],
          plan_start: dt.date | None = None, width: int = 1180) -> SafeString:
    """A Gantt-style timeline: one row per task from its start to its deadline, the done share filled,
    coloured by derived state, with month grid lines and today's line. A task without a start date is drawn
    from the plan's start (`plan_start`) with a dashed outline and marked "chưa có ngày bắt đầu"; a recurring
    task without a deadline runs to the end."""
    label_width, row_height, top = 330, 22, 30
    span_days = max(1, (end - start).days + 1)
    chart_width = width - label_width - 40
    span_months = (end.year - start.year) * 12 + end.month - start.month + 1
    step = 1 if span_months <= 18 else 3 if span_months <= 48 else 12
    height = top + max(1, len(tasks)) * row_height + 8

    def x_of(day_value: dt.date) -> float:
        offset = min(max((day_value - start).days, 0), span_days)
        return label_width + offset / span_days * chart_width

    parts = [f'<svg class="gantt" role="img" viewBox="0 0 {width} {height}" width="100%" '
             f'aria-label="{escape(_("Tiến độ theo thời gian"))}">']
    month = dt.date(start.year, start.month, 1)
    first = True
    while month <= end:
        if (month.month - 1) % step == 0:
            x = x_of(month)
            parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height}" stroke="#e5e7eb"/>')
            if step == 12:
                label = str(month.year)
            else:
                label = MONTHS[month.month - 1] + (f"/{month.year}" if month.month == 1 or first else "")
            parts.append(f'<text x="{x + 3:.1f}" y="{top - 10}" font-size="10" fill="#6b7280">{label}</text>')
            first = False
        month = dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    for index, task in enumerate(tasks):
        y = top + index * row_height
        state = getattr(task, "state", None) or DerivedState.NOT_STARTED
        colour = STATE_COLOURS.get(state, "#94a3b8")
        first = task.start_date or plan_start or start
        last = task.due_date or end
        x1, x2 = x_of(first), x_of(last)
        bar = max(x2 - x1, 3)
        label = f"{task.code}. {task.title}"
        begins = vn_date(task.start_date) if task.start_date else _("chưa có ngày bắt đầu")
        deadline = getattr(task, "deadline_label", "") or vn_date(task.due_date) or "?"
        tip = (f"{label} — {task.lead_unit.name}; {begins} → {deadline}; "
               f"{task.progress}%; {DerivedState(state).label if state in DerivedState.values else state}")

        parts.append(f'<a href="{escape(url(task))}"><text x="4" y="{y + 15}" font-size="11.5" fill="#1d4ed8">'
                     f'{escape(_short(label, 52))}<title>{escape(tip)}</title></text></a>')
        dashed = '' if task.start_date else ' stroke-dasharray="4 3" data-no-start="1"'
        parts.append(f'<rect x="{x1:.1f}" y="{y + 4}" width="{bar:.1f}" height="14" rx="3" fill="{colour}" '
                     f'fill-opacity="0.28" stroke="{colour}"{dashed}><title>{escape(tip)}</title></rect>')
        parts.append(f'<rect x="{x1:.1f}" y="{y + 4}" width="{bar * task.progress / 100:.1f}" height="14" rx="3" '
                     f'fill="{colour}"><title>{escape(tip)}</title></rect>')
        note = "" if task.start_date else f" · {_('chưa có ngày bắt đầu')}"
        if x1 + bar + 150 > width:  # no room after the bar: write inside its end
            parts.append(f'<text x="{x1 + bar - 4:.1f}" y="{y + 15}" font-size="10" fill="#374151" text-anchor="end">'
                         f'{task.progress}%{note}</text>')
        else:
            parts.append(f'<text x="{x1 + bar + 4:.1f}" y="{y + 15}" font-size="10" fill="#374151">'
                         f'{task.progress}%{note}</text>')
    if start <= day <= end:
        x = x_of(day)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height}" stroke="#b91c1c" '
                     'stroke-dasharray="4 3"/>')
        near_end = x > width - 120
        parts.append(f'<text x="{x - 3 if near_end else x + 3:.1f}" y="{height - 2}" font-size="10" fill="#b91c1c" '
                     f'text-anchor="{"end" if near_end else "start"}">hôm nay {vn_date(day)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))
