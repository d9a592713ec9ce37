"""No text linkbot writes is changed by MediaWiki's pre-save transform (signatures, subst:, the pipe
trick): checked with the test wiki's own transform for generated pages, and by saving a sample and
comparing the stored revision with the text sent."""

from __future__ import annotations

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
