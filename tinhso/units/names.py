"""Units as Vietnamese documents name them.

A plan writes "Sở TT&TT", "VP UBND tỉnh", "UBND huyện Gia Lộc", "Công an tỉnh" or "BHXH tỉnh" where the
registry holds "Sở Thông tin và Truyền thông Hải Dương", "Văn phòng UBND tỉnh Hải Dương", "Huyện Gia Lộc",
"Công an tỉnh Hải Dương" and "Bảo hiểm xã hội tỉnh Hải Dương". `name_key` reduces a name or a reference
to a key both forms share, within one province:

- diacritics and case are ignored, "&" and "và" are the same, punctuation is dropped;
- the customary abbreviations are applied (Ủy ban nhân dân → UBND, Văn phòng → VP, Bảo hiểm xã hội → BHXH,
  thành phố → TP, thị xã → TX, Viễn thông → VNPT …);
- the province's own name and a trailing "tỉnh" are dropped ("Công an tỉnh Hải Dương" → "congan");
- "UBND" before a district or commune is dropped ("UBND huyện Gia Lộc" = "Huyện Gia Lộc").

A department ("Sở …") is also known by the initials of its field: "Sở Thông tin và Truyền thông" → "Sở TTTT"
= "Sở TT&TT" = "Sở TT và TT"; "Sở Lao động - Thương binh và Xã hội" → "Sở LĐ-TB&XH". Every unit may
carry more names of its own (`Unit.aliases`, one a line).

Group phrases ("Các sở, ban, ngành", "UBND các huyện, thị xã, thành phố", "UBND các xã, phường, thị trấn")
name a set of units of the province: `group_of` says which.
"""

import re

from tinhso.core.text import fold

# folded long form → folded short form, applied to both sides
ABBREVIATIONS: list[tuple[str, str]] = [
    ("uy ban nhan dan", "ubnd"),
    ("hoi dong nhan dan", "hdnd"),
    ("van phong", "vp"),
    ("bao hiem xa hoi", "bhxh"),
    ("thanh pho", "tp"),
    ("thi xa", "tx"),
    ("vien thong", "vnpt"),
    ("buu dien tinh", "buu dien"),
    ("cong nghe thong tin", "cntt"),
]
LOWER_LEVELS = ("huyen", "tx", "tp", "quan", "xa", "phuong", "thi tran", "dac khu")


def _words(text: str) -> str:
    t = fold(text).replace("&", " va ")
    t = re.sub(r"[^\w\s]", " ", t)
    t = " ".join(t.split())
    for long, short in ABBREVIATIONS:
        t = re.sub(rf"\b{long}\b", short, t)
    return t


def _strip(t: str, province_names: list[str]) -> str:
    whole = t
    for name in sorted(province_names, key=len, reverse=True):
        folded = _words(name)
        if folded:
            t = re.sub(rf"\b{re.escape(folded)}\b", " ", t)
    if " ".join(t.split()).removeprefix("ubnd ") in LOWER_LEVELS:
        t = whole  # "Thành phố Bắc Kạn" keeps the name it shares with its province
    t = re.sub(r"^chi nhanh\s+", "", " ".join(t.split()))
    t = re.sub(r"\bva\b", " ", t)
    words = t.split()
    if len(words) > 1 and words[-1] == "tinh":
        words = words[:-1]
    t = " ".join(words)
    if t.startswith("ubnd ") and t[5:].startswith(LOWER_LEVELS):
        t = t[5:]
    if t in ("ubnd", "ubnd tinh"):
        t = "tinh"  # "UBND tỉnh" is the province's People's Committee
    return t


def name_key(text: str, province_names: list[str] = ()) -> str:
    """The key a unit's name and a plan's reference to it share (see the module's doc)."""
    return _strip(_words(text), list(province_names)).replace(" ", "")


def initials_key(name: str, province_names: list[str] = ()) -> str | None:
    """'Sở Thông tin và Truyền thông Bắc Kạn' → 'sotttt' (the key of "Sở TT&TT"); None for other names."""
    t = _strip(_words(name), list(province_names))
    if not t.startswith("so "):
        return None
    rest = t[3:].split()
    if len(rest) < 2:
        return None
    return "so" + "".join(word[0] for word in rest)


def unit_keys(name: str, short_name: str, aliases: str, kind: str, province_names: list[str]) -> set[str]:
    """Every key a unit answers to."""
    keys = {name_key(name, province_names)}
    if short_name:
        keys.add(name_key(short_name, province_names))
    if kind == "department" and (initials := initials_key(name, province_names)):
        keys.add(initials)
    for line in aliases.splitlines():
        if line.strip():
            keys.add(name_key(line, province_names))
    keys.discard("")
    return keys


# Group phrases → which units of the province they stand for.
GROUP_PHRASES: dict[str, list[str]] = {
    "department": ["Các sở, ban, ngành", "Các sở ban ngành tỉnh", "Các sở, ngành", "Các sở, ban, ngành tỉnh",
                   "Các cơ quan chuyên môn thuộc UBND tỉnh", "Các sở, ban, ngành, địa phương"],
    "district": ["UBND các huyện, thị xã, thành phố", "UBND các huyện, thành phố", "UBND cấp huyện",
                 "Các huyện, thị xã, thành phố", "Các huyện, thành phố", "UBND các huyện, thị xã"],
    "commune": ["UBND các xã, phường, thị trấn", "UBND cấp xã", "Các xã, phường, thị trấn",
                "UBND các xã, phường, đặc khu", "Các xã, phường, đặc khu", "UBND các xã, phường"],
}
GROUP_LABELS = {"department": ("các sở, ban, ngành", "the departments"),
                "district": ("UBND các huyện, thị xã, thành phố", "the districts"),
                "commune": ("UBND các xã, phường, thị trấn", "the communes")}
_GROUP_KEYS = {name_key(phrase): kind for kind, phrases in GROUP_PHRASES.items() for phrase in phrases}


def group_of(text: str) -> str | None:
    """'department', 'district' or 'commune' when the text is a group phrase, else None."""
    return _GROUP_KEYS.get(name_key(text))
