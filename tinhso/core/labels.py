"""A translated label in a given language, whatever language the request chose.

Choice labels and headings are Vietnamese msgids translated to English by the apps' catalogues. Files the
product writes (XLSX/CSV templates, exports, reports) are Vietnamese whatever the reader's language, and importers
accept a label in either language and in the doubled "Tiếng Việt / English" form that files exported before
#17 item 13 carry."""

import re

from django.utils import translation


def in_language(label, language: str) -> str:
    """`label` (a lazy translation or plain text) rendered in `language`."""
    with translation.override(language):
        return str(label)


def vietnamese(label) -> str:
    """The Vietnamese text of a label; of an old doubled "Vi / En" text, the Vietnamese half."""
    return in_language(label, "vi").split(" / ")[0]


def english(label) -> str:
    return in_language(label, "en").split(" / ")[-1]


def every_form(label) -> tuple[str, ...]:
    """Every spelling an import may meet for a label: Vietnamese, English, and the doubled "Vi / En"."""
    vi, en = vietnamese(label), english(label)
    return (vi, en, f"{vi} / {en}") if en != vi else (vi,)


_VI_LETTERS = re.compile("[àáảãạăắằẳẵặâấầẩẫậèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵđ]", re.IGNORECASE)


def halves(text: str) -> tuple[str, str]:
    """A bilingual text "Chính quyền số / Digital government" split into (Vietnamese, English): at the first
    " / " whose right side is English (no Vietnamese letter), else at the last; a text that is not bilingual
    gives (text, ""), so "Tỉnh A / Tỉnh B" stays whole."""
    text = str(text or "")
    for vi, sep, en in (text.partition(" / "), text.rpartition(" / ")):
        if sep and _VI_LETTERS.search(vi) and not _VI_LETTERS.search(en) and en[:1].isalpha():
            return vi, en
    return text, ""


def one_language(text: str) -> str:
    """The reader's half of a bilingual text, for pages (the API keeps the stored text): data shipped as
    "Vi / En" (framework, indicator and rule names) and history reasons or comments written bilingually.
    A text of "; "-separated bilingual parts is read part by part ("Nhập số liệu / Data entry; gửi báo cáo /
    submitted"); what follows a colon after a bilingual head is a person's words, kept as written ("Trả lại /
    Returned: thiếu số liệu"). Vietnamese when there is no English half; anything else unchanged."""
    if not text:
        return text
    text = str(text)  # a lazy translation too
    if " / " not in text:
        return text
    parts = text.split("; ")
    picked = [_one_part(part) for part in parts]
    if len(parts) > 1 and all(one != part for one, part in zip(picked, parts, strict=True)):
        return "; ".join(picked)
    return _one_part(text)


def _one_part(text: str) -> str:
    vi, en = halves(text)
    if not en:
        head, colon, words = text.partition(": ")
        vi, en = halves(head) if colon else (text, "")
        if not en:
            return text
        return _pick(vi, en) + colon + words
    return _pick(vi, en)


def _pick(vi: str, en: str) -> str:
    return en if (translation.get_language() or "vi").startswith("en") else vi


def choice_lookup(choices) -> dict[str, str]:
    """Folded spelling → value of a TextChoices: the value, and its label in Vietnamese, English and the old
    doubled "Vi / En" form. Call it when reading a file, not at import time (labels are translations)."""
    from tinhso.core.text import fold

    lookup = {}
    for value, label in choices.choices:
        lookup[fold(value)] = value
        lookup[fold(value.replace("_", " "))] = value
        for text in every_form(label):
            lookup[fold(text)] = value
    return lookup


def choice_from_text(text, choices) -> str | None:
    """The value of the choice an imported cell names (its code, or its label in Vietnamese, English or the old
    doubled form, without case or diacritics); None when nothing matches, so the caller reports the cell as
    typed."""
    from tinhso.core.text import fold

    wanted = fold(str(text or "").strip())
    return choice_lookup(choices).get(wanted) if wanted else None


def header_aliases(titles: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Folded heading → column key, for headings in Vietnamese, in English and in the doubled "Vi / En" form of
    templates exported before #17 item 13; `titles` maps key → (Vietnamese, English)."""
    from tinhso.core.text import fold

    aliases = {}
    for key, (vi, en) in titles.items():
        for text in (vi, en, f"{vi} / {en}"):
            aliases[fold(text)] = key
            aliases[fold(text).replace(" ", "_")] = key
    return aliases


def audit_in_language(entries: list) -> list:
    """Audit entries for a page: change reasons and some values were written bilingual ("Dữ liệu mẫu / Demo
    data"), a page shows the reader's half. The API keeps the stored text."""
    import dataclasses

    def shown(value):
        return one_language(value) if isinstance(value, str) else value

    # values too: a record's first entry lists every field, and some hold bilingual data (an incident's title)
    return [dataclasses.replace(entry, reason=one_language(entry.reason), who=one_language(entry.who),
                                changes=[{**c, "before": shown(c.get("before")), "after": shown(c.get("after"))}
                                         for c in entry.changes])
            for entry in entries]
