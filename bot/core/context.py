"""The sentence around a change: what a reviewer reads to judge it, in every way of reviewing.

A change is shown with the text before and after it on its line, up to the sentence's end
(Chinese or Latin punctuation) and at most ``reach`` characters each way, cut with an ellipsis.
"""

from __future__ import annotations

from dataclasses import dataclass

_ENDS = "。！？；"  # always end a sentence
_LATIN_ENDS = ".!?;"  # end one when a space follows (not in "../Page/", "![image]")
ELLIPSIS = "…"


@dataclass(frozen=True)
class ChangeContext:
    before: str  # the sentence up to the change (with a leading ellipsis when cut)
    after: str  # the sentence after the change (with a trailing ellipsis when cut)


def change_context(text: str, start: int, end: int, reach: int = 60) -> ChangeContext:
    """The sentence around ``text[start:end]``."""
    return ChangeContext(_before(text, start, reach), _after(text, end, reach))


def _before(text: str, start: int, reach: int) -> str:
    limit = max(0, start - reach)
    begin = start
    while begin > limit and text[begin - 1] != "\n" and not _ends_sentence(text, begin - 1):
        begin -= 1
    cut = begin == limit and begin > 0 and text[begin - 1] != "\n" and not _ends_sentence(text, begin - 1)
    return (ELLIPSIS if cut else "") + text[begin:start].lstrip()


def _after(text: str, end: int, reach: int) -> str:
    limit = min(len(text), end + reach)
    stop = end
    while stop < limit and text[stop] != "\n":
        stop += 1
        if _ends_sentence(text, stop - 1):
            return text[end:stop]
    cut = stop == limit and stop < len(text) and text[stop] != "\n"
    return text[end:stop].rstrip() + (ELLIPSIS if cut else "")


def _ends_sentence(text: str, index: int) -> bool:
    """A sentence ends here: Chinese punctuation, or Latin punctuation followed by a space."""
    char = text[index]
    if char in _ENDS:
        return True
    return char in _LATIN_ENDS and index + 1 < len(text) and text[index + 1] == " "
