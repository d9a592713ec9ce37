"""No text linkbot writes is changed by MediaWiki's pre-save transform (signatures, subst:, the pipe
trick): checked with the test wiki's own transform for generated pages, and by saving a sample and
comparing the stored revision with the text sent."""

from __future__ import annotations

import html
import re

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.core import ALL_RULES, Options, analyze, profile_for_host

PROFILE = profile_for_host("zh.wikipedia.org")
# What the transform acts on, in pieces a label or title can be made of.
TRICKY = ("~", "~~", "~~~~", "\\~", "_", "__", "\\_", "NOINDEX", "subst:", "{{", "}}", "|", "\\|", "]]", "[", "a", "中", " ", "'", "''")
labels = st.lists(st.sampled_from(TRICKY), min_size=1, max_size=6).map("".join).filter(lambda label: label.strip())
FORMS = (
    '[{label}](../Page/A.md "wikilink")', '[{label}](https://zh.wikipedia.org/wiki/B "wikilink")',
    "[https://zh.wikipedia.org/wiki/C {label}]", "[[https://zh.wikipedia.org/wiki/D {label}]]",
    "[https://zh.wikipedia.org/wiki/Category:E]", "[https://de.wikipedia.org/wiki/F]", '[{label}](Category:G "wikilink")',
)  # fmt: skip
pages = st.lists(st.tuples(st.sampled_from(FORMS), labels), min_size=1, max_size=6).map(
    lambda parts: "\n\n".join(form.format(label=label) for form, label in parts)
)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(pages)
def test_the_pre_save_transform_leaves_what_linkbot_writes(wiki, page):
    assume(wiki.pre_save_transform(page) == page)  # a page as the wiki could have stored it
    new_text = analyze(page, PROFILE, Options(rules=ALL_RULES)).new_text
    assert wiki.pre_save_transform(new_text) == new_text


def test_saved_revisions_are_the_text_sent(wiki):
    samples = [
        '[\\~\\~\\~\\~](../Page/A.md "wikilink") [\\_\\_NOINDEX\\_\\_](../Page/B.md "wikilink")',
        "[https://de.wikipedia.org/wiki/Kategorie:Beispiel] [https://fr.wikipedia.org/wiki/Jean_Dupont]",
        "<ref>[https://zh.wikipedia.org/wiki/Category:X]</ref> [[https://zh.wikipedia.org/wiki/Y]]",
        '[a~~~b](../Page/C.md "wikilink") [x|](../Page/D.md "wikilink")',
    ]
    for number, page in enumerate(samples):
        result = analyze(page, PROFILE, Options(rules=ALL_RULES, protect_ref_urls=False))
        assert result.changes, page
        title = f"PST sample {number}"
        wiki.sandbox.edit(title, result.new_text)
        assert wiki.text(title) == result.new_text


def test_what_the_wiki_would_transform_renders_literally(wiki):
    """As the test wiki renders the saved text: escaped tildes and underscores stay text (no
    signature, no behaviour switch), the links go where they went; a label running over a heading is
    left alone, so the page keeps its sections."""
    page = (
        '[\\~\\~\\~\\~](../Page/A.md "wikilink") [\\_\\_NOINDEX\\_\\_](../Page/B.md "wikilink") '
        '[\\_\\_TOC\\_\\_ x](https://zh.wikipedia.org/wiki/C "wikilink")\n\n'
        '[before\n== Heading ==\nafter](../Page/D.md "wikilink")'
    )
    result = analyze(page, PROFILE)
    assert [change.old.split("]")[0] for change in result.changes] == ["[\\~\\~\\~\\~", "[\\_\\_NOINDEX\\_\\_", "[\\_\\_TOC\\_\\_ x"]
    assert [skip.reason.value for skip in result.skipped] == ["unsafe-label"]
    wiki.sandbox.edit("Render sample", result.new_text)
    assert wiki.text("Render sample") == result.new_text
    parsed = wiki.api(action="parse", page="Render sample", prop="text|links|properties|sections")["parse"]
    # What a reader sees: the anchors' text, entities resolved as a browser resolves them.
    anchors = [html.unescape(text) for text in re.findall(r'<a href="[^"]*title=[A-C]&amp;[^>]*>(.*?)</a>', parsed["text"])]
    assert anchors == ["~~~~", "__NOINDEX__", "__TOC__ x"], parsed["text"]
    assert 'id="toc"' not in parsed["text"]  # __TOC__ as a switch would force a table of contents here
    # The control: the same page with the switches written plainly does what the checks above rule out.
    control = wiki.api(action="parse", text="__TOC__ __NOINDEX__\n== Heading ==", prop="text|properties", contentmodel="wikitext")
    assert 'id="toc"' in control["parse"]["text"] and "noindex" in control["parse"]["properties"]
    assert [link["title"] for link in parsed["links"]] == ["A", "B", "C"]
    assert parsed["properties"] == {} or "noindex" not in parsed["properties"]
    assert [section["line"] for section in parsed["sections"]] == ["Heading"]  # as the page had it
