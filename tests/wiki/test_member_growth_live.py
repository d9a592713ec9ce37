"""Member lists that grow, on the real test wiki: a registry section the page lacks becomes a new
section (in the page's style and place), a stated total becomes the registry's count; each proven by
the wiki's rendering (what readers get gains exactly the declared lines), saved only once approved,
and idempotent."""

from __future__ import annotations

import re
from pathlib import Path

from bot.core.registry import Member, Section, member_list_from_dict, member_list_to_dict
from bot.inputs.registries import dump_registry, load_registry
from tests.wiki.test_queue_live import proposals, run

ROOT = Path(__file__).resolve().parents[2]
OLD = (ROOT / "seeds" / "000_d4b9c68d3e383551.txt").read_text(encoding="utf-8")
ARCHITECTURE = Section("建築之都", ("建築之都", "建筑之都"), (
    Member("维尔纽斯", country_target="立陶宛"), Member("科英布拉", country_target="葡萄牙"), Member("岘港", country_target="越南"),
))  # fmt: skip


def configured(wiki, tmp_path, title: str, sections: tuple[Section, ...] = (), total_pattern: str | None = None,
               drop: str = "") -> Path:  # fmt: skip
    """A config beside a registry: the shipped one for ``title``, with ``sections`` added (and the member ``drop`` not)."""
    config_dir = tmp_path / "config"
    (config_dir / "lists").mkdir(parents=True)
    config = config_dir / "linkbot.toml"
    config.write_text(wiki.config.read_text(encoding="utf-8"), encoding="utf-8")
    data = member_list_to_dict(load_registry(ROOT / "config" / "lists" / "uccn.toml"))
    data["pages"] = [title]
    data["sections"] += [member_list_to_dict(_alone(section))["sections"][0] for section in sections]
    for section in data["sections"]:
        section["members"] = [member for member in section["members"] if member["target"] != drop]
    if total_pattern is not None:
        data["total_pattern"] = total_pattern
    (config_dir / "lists" / "uccn.toml").write_text(dump_registry(member_list_from_dict(data)), encoding="utf-8")
    return config


def _alone(section: Section):
    from bot.core.registry import MemberList

    return MemberList("x", (), (section,))


def member_changes(wiki, queue) -> list[dict]:
    proposal = max(proposals(wiki, queue), key=lambda found: found["id"])  # the page's newest
    return [{**change, "proposal": proposal["id"]} for change in proposal["changes"] if change["rule"].startswith("member-")]


def wikitext_form(markdown_page: str) -> str:
    """The seed's list as an editor writes it in wikitext: ``=== 文學之都 ===`` and ``* [[A]]-[[B]]``."""
    page = re.sub(r"^(#{2,3}) (.+)$", lambda m: f"{'=' * len(m.group(1))} {m.group(2)} {'=' * len(m.group(1))}", markdown_page, flags=re.M)
    page = re.sub(r"^  - ", "* ", page, flags=re.M)
    return re.sub(r'\[([^\]]+)\]\(\.\./Page/([^)]+)\.md "wikilink"\)', r"[[\2|\1]]", page)


def check_new_section(wiki, tmp_path, title: str, page: str, heading: str, item: str) -> None:
    wiki.sandbox.edit(title, page)
    config = configured(wiki, tmp_path, title, (ARCHITECTURE,))
    queue = tmp_path / "q.sqlite3"
    run(wiki, queue, "scan", "--config", str(config), f"-page:{title}", "--auto-approve", "none")
    changes = member_changes(wiki, queue)
    (section,) = [change for change in changes if change["rule"] == "member-new-section"]
    assert section["note"].startswith("建築之都（3）")
    assert section["new"].startswith(heading) and item in section["new"] and section["new"].count("\n") >= 3
    assert all(change["proof"] == "proven" for change in changes), [(c["rule"], c["proof"]) for c in changes]
    run(wiki, queue, "approve", str(section["proposal"]), "--change", str(section["number"]), "--reviewer", "editor")
    run(wiki, queue, "apply", "--config", str(config), "--mode", "live")
    saved = wiki.revisions(title)[0]
    assert saved["user"] == "LinkBot" and saved["comment"] == "成员列表 +建築之都（3）"
    # In the registry's order: after the last section (美食之都), before the next part of the page.
    assert saved["content"].index(heading) > saved["content"].index("美食之都") and saved["content"].index(heading) < saved["content"].index("外部連結")
    run(wiki, queue, "scan", "--config", str(config), f"-page:{title}", "--auto-approve", "none")
    assert not [change for change in member_changes(wiki, queue) if change["rule"] == "member-new-section"]  # idempotent


def test_a_new_registry_section_is_proposed_proven_and_saved_in_the_seeds_style(wiki, tmp_path):
    check_new_section(wiki, tmp_path, "Members/Grow", OLD, "### 建築之都\n\n  - [[维尔纽斯]]-[[立陶宛]]\n", "  - [[岘港]]-[[越南]]\n")


def test_a_new_registry_section_on_the_page_in_wikitext(wiki, tmp_path):
    page = wikitext_form(OLD)
    assert "=== 美食之都 ===" in page and "* [[南京|南京]]" not in page
    check_new_section(wiki, tmp_path, "Members/GrowWikitext", page, "=== 建築之都 ===\n\n* [[维尔纽斯]]-[[立陶宛]]\n", "* [[岘港]]-[[越南]]\n")


def test_a_stated_total_is_saved_only_after_approval(wiki, tmp_path):
    title = "Members/Total"
    wiki.sandbox.edit(title, OLD)
    config = configured(wiki, tmp_path, title)
    queue = tmp_path / "q.sqlite3"
    run(wiki, queue, "scan", "--config", str(config), f"-page:{title}", "--auto-approve", "all")
    (total,) = [change for change in member_changes(wiki, queue) if change["rule"] == "member-total"]
    assert (total["old"], total["new"], total["proof"], total["decision"]) == ("116", "152", "proven", "pending")
    run(wiki, queue, "apply", "--config", str(config), "--mode", "live")
    assert "该网络由116个城市" in wiki.text(title)  # auto-approval never takes it
    run(wiki, queue, "approve", str(total["proposal"]), "--change", str(total["number"]), "--reviewer", "editor")
    run(wiki, queue, "apply", "--config", str(config), "--mode", "live")
    saved = wiki.revisions(title)[0]
    assert "该网络由152个城市" in saved["content"] and "总数 116→152" in saved["comment"]


def test_a_total_made_by_a_template_is_left_alone_with_the_warning(wiki, tmp_path):
    title = "Members/TemplateTotal"
    wiki.sandbox.edit("Template:Note", "{{{1}}}")
    wiki.sandbox.edit(title, OLD.replace("目前，该网络由116个城市", "目前，{{Note|该网络由116个城市}}"))
    config = configured(wiki, tmp_path, title)
    queue = tmp_path / "q.sqlite3"
    scanned = run(wiki, queue, "scan", "--config", str(config), f"-page:{title}", "--auto-approve", "none")
    assert "the page states 116 members" in scanned.stdout and "made by a template" in scanned.stdout
    assert not [change for change in member_changes(wiki, queue) if change["rule"] == "member-total"]


def test_a_removal_is_proven_and_waits_for_a_person(wiki, tmp_path):
    title = "Members/Shrink"
    wiki.sandbox.edit(title, OLD)
    config = configured(wiki, tmp_path, title, drop="雷克雅維克", total_pattern="")
    queue = tmp_path / "q.sqlite3"
    run(wiki, queue, "scan", "--config", str(config), f"-page:{title}", "--auto-approve", "all")
    changes = member_changes(wiki, queue)
    (removal,) = [change for change in changes if change["rule"] == "member-remove"]
    assert "雷克雅維克" in removal["old"] and removal["new"] == "" and removal["decision"] == "pending"
    assert all(change["proof"] == "proven" for change in changes), [(c["rule"], c["proof"]) for c in changes]


def test_a_page_that_shows_the_bot_otherwise_than_its_readers_is_never_proven(wiki, tmp_path):
    # Hidden for the author's readers, shown to LinkBot's preview: the bot's save would bring the hidden
    # text to every reader, beyond the two items its previews prove.
    title = "Members/WhoSaves"
    switch = '{{#ifeq:{{REVISIONUSER}}|LinkBot|<div>|<div style="display:none">}}\n广告\n</div>\n'
    wiki.sandbox.edit(title, switch + OLD)
    config = configured(wiki, tmp_path, title, total_pattern="")
    queue = tmp_path / "q.sqlite3"
    run(wiki, queue, "scan", "--config", str(config), f"-page:{title}", "--auto-approve", "all")
    changes = member_changes(wiki, queue)
    assert [change["rule"] for change in changes] == ["member-add", "member-add"]
    assert all(change["proof"].startswith("unproven: the page shows its readers something else") for change in changes), [(c["proof"], c["decision"]) for c in changes]
    assert all(change["decision"] == "pending" for change in changes)


def test_a_page_whose_module_reads_its_own_text_is_never_proven_by_it(wiki, tmp_path):
    # The module shows its text once the page holds 扬州: the wiki's preview of the proposed text reads
    # that text as the page's own (as the saved page will), so the proof sees the text it brings.
    title = "Members/ReadsItself"
    wiki.sandbox.edit("Module:Peek", 'return {f = function() local text = mw.title.getCurrentTitle():getContent() or ""\n'
                                     '  return text:find("扬州", 1, true) and "广告" or "" end}')  # fmt: skip
    wiki.sandbox.edit(title, "{{#invoke:Peek|f}}\n" + OLD)
    config = configured(wiki, tmp_path, title, total_pattern="")
    queue = tmp_path / "q.sqlite3"
    run(wiki, queue, "scan", "--config", str(config), f"-page:{title}", "--auto-approve", "all")
    changes = member_changes(wiki, queue)
    assert [change["rule"] for change in changes] == ["member-add", "member-add"]
    assert all(change["proof"].startswith("disagrees: the page shows '广告") for change in changes), changes
    assert all(change["decision"] == "pending" for change in changes)
