"""Server-side SVG charts (pygal) made safe to inline in a page."""

import re

from django.utils.safestring import SafeString, mark_safe

# pygal always writes an inline <script> with its tooltip configuration; the pages' Content-Security-Policy
# forbids inline scripts, and the charts are static, so it is removed.
_SCRIPT = re.compile(r"<script\b[^>]*>.*?</script>", re.DOTALL)


def without_scripts(svg: str) -> SafeString:
    """SVG rendered by pygal, without its script."""
    return mark_safe(_SCRIPT.sub("", svg))  # noqa: S308 - pygal escapes the labels it renders


def inline_svg(chart) -> SafeString:
    """Render a pygal chart as SVG for a page: no XML declaration, no script."""
    chart.config.js = []
    chart.config.disable_xml_declaration = True
    return without_scripts(chart.render(is_unicode=True))
