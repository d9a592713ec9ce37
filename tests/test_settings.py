"""Settings: defaults < config file < environment < command line; configured site profiles."""

from __future__ import annotations

import re

import pytest

from bot.core import MirrorForms, Rule, analyze
from bot.errors import ConfigError
from bot.settings import Settings, load_settings


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "linkbot.toml"
    path.write_text(
        """
[linkbot]
site = "ja.wikipedia.org"
[rules]
enabled = ["md-mirror", "md-url"]
review = "none"
[output]
color = "never"
[sites."wiki.example.org"]
language = "de"
aliases = ["www.wiki.example.org"]
linktrail = "[a-zäöüß]+"
namespaces = { 14 = ["Kategorie"] }
interwikis = { wp = "en.wikipedia.org" }
""",
        encoding="utf-8",
    )
    return str(path)


def test_defaults(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no config/linkbot.toml here
    settings = load_settings(environ={})
    assert settings == Settings()
    assert settings.site == "zh.wikipedia.org" and settings.review_rules == {Rule.FILE}


def test_config_file(config):
    settings = load_settings(config, environ={})
    assert settings.site == "ja.wikipedia.org"
    assert settings.rules == {Rule.MD_MIRROR, Rule.MD_URL}
    assert settings.review_rules == frozenset()
    assert settings.color == "never"


def test_environment_beats_config_and_command_line_beats_both(config):
    environ = {"LINKBOT_SITE": "en.wikipedia.org", "LINKBOT_RULES": "all"}
    assert load_settings(config, environ).site == "en.wikipedia.org"
    assert load_settings(config, environ).rules == frozenset(Rule)
    assert load_settings(config, {"LINKBOT_RULES": "default,ext-interwiki"}).rules == frozenset(Rule)
    assert Rule.EXT_INTERWIKI not in load_settings(config, {"LINKBOT_RULES": "default"}).rules
    assert load_settings(config, environ, {"site": "de.wikipedia.org", "rules": None}).site == "de.wikipedia.org"


def test_where_markdown_forms_are_repaired(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[rules]\nmirror_forms = "never"\n', encoding="utf-8")
    assert Settings().mirror_forms is MirrorForms.AUTO
    assert load_settings(str(path), environ={}).options.mirror_forms is MirrorForms.NEVER
    assert load_settings(str(path), {"LINKBOT_MIRROR_FORMS": "always"}).mirror_forms is MirrorForms.ALWAYS
    assert load_settings(str(path), {"LINKBOT_MIRROR_FORMS": "always"}, {"mirror_forms": "auto"}).mirror_forms is MirrorForms.AUTO
    with pytest.raises(ConfigError, match="mirror_forms must be auto, always or never, not 'sometimes'"):
        load_settings(str(path), {"LINKBOT_MIRROR_FORMS": "sometimes"})


def test_config_path_from_environment(config):
    assert load_settings(environ={"LINKBOT_CONFIG": config}).site == "ja.wikipedia.org"


def test_configured_site_profile(config):
    settings = load_settings(config, environ={}, overrides={"site": "wiki.example.org"})
    profile = settings.profile()
    assert profile.namespace("Kategorie").id == 14
    text = '[x](https://www.wiki.example.org/wiki/Seite) [y](https://en.wikipedia.org/wiki/Z "wikilink")'
    assert analyze(text, profile).new_text == "[[Seite|x]] [[wp:Z|y]]"


@pytest.mark.parametrize(
    "body, message",
    [
        ("[linkbot]\nsite = 3\n", "[linkbot] site: expected a string, not 3"),
        ("linkbot = 1\n", "[linkbot] must be a table"),
        ('[rules]\nenabled = ["bogus"]\n', "unknown rule 'bogus'"),
        ('[rules]\nmirror_forms = "maybe"\n', "[rules] mirror_forms: expected 'auto', 'always' or 'never', not 'maybe'"),
        ('[output]\ncolor = "rainbow"\n', "[output] color: expected 'auto', 'always' or 'never', not 'rainbow'"),
        ("[wiki]\nmax_edit = 3\n", "[wiki] max_edit: unknown key (did you mean max_edits?)"),
        ("[wiki]\nmax_edits = -1\n", "[wiki] max_edits: expected a whole number, 0 or more, not -1"),
        ('[retry]\nattempts = "many"\n', "[retry] attempts: expected a whole number, 1 or more, not 'many'"),
        ("[retry]\ninitial_wait = -2\n", "[retry] initial_wait: expected a number 0 or more, not -2"),
        ("[run]\nbreaker_rate = 1.5\n", "[run] breaker_rate: expected a number between 0 and 1, not 1.5"),
        ("[run]\nmax_minutes = true\n", "[run] max_minutes: expected a number 0 or more, not True"),
        ("[run]\nreview_groups = \"sysop\"\n", "[run] review_groups: expected a list of strings, not 'sysop'"),
        ("[runn]\nx = 1\n", "[runn]: unknown section (did you mean run?)"),
        ('[run]\nreview_groups = ["sysop", "user"]\n', "[run] review_groups: expected groups not every account is in ('user' is everyone)"),
        ('[sites."w.example.org"]\nlinktrail = "[a-z"\n', '[sites."w.example.org"] linktrail: expected a regular expression'),
        ('[sites."w.example.org"]\nlangauge = "de"\n', "unknown key (did you mean language?)"),
        ('[summary.zh]\ntempalte = "x"\n', "[summary.zh] tempalte: unknown key (did you mean template?)"),
        ("[members]\nmax_removal_share = 1.5\n", "[members] max_removal_share: expected a number between 0 and 1, not 1.5"),
        ("[members]\nmax_removal = 0.1\n", "[members] max_removal: unknown key (did you mean max_removal_share?)"),
    ],
)
def test_config_errors(tmp_path, body, message):
    path = tmp_path / "c.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_settings(str(path), environ={})


def test_missing_config_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_settings(str(tmp_path / "nope.toml"), environ={})


def test_shipped_config_is_valid():
    from pathlib import Path

    shipped = Path(__file__).resolve().parents[1] / "config" / "linkbot.toml"
    settings = load_settings(str(shipped), environ={})
    assert settings.site == "zh.wikipedia.org" and settings.rules == frozenset(Rule) - {Rule.EXT_INTERWIKI}


def test_wiki_selection_becomes_pywikibot_arguments(tmp_path):
    path = tmp_path / "w.toml"
    path.write_text('[wiki]\nfamily = "wikipedia"\ncode = "zh"\nnamespaces = [0, 14]\n', encoding="utf-8")
    settings = load_settings(str(path), environ={})
    assert settings.pywikibot_args == ["-family:wikipedia", "-lang:zh"]
    assert settings.namespaces == (0, 14)
    assert load_settings(environ={"LINKBOT_CONFIG": str(path), "LINKBOT_CODE": "en"}).pywikibot_args[1] == "-lang:en"


def test_bot_approval_settings(tmp_path):
    from bot.settings import load_settings

    config = tmp_path / "linkbot.toml"
    config.write_text('[bot]\nedits_per_minute = 6\nmaxlag = 5\nsummary_prefix = "机器人："\ntask_page = "User:LinkBot/任务"\n', encoding="utf-8")
    settings = load_settings(str(config), {}, {})
    assert (settings.bot.edits_per_minute, settings.bot.maxlag) == (6.0, 5)
    assert settings.bot.summary("修复 2 个链接") == "机器人：修复 2 个链接 [[User:LinkBot/任务]]"
    assert settings.digest() != load_settings(None, {}, {}).digest() and len(settings.digest()) == 12
    config.write_text("[bot]\nmaxlag = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\[bot\] maxlag"):
        load_settings(str(config), {}, {})


def test_the_member_removal_share_flows_to_the_cores_options(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text("[members]\nmax_removal_share = 0.5\n", encoding="utf-8")
    assert load_settings(str(path), environ={}).options.max_member_removal_share == 0.5
    assert load_settings(None, environ={}).max_member_removal_share == 0.2  # the default guards every run
