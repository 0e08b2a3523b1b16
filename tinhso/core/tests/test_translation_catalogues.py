"""Every app keeps its own English catalogue, and Django merges them into one: for a Vietnamese msgid that
several apps translate, the first app in INSTALLED_APPS wins on every page. A msgid (with its context) must
therefore have one English translation across all apps; a word meaning something else in one app gets its own
context there (pgettext, {% translate "…" context "…" %}). The compiled catalogues must match their .po files."""

import gettext
from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

import tinhso

ROOT = Path(tinhso.__file__).parent
Key = str | tuple[str, int]  # as in gettext's catalogue: "context\x04msgid", or (msgid, plural form) for plurals


def _app(po_or_mo: Path) -> str:
    relative = po_or_mo.relative_to(ROOT).parts
    return relative[0] if relative[0] != "locale" else "tinhso"


def compiled_catalogues() -> dict[str, dict[Key, str]]:
    """Each app's compiled English catalogue (header left out), by app label."""
    catalogues = {}
    for path in sorted(ROOT.glob("**/locale/en/LC_MESSAGES/django.mo")):
        with path.open("rb") as f:
            catalogue = gettext.GNUTranslations(f)._catalog  # noqa: SLF001 - the parsed entries
        catalogues[_app(path)] = {key: text for key, text in catalogue.items() if key != ""}
    return catalogues


def source_catalogue(po: Path) -> dict[Key, str]:
    """The entries msgfmt compiles from a .po file (translated, not fuzzy), keyed as gettext keys them."""
    with po.open("rb") as f:
        catalogue = read_po(f)
    entries: dict[Key, str] = {}
    for message in catalogue:
        if not message.id or message.fuzzy:
            continue
        prefix = f"{message.context}\x04" if message.context else ""
        if message.pluralizable:
            if all(message.string):
                entries.update({(prefix + message.id[0], n): text for n, text in enumerate(message.string)})
        elif message.string:
            entries[prefix + message.id] = message.string
    return entries


def conflicts(catalogues: dict[str, dict[Key, str]]) -> dict[Key, dict[str, list[str]]]:
    """The msgids translated more than one way: msgid -> {translation: [apps]}."""
    translations: dict[Key, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for app, catalogue in catalogues.items():
        for key, text in catalogue.items():
            translations[key][text].append(app)
    return {key: dict(by_text) for key, by_text in translations.items() if len(by_text) > 1}


def describe(found: dict[Key, dict[str, list[str]]]) -> str:
    lines = []
    for key, by_text in found.items():
        msgid, plural = (key, None) if isinstance(key, str) else key
        context, _, msgid = msgid.rpartition("\x04")
        where = (f" [context {context!r}]" if context else "") + (f" [plural form {plural}]" if plural else "")
        lines.append(
            f"{msgid!r}{where}: " + "; ".join(f"{text!r} in {', '.join(apps)}" for text, apps in by_text.items())
        )
    return "\n".join(lines)


def test_the_checker_names_a_msgid_translated_two_ways_with_its_apps_and_translations():
    catalogues = {
        "units": {"Đơn vị": "Unit", "Lưu": "Save"},
        "transport": {"Đơn vị": "Business"},
        "sharing": {"Lưu": "Save", "rows\x04Lưu": "Stored", ("Xe", 1): "Vehicles"},
        "programme": {("Xe", 1): "Cars"},
    }
    found = conflicts(catalogues)
    assert found == {
        "Đơn vị": {"Unit": ["units"], "Business": ["transport"]},
        ("Xe", 1): {"Vehicles": ["sharing"], "Cars": ["programme"]},
    }
    assert describe(found).splitlines() == [
        "'Đơn vị': 'Unit' in units; 'Business' in transport",
        "'Xe' [plural form 1]: 'Vehicles' in sharing; 'Cars' in programme",
    ]


def test_no_msgid_is_translated_two_ways_across_the_apps_catalogues():
    catalogues = compiled_catalogues()
    assert {"core", "units", "transport", "sharing"} <= catalogues.keys()
    found = conflicts(catalogues)
    assert not found, f"{len(found)} msgids translated differently by different apps:\n{describe(found)}"


def test_every_compiled_catalogue_holds_exactly_what_its_po_file_says():
    compiled = compiled_catalogues()
    sources = {_app(po): po for po in ROOT.glob("**/locale/en/LC_MESSAGES/django.po")}
    assert sources.keys() >= compiled.keys()
    out_of_date = []
    for app, po in sorted(sources.items()):
        source = source_catalogue(po)
        if not source and app not in compiled:
            continue  # nothing translated yet, nothing to compile
        mo = compiled.get(app, {})
        changed = sorted(
            {str(k) for k in source.keys() ^ mo.keys()}
            | {str(k) for k in source.keys() & mo.keys() if source[k] != mo[k]}
        )
        if changed:
            out_of_date.append(f"{app}: {len(changed)} entries differ, e.g. {changed[:5]}")
    assert not out_of_date, "run `python -m tinhso.cli manage compilemessages`:\n" + "\n".join(out_of_date)
