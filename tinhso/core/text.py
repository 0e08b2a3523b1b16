"""Vietnamese text helpers: diacritic-free folding for search and alphabetical sort keys."""

import unicodedata

# Vietnamese letters in their order; f, j, w, z (foreign names) at their Latin places.
_VI_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i for i, ch in enumerate(_VI_ALPHABET)}
# Tone marks are a secondary difference: "ma" < "mà" < "má" < "mả" < "mã" < "mạ".
_TONE_RANK = {"\u0300": 1, "\u0301": 2, "\u0309": 3, "\u0303": 4, "\u0323": 5}
_BASE_MODIFIERS = {"\u0306": "ă", "\u0302": "^", "\u031b": "ơ"}


def fold(text: str) -> str:
    """Lower-case and strip every diacritic, so "Bắc Kạn" and "bac kan" compare equal."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.split())


def _letters(text: str) -> tuple[list[int], list[int]]:
    primary: list[int] = []
    tones: list[int] = []
    for cluster in _clusters(unicodedata.normalize("NFD", text.lower())):
        base, marks = cluster[0], cluster[1:]
        letter = base
        if "\u0306" in marks:
            letter = "ă"
        elif "\u0302" in marks:
            letter = {"a": "â", "e": "ê", "o": "ô"}.get(base, base)
        elif "\u031b" in marks:
            letter = {"o": "ơ", "u": "ư"}.get(base, base)
        primary.append(_LETTER_RANK.get(letter, 100 + ord(letter)))
        tones.append(next((_TONE_RANK[m] for m in marks if m in _TONE_RANK), 0))
    return primary, tones


def _clusters(decomposed: str) -> list[str]:
    clusters: list[str] = []
    for ch in decomposed:
        if unicodedata.combining(ch) and clusters:
            clusters[-1] += ch
        else:
            clusters.append(ch)
    return clusters


def vi_sort_key(text: str) -> tuple:
    """Sort key following the Vietnamese alphabet (a ă â b c d đ e ê …), tones breaking ties."""
    words = text.split()
    primary, tones = zip(*(_letters(w) for w in words), strict=True) if words else ((), ())
    return (tuple(tuple(p) for p in primary), tuple(tuple(t) for t in tones))
