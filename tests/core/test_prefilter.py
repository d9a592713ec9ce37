"""The preselection (bot.core.prefilter) on the cases that decide its speed on real text and its
safety on the mirror's pages: as selective as the analysis, never hiding a change. (The
properties over generated pages are in test_properties.py.)"""

from __future__ import annotations

import pytest

from bot.core import MirrorForms, Options, analyze, profile_for_host
from bot.core.analyze import has_planned_change
from bot.core.detect import find_links
from bot.core.markup import read_markup
from bot.core.model import Syntax
from bot.core.prefilter import might_change, might_change_xml
from tests.core.test_properties import PROFILE, XML_WRITERS
from tests.field.roundtrip import FIELD, wikitext_pages

AUTO, ALWAYS, NEVER = (Options(mirror_forms=mode) for mode in (MirrorForms.AUTO, MirrorForms.ALWAYS, MirrorForms.NEVER))
PLANTED = '[北京](../Page/北京.md "wikilink")'


def candidate(text: str, options: Options = AUTO) -> bool:
    """Whether the page is a candidate as text, checked against every way of writing it in XML."""
    as_text = might_change(text, PROFILE, options)
    if as_text:
        assert all(might_change_xml(write(text), PROFILE, options) for write in XML_WRITERS)
    return as_text


@pytest.mark.parametrize("options", [AUTO, ALWAYS, NEVER], ids=["auto", "always", "never"])
@pytest.mark.parametrize(
    "text",
    [
        "[[Paris]] (France) is the capital.",
        "See [[Paris]]\u3000(France), [[Lyon]]\n(France) and [[Nice]]\t(France).",
        "<ref>Smith 2001</ref> {{cite web|url=https://en.wikipedia.org/wiki/X|title=X}} [https://example.org site]",
        "Retrieved 2012<br>next line",
        "[L] (https://zh.wikipedia.org/wiki/X) and (see [1] (2))",
    ],
)
def test_an_ordinary_page_is_no_candidate(text, options):
    assert not candidate(text, options)
    assert analyze(text, PROFILE, options).changes == ()


def test_a_space_between_the_brackets_makes_no_markdown_link():
    """CommonMark allows nothing between a link's ``]`` and ``(``; pandoc never writes anything."""
    text = '[L] (https://zh.wikipedia.org/wiki/X "wikilink")'  # with the mirror's mark, even
    found = find_links(text, read_markup(text, PROFILE))
    assert [occurrence.syntax for occurrence in found.occurrences] == []
    assert analyze(text, PROFILE, ALWAYS).changes == ()
    assert not candidate(text, ALWAYS) and not candidate(text)
    joined = text.replace("] (", "](")
    assert [occurrence.syntax for occurrence in find_links(joined, read_markup(joined, PROFILE)).occurrences] == [Syntax.MARKDOWN]


@pytest.mark.parametrize("path", sorted((FIELD / "wikitext").rglob("*.wiki"))[:6], ids=lambda path: path.stem)
def test_a_real_page_with_a_planted_mirror_link_is_a_candidate(path):
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[len(lines) // 2] += PLANTED
    planted = "\n".join(lines)
    assert not candidate(text) and candidate(planted)  # (and in each XML form, candidate() checks)
    assert has_planned_change(planted, PROFILE)


@pytest.mark.parametrize(
    "text",
    [
        "[北京](https://zh.wikipedia.org/wiki/北京)",
        "<https://zh.wikipedia.org/wiki/北京>",
        '<a href="https://zh.wikipedia.org/wiki/北京">北京</a>',
    ],
)
def test_always_makes_markdown_forms_candidates_without_marks(text):
    assert candidate(text, ALWAYS) and analyze(text, PROFILE, ALWAYS).changes
    for options in (AUTO, NEVER):
        assert not candidate(text, options) and analyze(text, PROFILE, options).changes == ()
    marked = "> 本文内容由维基百科转换而来。\n\n" + text
    assert candidate(marked) and analyze(marked, PROFILE).changes
    assert not candidate(marked, NEVER)


@pytest.mark.parametrize(
    "raw",
    [
        b"<page><revision><text>[A](https://zh.wikipedia.org/wiki/A &quot;wikilink&quot;)</text></revision></page>",
        b'<page><revision><text>[A](https://zh.wikipedia.org/wiki/A "wikilink")</text></revision></page>',
        b"<page><revision><text>[A](https://zh.wikipedia.org/wiki/A &#34;wikilink&#34;)</text></revision></page>",
        b"<page><revision><text>[A](https://zh.wikipedia.org/wiki/A &quot;wikilink\"&#41;</text></revision></page>",
        "<page><revision><text>&gt; 本文内容由[A](https://zh.wikipedia.org/wiki/A)转换而来。</text></revision></page>".encode(),
        "<page><revision><text>> 本文内容由[A](https://zh.wikipedia.org/wiki/A)转换而来。</text></revision></page>".encode(),
        "<page><revision><text>&#62; 本文内容由[A](https://zh.wikipedia.org/wiki/A)转换而来。</text></revision></page>".encode(),
        b'<page><revision><text>&lt;a href=&quot;../Page/A.md&quot;&gt;A&lt;/a&gt;</text></revision></page>',
        b"<page><revision><text><![CDATA[<a href='../Page/A.md'>A</a>]]></text></revision></page>",
        b'<page><revision><text>![x](a.png "fig:x") and [A](https://zh.wikipedia.org/wiki/A).</text></revision></page>',
        b"<page><revision><text>[A](https://zh.wikipedia.org/wiki/A &quot;wiki<!---->link&quot;)</text></revision></page>",
        b"<page><revision><text>[https://zh.wiki<?x y?>pedia.org/wiki/A A]</text></revision></page>",
    ],
)
def test_the_mirrors_marks_as_an_export_may_write_them(raw):
    assert might_change_xml(raw, PROFILE, AUTO)
    hidden = (b"&#", b"CDATA", b"<!--", b"<?x")  # (these make a page a candidate whatever it holds)
    assert not might_change_xml(raw, PROFILE, NEVER) or any(mark in raw for mark in hidden)


@pytest.mark.parametrize("page", wikitext_pages(), ids=lambda page: page.id)
def test_the_field_corpus_ordinary_pages_are_candidates_only_with_a_change(page):
    """Real articles of every language, judged as their own wiki's: a page the preselection lets
    through has a change planned (none has one today: none is a candidate)."""
    text = page.path.read_text(encoding="utf-8")
    profile = profile_for_host(page.site)
    if might_change(text, profile, AUTO):
        assert has_planned_change(text, profile)


def test_every_mirror_page_of_the_field_corpus_is_a_candidate():
    for path in sorted((FIELD / "mirror").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert candidate(text), path.name
