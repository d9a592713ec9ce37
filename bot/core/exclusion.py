"""Bot exclusion: does the page's own text ask this bot to stay away?

``{{nobots}}``, ``{{bots|deny=...}}`` and ``{{bots|allow=...}}`` follow the convention of
Template:Bots (also honoured by pywikibot); in-use templates (``{{inuse}}``, ``{{正在修改}}``)
mark a page someone is editing right now. Read from the text the bot already has, so the
check costs no request.
"""

from __future__ import annotations

import mwparserfromhell


def exclusion_reason(text: str, bot_name: str, in_use_templates: frozenset[str]) -> str | None:
    """Why the bot must not edit this page, or None."""
    bot = bot_name.strip().lower()
    in_use = {_template_key(name) for name in in_use_templates}
    for template in mwparserfromhell.parse(text).ifilter_templates(recursive=True):
        name = _template_key(str(template.name))
        if name == "nobots":
            allowed = _names(template, "allow")
            if bot not in allowed and "all" not in allowed:
                return "{{nobots}}"
        elif name == "bots":
            allowed, denied = _names(template, "allow"), _names(template, "deny")
            if template.has("allow") and (allowed == {"none"} or ("all" not in allowed and bot not in allowed)):
                return "{{bots|allow=...}} does not list this bot"
            if "all" in denied or bot in denied:
                return "{{bots|deny=...}} lists this bot"
        elif name in in_use:
            return f"in use ({{{{{template.name.strip()}}}}})"
    return None


def exclusion_kind(reason: str) -> str:
    """A short key for an exclusion reason, for counting them: nobots, bots or in-use."""
    if reason.startswith("in use"):
        return "in-use"
    return "nobots" if reason == "{{nobots}}" else "bots"


def _template_key(name: str) -> str:
    name = " ".join(name.replace("_", " ").split())
    if name.lower().startswith("template:"):
        name = name[len("template:") :].strip()
    return name.lower()


def _names(template, parameter: str) -> set[str]:
    if not template.has(parameter):
        return set()
    value = template.get(parameter).value.strip_code()
    return {item.strip().lower() for item in value.split(",") if item.strip()}
