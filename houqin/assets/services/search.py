"""The text the asset list searches: name, number and the pinyin initials of the name.

Teachers type "tyj" for 投影机 on a phone faster than the characters; the initials are computed
once, when the card is saved, and kept lower-case in Asset.search_text.
"""

import functools

from pypinyin import Style, lazy_pinyin

SEARCH_TEXT_MAX = 400


@functools.lru_cache(maxsize=20000)  # a ledger import repeats the same names many times
def pinyin_initials(text):
    """ "投影机 EB-X51" -> "tyj eb-x51": the first letter of each Chinese character's pinyin; other
    characters are kept as they are."""
    return "".join(lazy_pinyin(text or "", style=Style.FIRST_LETTER, errors="default")).lower()


def search_text_for(asset):
    parts = [asset.name or "", asset.code or "", pinyin_initials(asset.name)]
    return " ".join(p.strip().lower() for p in parts if p and p.strip())[:SEARCH_TEXT_MAX]


def normalise_query(text):
    """The search box's text in the form search_text is kept in."""
    return " ".join((text or "").split()).lower()
