"""Member tables on the test wiki: a registry gains a member; the scan proposes its row, an editor
approves it, apply saves it, and the wiki's own rendering shows exactly one more row, in its
section's group (the section cell's rowspan right), and nothing else changed."""

from __future__ import annotations

from html.parser import HTMLParser

from bot.core.registry import Member, MemberList, Section
from bot.inputs.registries import dump_registry
from tests.wiki.test_queue_live import proposals, run

GROUPED = """成员如下。

{| class="wikitable sortable"
! 类别 !! 城市 !! 国家 !! 入选年份
|-
| rowspan="2" | 文學之都 || [[爱丁堡]] || [[英国]] || 2004
|-
| [[米兰]] || [[意大利]] || 2017
|-
| rowspan="2" | 音樂之都 || [[塞维利亚]] || [[西班牙]] || 2006
|-
| [[博洛尼亚]] || [[意大利]] || 2006
|}

其后的段落。"""
PER_SECTION = """== 文學之都 ==
{| class="wikitable"
! 城市
! 国家
! 年份
|-
| [[爱丁堡]]
| [[英国]]
| 2004
|-
| [[米兰]]
| [[意大利]]
| 2017
|}

== 音樂之都 ==
{| class="wikitable"
! 城市
! 国家
! 年份
|-
| [[塞维利亚]]
| [[西班牙]]
| 2006
|}"""
LITERATURE = (Member("爱丁堡", country_target="英国", year=2004), Member("米兰", country_target="意大利", year=2017))
MUSIC = (Member("塞维利亚", country_target="西班牙", year=2006), Member("博洛尼亚", country_target="意大利", year=2006))
NANJING = Member("南京", country_target="中国", year=2019)


class _Rows(HTMLParser):
    """The rendered table's rows: each a list of (tag, rowspan, text) per cell."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[list]] = []
        self.cell: list | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.cell = [tag, int(dict(attrs).get("rowspan", "1")), ""]
            self.rows[-1].append(self.cell)

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.cell[2] = self.cell[2].strip()
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell[2] += data


def rendered_rows(wiki, title: str | None = None, text: str | None = None) -> list[list[tuple]]:
    source = {"page": title} if title else {"text": text, "title": "Linkbot table", "contentmodel": "wikitext"}
    html = wiki.post(action="parse", prop="text", **source)["parse"]["text"]
    reader = _Rows()
    reader.feed(html)
    return [[tuple(cell) for cell in row] for row in reader.rows]


def setup(wiki, tmp_path, title: str, page: str, registry: MemberList, extra: str = ""):
    wiki.sandbox.edit(title, page)
    config_dir = tmp_path / "config"
    (config_dir / "lists").mkdir(parents=True)
    config = config_dir / "linkbot.toml"
    config.write_text(wiki.config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    (config_dir / "lists" / f"{registry.name}.toml").write_text(dump_registry(registry), encoding="utf-8")
    return config, tmp_path / "q.sqlite3"


def scan_approve_apply(wiki, tmp_path, title: str, page: str, registry: MemberList) -> dict:
    config, queue = setup(wiki, tmp_path, title, page, registry)
    run(wiki, queue, "scan", "--config", str(config), f"-page:{title}", "--auto-approve", "none")
    (proposal,) = proposals(wiki, queue)
    (change,) = [change for change in proposal["changes"] if change["rule"] == "member-add"]
    assert change["note"].startswith("南京（文學之都）") and change["proof"] == "proven", change["proof"]
    run(wiki, queue, "approve", str(proposal["id"]), "--change", str(change["number"]), "--reviewer", "editor")
    run(wiki, queue, "apply", "--config", str(config), "--mode", "live")
    saved = wiki.revisions(title)[0]
    assert saved["user"] == "LinkBot" and saved["comment"] == "成员列表 +南京（文學之都）"
    return saved


def test_a_rowspan_group_gains_a_row_on_the_wiki(wiki, tmp_path):
    title = "Members/Table grouped"
    registry = MemberList("grouped", (title,), (Section("文學之都", ("文學之都",), (*LITERATURE, NANJING)), Section("音樂之都", ("音樂之都",), MUSIC)))
    before = rendered_rows(wiki, text=GROUPED)
    scan_approve_apply(wiki, tmp_path, title, GROUPED, registry)
    after = rendered_rows(wiki, title)
    assert len(after) == len(before) + 1
    new = [row for row in after if any("南京" in cell[2] for cell in row)]
    assert new == [[("td", 1, "南京"), ("td", 1, "中国"), ("td", 1, "2019")]]
    assert after.index(new[0]) == 3  # the last row of 文學之都's group (header, 爱丁堡, 米兰, 南京)
    assert after[1][0] == ("td", 3, "文學之都")  # the section cell spans the group's three rows
    assert [row for row in after if row not in new] == [before[0], [("td", 3, "文學之都"), *before[1][1:]], *before[2:]]


def test_a_table_per_section_gains_a_row_on_the_wiki(wiki, tmp_path):
    title = "Members/Table per section"
    registry = MemberList("persection", (title,), (Section("文學之都", ("文學之都",), (*LITERATURE, NANJING)),
                                                   Section("音樂之都", ("音樂之都",), MUSIC[:1])))  # fmt: skip
    before = rendered_rows(wiki, text=PER_SECTION)
    saved = scan_approve_apply(wiki, tmp_path, title, PER_SECTION, registry)
    after = rendered_rows(wiki, title)
    assert after == [*before[:3], [("td", 1, "南京"), ("td", 1, "中国"), ("td", 1, "2019")], *before[3:]]
    assert saved["content"] == PER_SECTION.replace("| 2017\n|}", "| 2017\n|-\n| [[南京]]\n| [[中国]]\n| 2019\n|}")


def test_removing_a_groups_first_row_moves_its_section_cell_on_the_wiki(wiki, tmp_path):
    """爱丁堡 leaves the registry: the removal waits for review; approved and saved, the wiki shows
    one row fewer and 文學之都's cell on 米兰's row, spanning one row."""
    title = "Members/Table removal"
    registry = MemberList("removal", (title,), (Section("文學之都", ("文學之都",), LITERATURE[1:]), Section("音樂之都", ("音樂之都",), MUSIC)))
    # One of the table's four members is a quarter of the list: more than the removal guard's default share.
    config, queue = setup(wiki, tmp_path, title, GROUPED, registry, extra="[members]\nmax_removal_share = 0.5\n")
    before = rendered_rows(wiki, text=GROUPED)
    run(wiki, queue, "scan", "--config", str(config), f"-page:{title}", "--auto-approve", "all")
    (proposal,) = proposals(wiki, queue)
    (change,) = proposal["changes"]
    assert change["rule"] == "member-remove" and change["note"].startswith("爱丁堡（文學之都）; rowspan 2→1")
    assert change["proof"] == "proven", change["proof"]
    run(wiki, queue, "apply", "--config", str(config), "--mode", "live")
    assert wiki.revisions(title)[0]["content"] == GROUPED  # auto-approval never covers a removal
    run(wiki, queue, "approve", str(proposal["id"]), "--change", str(change["number"]), "--reviewer", "editor")
    run(wiki, queue, "apply", "--config", str(config), "--mode", "live")
    after = rendered_rows(wiki, title)
    assert after == [before[0], [("td", 1, "文學之都"), *before[2]], *before[3:]]


def test_a_new_section_as_a_row_group_on_the_wiki(wiki, tmp_path):
    """A registry section the table lacks (建築之都, between the two in the registry's order): a new
    group of two rows under one section cell, for review; saved, the wiki shows those two rows and
    nothing else changed."""
    title = "Members/Table new group"
    architecture = (Member("开罗", country_target="埃及", year=2025), Member("利马", country_target="秘鲁", year=2025))
    registry = MemberList("newgroup", (title,), (Section("文學之都", ("文學之都",), LITERATURE), Section("建築之都", ("建築之都",), architecture),
                                                 Section("音樂之都", ("音樂之都",), MUSIC)))  # fmt: skip
    config, queue = setup(wiki, tmp_path, title, GROUPED, registry)
    before = rendered_rows(wiki, text=GROUPED)
    run(wiki, queue, "scan", "--config", str(config), f"-page:{title}", "--auto-approve", "all")
    (proposal,) = proposals(wiki, queue)
    (change,) = proposal["changes"]
    assert change["rule"] == "member-new-section" and change["note"].startswith("建築之都（2）")
    assert change["proof"] == "proven", change["proof"]
    run(wiki, queue, "approve", str(proposal["id"]), "--change", str(change["number"]), "--reviewer", "editor")
    run(wiki, queue, "apply", "--config", str(config), "--mode", "live")
    assert wiki.revisions(title)[0]["comment"].startswith("成员列表 +建築之都（2）")
    group = [[("td", 2, "建築之都"), ("td", 1, "开罗"), ("td", 1, "埃及"), ("td", 1, "2025")],
             [("td", 1, "利马"), ("td", 1, "秘鲁"), ("td", 1, "2025")]]  # fmt: skip
    assert rendered_rows(wiki, title) == [*before[:3], *group, *before[3:]]
