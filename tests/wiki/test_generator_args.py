"""pywikibot's page generator arguments as users write them: titles with spaces and parentheses,
repeated, mixed with linkbot's own options in any order, on the real test wiki."""

from __future__ import annotations

import json

from bot.cli import EXIT_OK

BROKEN = '[A](../Page/A.md "wikilink")'


def _scanned(result) -> list[str]:
    assert result.returncode == EXIT_OK, result.stderr
    return sorted(json.loads(line)["page"] for line in result.stdout.splitlines() if line.startswith("{"))


def test_titles_with_spaces_and_parentheses(wiki, tmp_path):
    pages = {
        "Main Page Args": BROKEN,
        "聖菲 (新墨西哥州)": BROKEN,
        "Args Person (one)": BROKEN + "\n[[Category:Living people]]",
        "Args Person Two": BROKEN + "\n[[Category:Living people]]",
        "UNESCO Creative Cities (A)": BROKEN,
        "UNESCO Creative Cities B": BROKEN,
        "Args File Page (one)": BROKEN,
        "Args File Page Two": BROKEN,
    }
    for title, text in pages.items():
        wiki.sandbox.edit(title, text)
    todo = tmp_path / "to do.txt"
    todo.write_text("Args File Page (one)\nArgs File Page Two\n", encoding="utf-8")

    assert _scanned(wiki.linkbot("-page:Main Page Args", "--format", "json", "-page:聖菲 (新墨西哥州)")) == [
        "Main Page Args", "聖菲 (新墨西哥州)",
    ]  # fmt: skip
    assert _scanned(wiki.linkbot("--format", "json", "-cat:Living people")) == ["Args Person (one)", "Args Person Two"]
    assert _scanned(wiki.linkbot("-prefixindex:UNESCO Creative Cities", "--no-summary", "--format", "json")) == [
        "UNESCO Creative Cities (A)", "UNESCO Creative Cities B",
    ]  # fmt: skip
    assert _scanned(wiki.linkbot(f"-file:{todo}", "--format", "json")) == ["Args File Page (one)", "Args File Page Two"]
    mixed = wiki.linkbot("-cat:Living people", "--format", "json", "-page:Main Page Args", "--max-edits", "0", "-ns:0")
    assert _scanned(mixed) == ["Args Person (one)", "Args Person Two", "Main Page Args"]


def test_a_malformed_generator_argument_is_one_line(wiki):
    from bot.cli import EXIT_CONFIG

    for bad in ("-limit:many", "-nosuchgenerator:x"):
        result = wiki.linkbot("-page:Main Page Args", bad)
        assert result.returncode == EXIT_CONFIG, (bad, result.stderr)
        assert "Traceback" not in result.stderr
        lines = [line for line in result.stderr.splitlines() if line.startswith("linkbot:")]
        assert len(lines) == 1, result.stderr
