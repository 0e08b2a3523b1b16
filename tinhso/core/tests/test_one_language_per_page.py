"""With a language chosen, a page shows that language only (#17 item 13).

The demo is loaded (with fewer vehicles and days of journeys) and the main pages of every app, plus the pages
they link to, are crawled as the system administrator, once in Vietnamese and once in English. A page fails when
it shows a doubled label "Tiếng Việt / English", when a Vietnamese page shows an English label of the catalogues,
or when an English page shows a Vietnamese label the catalogues translate. API error bodies stay bilingual (not
crawled here: they are JSON, not pages)."""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

import tinhso

# The pages a reader opens from the menu; the crawl follows their links one level deep.
START_PAGES = [
    "/", "/ioc/", "/units/", "/units/new/", "/units/import/", "/accounts/me/",
    "/indicators/", "/indicators/catalogue/", "/indicators/catalogue/new/", "/indicators/forms/",
    "/indicators/forms/new/", "/indicators/rules/new/", "/indicators/completeness/", "/indicators/analytics/",
    "/indicators/targets/", "/indicators/reminders/",
    "/dti/", "/dti/frameworks/import/",
    "/programme/", "/programme/tasks/", "/programme/schemes/new/", "/programme/plans/new/",
    "/transport/", "/transport/violations/", "/transport/coaches/", "/transport/reports/", "/transport/rules/",
    "/transport/fleet/",
    "/security/", "/security/assets/", "/security/levels/", "/security/operations/",
    "/sharing/", "/sharing/access/", "/sharing/traffic/", "/sharing/reconciliation/", "/sharing/imports/",
    "/identity/", "/identity/my-apps/",
]
NOT_PAGES = re.compile(r"^/(admin|api|i18n|static|media|assets|logout|login|oidc|jobs)/|/(export|download|positions|"
                       r"evidence|documents|gw|wall|kiosk|sample)[/.]|\.(xlsx|json|csv|pdf|geojson|zip|png|svg)$|"
                       r"/do/|/revoke/|/enabled/|/secret/|/values/")
PAGES_PER_SHAPE = 2  # /dti/rounds/1/ and /dti/rounds/2/ are the same template: two of each are enough

VI_LETTER = "àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ"
# "Lưu / Save", "Hạng / Rank", "phiên bản / edition": Vietnamese words, a slash, then English words.
DOUBLED = re.compile(rf"\w*[{VI_LETTER}][^/|·\n]* / [A-Za-z][a-z]+\b(?![^ ]*[{VI_LETTER}])", re.IGNORECASE)


def _catalogue_pairs() -> list[tuple[str, str]]:
    """(Vietnamese, English) of every translated entry of the project's English catalogues."""
    pairs = []
    for path in sorted(Path(tinhso.__file__).parent.glob("**/locale/en/LC_MESSAGES/django.mo")):
        with path.open("rb") as f:
            catalogue = gettext.GNUTranslations(f)
        for msgid, msgstr in catalogue._catalog.items():  # noqa: SLF001 - the parsed catalogue
            if isinstance(msgid, tuple) or not msgid or not msgstr or msgid == msgstr:
                continue
            pairs.append((msgid.rpartition("\x04")[2], msgstr))  # "context\x04msgid": the page shows the msgid
    return pairs


def _label(text: str) -> str:
    return " ".join(text.split()).strip(" :·*").strip()


class _Texts(HTMLParser):
    """The visible text of a page, one entry per text node, and the attributes a reader sees or hears."""

    ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style", "template", "svg"}:
            self._skip += 1
        attrs = dict(attrs)
        for name in self.ATTRIBUTES & attrs.keys():
            if attrs[name]:
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.texts.append(attrs["value"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag in {"script", "style", "template", "svg"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.texts.append(data)


def wrong_language(html: str, language: str, pairs: list[tuple[str, str]]) -> list[str]:
    """What on a page is not in `language`: doubled labels, or whole labels of the other language."""
    parser = _Texts()
    parser.feed(html)
    wrong = [f"doubled: {m.group(0)!r}" for text in parser.texts for m in DOUBLED.finditer(" ".join(text.split()))]
    if language == "vi":
        other = {en for vi, en in pairs if not re.search(f"[{VI_LETTER}]", en, re.IGNORECASE)}
    else:
        other = {vi for vi, en in pairs if re.search(f"[{VI_LETTER}]", vi, re.IGNORECASE)}
    other = {_label(s) for s in other if len(_label(s)) >= 3}
    wrong += [f"{'English' if language == 'vi' else 'Vietnamese'}: {_label(t)!r}" for t in parser.texts
              if _label(t) in other]
    return wrong


def test_the_checker_finds_doubled_and_foreign_labels():
    pairs = [("Lưu", "Save"), ("Đơn vị", "Unit")]
    page = '<h1>Hạng / Rank</h1><p>Kỳ báo cáo 12/2025 · Tỉnh A / Tỉnh B</p><button>Save</button>'
    assert wrong_language(page, "vi", pairs) == ["doubled: 'Hạng / Rank'", "English: 'Save'"]
    assert wrong_language('<th title="Đơn vị">Unit</th><script>"Lưu / Save"</script>', "en", pairs) == [
        "Vietnamese: 'Đơn vị'"]
    assert wrong_language("<p>phiên bản / edition 2</p>", "en", pairs) == ["doubled: 'phiên bản / edition'"]
    assert wrong_language("<p>Đơn vị:</p><p>Saved 2/3 / 4</p>", "vi", pairs) == []


def _shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _crawl(client: Client, language: str, pairs) -> dict[str, list[str]]:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    seen_shapes: dict[str, int] = {}
    queue = [(path, True) for path in START_PAGES]
    visited: set[str] = set()
    failures: dict[str, list[str]] = {}
    while queue:
        path, follow = queue.pop(0)
        if path in visited:
            continue
        visited.add(path)
        response = client.get(path)
        assert response.status_code in (200, 302, 403, 404), f"{path}: {response.status_code}"
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert f'<html lang="{language}"' in html, path
        if wrong := wrong_language(html, language, pairs):
            failures[path] = sorted(set(wrong))
        if not follow:
            continue
        parser = _Texts()
        parser.feed(html)
        for href in parser.links:
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not parts.path.startswith("/") or NOT_PAGES.search(parts.path):
                continue
            shape = _shape(parts.path)
            if parts.path in visited or seen_shapes.get(shape, 0) >= PAGES_PER_SHAPE:
                continue
            seen_shapes[shape] = seen_shapes.get(shape, 0) + 1
            queue.append((parts.path, False))
    return failures


@pytest.fixture
def small_demo(db, monkeypatch):
    """The whole demo, with reports for a few units, DTI rounds of a few units and two days of four vehicles'
    journeys: every page has something to show, in a fraction of the full demo's load time."""
    from tinhso.core import demo
    from tinhso.dti import demo as dti_demo
    from tinhso.indicators import demo as indicators_demo
    from tinhso.transport import demo as transport_demo

    regular, units = indicators_demo._regular, dti_demo._units  # noqa: SLF001
    monkeypatch.setattr(indicators_demo, "_regular", lambda builder, forms, units, *rest: regular(
        builder, forms, units[:40], *rest))
    monkeypatch.setattr(dti_demo, "_units", lambda *args: units(*args)[:6])
    monkeypatch.setattr(transport_demo, "DEMO_VEHICLES", 4)
    monkeypatch.setattr(transport_demo, "DEMO_DAYS", 2)
    demo.load_all()


@pytest.mark.django_db
def test_every_page_speaks_the_chosen_language_only(small_demo):
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    pairs = _catalogue_pairs()
    report = {}
    for language in ("vi", "en"):
        for path, wrong in _crawl(client, language, pairs).items():
            report[f"[{language}] {path}"] = wrong
    translation.activate(settings.LANGUAGE_CODE)
    lines = [f"{page}: {', '.join(wrong[:6])}{' …' if len(wrong) > 6 else ''}" for page, wrong in report.items()]
    assert not lines, f"{len(lines)} pages in the wrong language:\n" + "\n".join(lines)
