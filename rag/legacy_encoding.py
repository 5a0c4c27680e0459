"""Vietnamese typed in the old 8-bit font encodings, TCVN3 (ABC) and VNI, turned into Unicode.

Before Unicode, Vietnamese was typed in fonts whose byte codes stand for Vietnamese letters: the
".Vn" fonts (.VnTime, .VnArial: TCVN 5712:1993, table VN3, called TCVN3 or ABC) and the "VNI-"
fonts (VNI-Times: the VNI Windows table). Read as Windows-1252, or copied into a Unicode file, such
text is letter soup: "Vi\u00d6t Nam" (TCVN3), "Vie\u00e4t Nam" (VNI). The tables below are written
from the two standards; detection needs no font name, only the text.
"""
from __future__ import annotations

import functools
import re

from .text import compound_words, nfc, vietnamese_syllables

GRAVE, HOOK, TILDE, ACUTE, DOT = "\u0300", "\u0309", "\u0303", "\u0301", "\u0323"
CIRCUMFLEX, BREVE = "\u0302", "\u0306"

# TCVN 5712:1993 VN3: one byte per lowercase letter, in the order base letter, then with grave,
# hook, tilde, acute, dot below (an ASCII base is itself). Of the capitals it has only Ă Â Ê Ô Ơ Ư Đ;
# a capital with a tone mark was typed in a ".VnTimeH" font with the lowercase code.
_TCVN3_ROWS = {
    "a": (0x61, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9), "ă": (0xA8, 0xBB, 0xBC, 0xBD, 0xBE, 0xC6),
    "â": (0xA9, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB), "e": (0x65, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1),
    "ê": (0xAA, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6), "i": (0x69, 0xD7, 0xD8, 0xDC, 0xDD, 0xDE),
    "o": (0x6F, 0xDF, 0xE1, 0xE2, 0xE3, 0xE4), "ô": (0xAB, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9),
    "ơ": (0xAC, 0xEA, 0xEB, 0xEC, 0xED, 0xEE), "u": (0x75, 0xEF, 0xF1, 0xF2, 0xF3, 0xF4),
    "ư": (0xAD, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9), "y": (0x79, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE),
}
_TCVN3_CAPITALS = {0xA1: "Ă", 0xA2: "Â", 0xA3: "Ê", 0xA4: "Ô", 0xA5: "Ơ", 0xA6: "Ư", 0xA7: "Đ", 0xAE: "đ"}
TCVN3: dict[str, str] = {
    chr(code): nfc(base + tone)
    for base, codes in _TCVN3_ROWS.items()
    for tone, code in zip(("", GRAVE, HOOK, TILDE, ACUTE, DOT), codes) if code > 0x7F
} | {chr(code): letter for code, letter in _TCVN3_CAPITALS.items()}

# VNI Windows: a base letter followed by a mark byte (Latin-1 letters), the mark's capital after a
# capital; ơ, ư, đ and the toned i, and ỵ are single bytes.
_VNI_TONES = {"ù": ACUTE, "ø": GRAVE, "û": HOOK, "õ": TILDE, "ï": DOT}
_VNI_CIRCUMFLEX = {"â": "", "á": ACUTE, "à": GRAVE, "å": HOOK, "ã": TILDE, "ä": DOT}  # on a, e, o
_VNI_BREVE = {"ê": "", "é": ACUTE, "è": GRAVE, "ú": HOOK, "ü": TILDE, "ë": DOT}  # on a
_VNI_SINGLE = {"ô": "ơ", "ö": "ư", "ñ": "đ", "í": "í", "ì": "ì", "æ": "ỉ", "ó": "ĩ", "ò": "ị", "î": "ỵ"}


def _vni_table() -> dict[str, str]:
    table = {}
    for base, marks, added in (("aeouy", _VNI_TONES, ""), ("aeo", _VNI_CIRCUMFLEX, CIRCUMFLEX),
                               ("a", _VNI_BREVE, BREVE)):
        for letter in base:
            for mark, tone in marks.items():
                if not (letter == "y" and tone == DOT):  # ỵ is the single byte î
                    table[letter + mark] = nfc(letter + added + tone)
    for code, letter in _VNI_SINGLE.items():
        table[code] = letter
        if letter in "ơư":
            table.update({code + mark: nfc(letter + tone) for mark, tone in _VNI_TONES.items()})
    return table | {code.upper(): letter.upper() for code, letter in table.items()}


VNI: dict[str, str] = _vni_table()
TABLES = {"TCVN3": TCVN3, "VNI": VNI}
_PATTERNS = {name: re.compile("|".join(map(re.escape, sorted(table, key=len, reverse=True))))
             for name, table in TABLES.items()}
# Letters Unicode Vietnamese has and no Windows-1252 text can: their presence means Unicode.
_UNICODE_ONLY = re.compile("[ăĂđĐĩĨũŨơƠưƯ\u1ea0-\u1ef9]")
_UNICODE_LATIN1 = set("àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
# Codes that are not letters of Unicode Vietnamese: the mark of an old encoding.
_FOREIGN = {name: {c for code in table for c in code if not c.isascii()} - _UNICODE_LATIN1
            for name, table in TABLES.items()}
_WORD = re.compile("(?:[^\\W\\d_]|[" + re.escape("".join(TCVN3)) + "])+")
MIN_WORDS, MIN_SHARE = 3, 0.02  # below this many soup words (or this share of words) it is no encoding


class AmbiguousEncoding(ValueError):
    """Text that mixes Unicode with an old encoding, or the two old encodings."""


def to_unicode(text: str, encoding: str) -> str:
    """The text with every code of `encoding` ("TCVN3" or "VNI") replaced by its Unicode letter."""
    table = TABLES[encoding]
    return _PATTERNS[encoding].sub(lambda m: table[m.group()], text)


def detect(text: str) -> str | None:
    """"TCVN3" or "VNI" when the text is typed in that encoding, None when it is not (Unicode, or
    another language); AmbiguousEncoding when part of it is and part is Unicode or the other one."""
    chars = set(text)
    if not any(chars & foreign for foreign in _FOREIGN.values()):
        return None  # no code of either table: the fast way out for ordinary text
    words = _WORD.findall(text)
    found = {name: _soup_words(words, name) for name in TABLES}
    best, other = sorted(found, key=found.get, reverse=True)
    if found[best] < max(MIN_WORDS, MIN_SHARE * len(words)):
        return None
    unicode_words = sum(1 for w in words if _UNICODE_ONLY.search(w))
    if unicode_words or found[other] * 2 > found[best]:
        raise AmbiguousEncoding(f"{found[best]} words look typed in {best}, {found[other]} in {other}, "
                                f"{unicode_words} in Unicode")
    return best


def _soup_words(words: list[str], encoding: str) -> int:
    """Words holding a code of `encoding` that no Vietnamese word has and that turn into a
    Vietnamese syllable when converted; a lone symbol ("·", "©") is no word."""
    foreign, syllables = _FOREIGN[encoding], _syllables()
    return sum(1 for w in words if len(w) > 1 and not foreign.isdisjoint(w)
               and to_unicode(w, encoding).lower() in syllables)


@functools.cache
def _syllables() -> frozenset[str]:
    """Every syllable of underthesea's dictionary: a converted word must be one (the looser
    spelling rule of rag.text lets VNI soup read as TCVN3 pass, "cuûa" as "cuỷa")."""
    return vietnamese_syllables() | {s for word in compound_words() for s in word.split()}
