"""``linkbot members import`` and ``linkbot members check`` against files, and the removal guard
through ``linkbot fix --list``: real files, the real command line."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from bot.cli import EXIT_CHANGES, EXIT_CONFIG, EXIT_INPUT, EXIT_OK, main
from bot.inputs.registries import load_registry

ROOT = Path(__file__).resolve().parents[2]
OLD_SEED = ROOT / "seeds" / "000_d4b9c68d3e383551.txt"
NEW_SEED = ROOT / "seeds" / "001_7e93bf9fd9f8118a.txt"
CSV = "城市,领域,国家,年份,来源\n南京,文學之都,中国,2019,\n拉巴特,建築之都,摩洛哥,2025,新华社\n,建築之都,,,\n墨爾本,音樂之都,澳大利亞,,\n"
COLUMNS = '\n[columns]\nmember = "城市"\nsection = "领域"\ncountry = "国家"\nyear = "年份"\nsource = "来源"\n'


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), stdout=out, stderr=err, environ={})
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def config(tmp_path) -> Path:
    """A config file with the shipped registry (and a [columns] table) in its lists/ folder."""
    (tmp_path / "lists").mkdir()
    registry = tmp_path / "lists" / "uccn.toml"
    registry.write_text((ROOT / "config" / "lists" / "uccn.toml").read_text(encoding="utf-8") + COLUMNS, encoding="utf-8")
    (tmp_path / "members.csv").write_text(CSV, encoding="utf-8")
    path = tmp_path / "linkbot.toml"
    path.write_text("[members]\nmax_removal_share = 0.2\n", encoding="utf-8")
    return path


def test_import_prints_the_diff_and_writes_nothing_without_write(config):
    registry = config.parent / "lists" / "uccn.toml"
    before = registry.read_text(encoding="utf-8")
    code, out, err = run("members", "import", "uccn", "--from", str(config.parent / "members.csv"), "--config", str(config))
    assert code == EXIT_INPUT  # a bad row: the others are imported, the row is named
    assert err == f"linkbot: {config.parent / 'members.csv'}:4: no member (column '城市')\n"
    lines = out.splitlines()
    assert lines[0].startswith("uccn from ") and "1 member(s) to add, 1 section(s) to add, 1 difference(s), 150 member(s)" in lines[0]
    assert lines[1:4] == ["+ section 建築之都", "+ 建築之都: 拉巴特 (摩洛哥, 2025, 新华社)", "~ 文學之都: 墨爾本: section 文學之都 → 音樂之都"]
    assert lines[-1] == "nothing written (--write writes it)"
    assert registry.read_text(encoding="utf-8") == before


def test_import_write_keeps_comments_and_a_second_import_changes_nothing(config):
    registry = config.parent / "lists" / "uccn.toml"
    comments = [line for line in registry.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    source = str(config.parent / "members.csv")
    code, out, _ = run("members", "import", "uccn", "--from", source, "--config", str(config), "--write")
    assert code == EXIT_INPUT and out.splitlines()[-1] == f"written to {registry}"
    text = registry.read_text(encoding="utf-8")
    assert [line for line in text.splitlines() if line.startswith("#")] == comments
    assert load_registry(registry).section("建築之都").members[0].target == "拉巴特"
    code, out, _ = run("members", "import", "uccn", "--from", source, "--config", str(config), "--write", "--format", "json")
    record = json.loads(out)
    assert (record["added"], record["new_sections"], record["differences"], record["written"]) == ([], [], [], False)
    assert record["problems"] == [f"{source}:4: no member (column '城市')"]
    assert registry.read_text(encoding="utf-8") == text


def test_import_of_a_file_that_cannot_be_read_is_one_line(config, tmp_path):
    code, out, err = run("members", "import", "uccn", "--from", str(tmp_path / "nope.csv"), "--config", str(config))
    assert (code, out, err) == (EXIT_INPUT, "", f"linkbot: {tmp_path / 'nope.csv'}: no such file\n")


def test_a_registry_with_an_unknown_column_field_is_refused_with_a_hint(config):
    registry = config.parent / "lists" / "uccn.toml"
    registry.write_text(registry.read_text(encoding="utf-8").replace('member = "城市"', 'membr = "城市"'), encoding="utf-8")
    code, _, err = run("members", "import", "uccn", "--from", str(config.parent / "members.csv"), "--config", str(config))
    assert code == EXIT_CONFIG and "[columns]: membr: unknown key (did you mean member?)" in err


def test_check_against_files(config):
    code, out, _ = run("members", "check", "uccn", "--file", str(OLD_SEED), "--config", str(config))
    assert code == EXIT_CHANGES
    assert out.splitlines() == [
        "uccn: the registry reflects seeds/001_7e93bf9fd9f8118a.txt: 152 members in 7 fields (to 2019-10-31); "
        "the network had 408 in 8 fields on 2025-10-31",
        f"uccn / {OLD_SEED}: disagrees (150 listed)",
        "  add          南京（文學之都）: UNESCO Creative Cities Network designation of 2019-10-31",
        "  add          扬州（美食之都）: UNESCO Creative Cities Network designation of 2019-10-31",
        "  total        116→152",
    ]
    page = config.parent / "agreeing.txt"
    page.write_text(NEW_SEED.read_text(encoding="utf-8").replace("该网络由116个城市", "该网络由152个城市"), encoding="utf-8")
    code, out, _ = run("members", "check", "uccn", "--file", str(page), "--config", str(config), "--format", "json")
    assert code == EXIT_OK
    assert json.loads(out)["agrees"] is True


def test_a_run_whose_registry_would_remove_too_many_proposes_no_member_changes(config):
    """An out-of-date registry: a third of the 文學之都 members gone from it."""
    registry = load_registry(config.parent / "lists" / "uccn.toml")
    text = (config.parent / "lists" / "uccn.toml").read_text(encoding="utf-8")
    for member in registry.sections[0].members[:40] + registry.sections[2].members:
        text = text.replace(f'target = "{member.target}"', f'target = "{member.target}-gone"', 1)
    (config.parent / "lists" / "uccn.toml").write_text(text, encoding="utf-8")
    code, out, _ = run("scan", str(NEW_SEED), "--list", "uccn", "--config", str(config), "--format", "json")
    (record,) = [json.loads(line) for line in out.splitlines()]
    assert [c for c in record["changes"] if c["rule"].startswith("member-")] == []
    (warning,) = [w for w in record["warnings"] if "max_removal_share" in w]
    assert re.match(r"uccn: \d+ of 152 listed member\(s\) \(3\d%\) would be removed, more than \[members\] max_removal_share \(20%\)", warning)
    code, out, _ = run("members", "check", "uccn", "--file", str(NEW_SEED), "--config", str(config))
    assert code == EXIT_CHANGES and "  held         a run proposes no member changes here" in out


def test_check_of_a_registry_without_pages_says_so(tmp_path):
    registry = tmp_path / "none.toml"
    registry.write_text('name = "none"\n[[sections]]\nname = "A"\nmembers = [{ target = "甲城" }]\n', encoding="utf-8")
    code, out, err = run("members", "check", str(registry))
    assert (code, out) == (EXIT_INPUT, "")
    assert err == "linkbot: none: the registry manages no page (its pages = [...]); name a copy with --file\n"


def test_extract_never_overwrites_a_registry(config):
    registry = config.parent / "lists" / "uccn.toml"
    before = registry.read_text(encoding="utf-8")
    code, _, err = run("members", "--config", str(config), "extract", str(NEW_SEED), "--list", "uccn", "--output", str(registry))
    assert code == EXIT_INPUT and registry.read_text(encoding="utf-8") == before
    assert err == (f"linkbot: {registry}: already exists; extract writes a new registry and would lose its comments, years and "
                   "sources (members import uccn --from-page updates one; remove the file to rebuild it)\n")  # fmt: skip
    fresh = config.parent / "lists" / "fresh.toml"
    code, _, err = run("members", "--config", str(config), "extract", str(NEW_SEED), "--list", "fresh", "--output", str(fresh))
    assert code == EXIT_OK and "152 member(s) written" in err and load_registry(fresh).name == "fresh"
