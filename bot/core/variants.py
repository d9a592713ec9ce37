"""Script-variant folding: compare Chinese text regardless of simplified or traditional script.

Used only for comparisons (is this label the link's title written in the other
script?), never to rewrite text: labels are kept byte for byte. OpenCC is the
converter (see README: it is maintained, ships its dictionaries in the wheel and
converts phrase by phrase, so 揚州/扬州 and 美國/美国 fold to the same key).
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _to_simplified():
    import opencc  # imported on first use: profiles without variants never load the dictionaries

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def fold(text: str, scheme: str) -> str:
    """A comparison key for ``text`` under the profile's variant scheme ("zh" or "")."""
    if scheme != "zh" or text.isascii():
        return text
    return _to_simplified().convert(text)
