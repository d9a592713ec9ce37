"""``linkbot members import --from-page`` and ``linkbot members check`` against the test wiki: real
MediaWiki pages, redirects resolved by the wiki, linkbot as a real process."""

from __future__ import annotations

import json

from bot.cli import EXIT_CHANGES, EXIT_OK
from bot.core.registry import Member, MemberList, Section
from bot.inputs.registries import dump_registry, load_registry

SOURCE = "=== 文學之都 ===\n* [[愛丁堡]]-[[英國]]\n* [[Old Port]]-[[Somewhere]]\n=== 建築之都 ===\n* [[拉巴特]]-[[摩洛哥]]\n"


def test_members_import_from_another_page_of_the_wiki(wiki, tmp_path):
    """The source page is reached through a redirect, and one of its members is linked through a
    redirect: the registry gets the wiki's title, with the source's name as an alias."""
    wiki.sandbox.edit("New Port", "a city")
    wiki.sandbox.edit("Old Port", "#REDIRECT [[New Port]]")
    wiki.sandbox.edit("Members/Published", SOURCE)
    wiki.sandbox.edit("Members/Published elsewhere", "#REDIRECT [[Members/Published]]")
    path = tmp_path / "imported.toml"
    registry = MemberList("imported", ("Members/Imported",), (Section("文學之都", ("文學之都",), (Member("愛丁堡", country_target="英國"),)),))
    path.write_text("# kept: a comment of the registry's keeper\n" + dump_registry(registry), encoding="utf-8")
    result = wiki.linkbot("import", str(path), "--from-page", "Members/Published elsewhere", command="members")
    assert result.returncode == EXIT_OK, result.stderr
    assert result.stdout.splitlines() == [
        "imported from Members/Published: 2 member(s) to add, 1 section(s) to add, 0 difference(s), 0 member(s) the source lacks (kept)",
        "+ section 建築之都",
        "+ 文學之都: New Port (Somewhere) (also Old Port)",
        "+ 建築之都: 拉巴特 (摩洛哥)",
        "nothing written (--write writes it)",
    ]
    written = wiki.linkbot("import", str(path), "--from-page", "Members/Published elsewhere", "--write", command="members")
    assert written.returncode == EXIT_OK, written.stderr
    assert path.read_text(encoding="utf-8").startswith("# kept: a comment of the registry's keeper\n")
    loaded = load_registry(path)
    assert loaded.section("文學之都").members[1] == Member("New Port", country_target="Somewhere", aliases=("Old Port",))
    assert [m.target for m in loaded.section("建築之都").members] == ["拉巴特"]
    before = path.read_text(encoding="utf-8")
    again = wiki.linkbot("import", str(path), "--from-page", "Members/Published", "--write", "--format", "json", command="members")
    record = json.loads(again.stdout)
    assert (record["added"], record["new_sections"], record["differences"], record["written"]) == ([], [], [], False)
    assert path.read_text(encoding="utf-8") == before


def test_members_check_against_a_managed_page(wiki, tmp_path):
    wiki.sandbox.edit("Members/Checked", "=== 文學之都 ===\n* [[愛丁堡]]-[[英國]]\n* [[戊城]]-[[戊国]]\n")
    path = tmp_path / "checked.toml"
    members = (Member("愛丁堡", country_target="英國"), Member("南京", country_target="中国"))
    path.write_text(dump_registry(MemberList("checked", ("Members/Checked",), (Section("文學之都", ("文學之都",), members),))), encoding="utf-8")
    result = wiki.linkbot("check", str(path), "--format", "json", command="members")
    assert result.returncode == EXIT_CHANGES, result.stderr
    (page,) = json.loads(result.stdout)["pages"]
    assert (page["page"], page["agrees"], page["listed"]) == ("Members/Checked", False, 2)
    assert page["add"] == ["南京（文學之都）"] and page["remove"] == ["戊城（文學之都）: not in the registry"]
    assert page["held"] is True  # one of two listed members to go: over the default share of 0.2
    wiki.sandbox.edit("Members/Checked", "=== 文學之都 ===\n* [[愛丁堡]]-[[英國]]\n* [[南京]]-[[中国]]\n")
    agreeing = wiki.linkbot("check", str(path), command="members")
    assert agreeing.returncode == EXIT_OK, agreeing.stdout + agreeing.stderr
    assert agreeing.stdout == "checked / Members/Checked: agrees (2 listed)\n"


def test_members_import_from_a_file_resolves_redirects_on_the_wiki(wiki, tmp_path):
    wiki.sandbox.edit("Lake Town", "a city")
    wiki.sandbox.edit("Lake Village", "#REDIRECT [[Lake Town]]")
    source = tmp_path / "members.csv"
    source.write_text("member,section\nLake Village,文學之都\n", encoding="utf-8")
    path = tmp_path / "file.toml"
    path.write_text(dump_registry(MemberList("file", (), (Section("文學之都", ("文學之都",), (Member("Lake Town"),)),))), encoding="utf-8")
    offline = wiki.linkbot("import", str(path), "--from", str(source), command="members")
    assert "+ 文學之都: Lake Village" in offline.stdout  # without the wiki, a redirect is another name
    resolved = wiki.linkbot("import", str(path), "--from", str(source), "--redirects", command="members")
    assert resolved.returncode == EXIT_OK, resolved.stderr
    assert "~ 文學之都: Lake Town: spelling Lake Town → Lake Village" in resolved.stdout
    assert "to add" in resolved.stdout and "0 member(s) to add" in resolved.stdout
