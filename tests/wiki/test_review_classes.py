"""Classes of changes on a real wiki's proposals: a class approved on the command line saves exactly its
changes; an image change carries the wiki's own rendering of it and is never proven."""

from __future__ import annotations

import json

from bot.cli import EXIT_INPUT, EXIT_OK

PAGE = ('[北京](../Page/北京.md "wikilink")与[上海](../Page/上海.md "wikilink")，[广州](../Page/广州市.md "wikilink")。\n\n'
        '![天安门](https://zh.wikipedia.org/wiki/File:Tiananmen.jpg "fig:天安门")\n')  # fmt: skip


def run(wiki, queue, *args: str, command: str, expect: int = EXIT_OK):
    result = wiki.linkbot("--queue", str(queue), *args, command=command)
    assert result.returncode == expect, result.stdout + result.stderr
    return result


def test_a_class_approved_on_the_command_line_saves_exactly_its_changes(wiki, tmp_path):
    queue = tmp_path / "q.sqlite3"
    wiki.sandbox.edit("Classes/page", PAGE)
    run(wiki, queue, "-prefixindex:Classes/", "--auto-approve", "none", command="scan")
    classes = [json.loads(line) for line in run(wiki, queue, "1", "--format", "json", command="classes").stdout.splitlines()]
    assert [(c["class"], c["changes"], c["decidable"]) for c in classes] == [
        ("file/image/unproven/review", 1, False), ("md-mirror/label/proven", 1, True), ("md-mirror/title/proven", 2, True)]
    refused = run(wiki, queue, "--class", "file/image/unproven/review", command="approve", expect=EXIT_INPUT)
    assert "one by one" in refused.stderr
    decided = run(wiki, queue, "--class", "md-mirror/title/proven", "--reviewer", "ann", command="approve")
    assert decided.stdout.splitlines()[0] == "approved 2 change(s) of class md-mirror/title/proven on 1 proposal(s)"
    assert "partly decided 2/4" in decided.stdout
    run(wiki, queue, "--mode", "live", command="apply")
    assert wiki.text("Classes/page") == PAGE.rstrip().replace('[北京](../Page/北京.md "wikilink")', "[[北京]]").replace(
        '[上海](../Page/上海.md "wikilink")', "[[上海]]")
    shown = json.loads(run(wiki, queue, "1", "--format", "json", command="show").stdout)
    assert {entry["reason"] for entry in shown["audit"]} == {"class md-mirror/title/proven"}


def test_an_image_change_carries_the_wikis_rendering_and_is_never_proven(wiki, tmp_path):
    queue = tmp_path / "q.sqlite3"
    wiki.sandbox.edit("Classes/image", PAGE)
    run(wiki, queue, "-page:Classes/image", "--auto-approve", "none", command="scan")
    shown = json.loads(run(wiki, queue, "1", "--format", "json", command="show").stdout)
    (image,) = [change for change in shown["changes"] if change["display"] == "image"]
    assert image["proof"].startswith("unproven: an image is never proven") and image["needs_review"]
    preview = image["preview"]  # the test wiki has no such file: it shows the frame, the caption and a link
    assert (preview["src"], preview["caption"], preview["frame"], preview["placement"]) == ("", "天安门", "thumb", "right")
    assert preview["link"].endswith("File:Tiananmen.jpg")
