"""``linkbot report --html FILE``: every pending proposal on one self-contained HTML page.

For editors who review in a browser: per proposal its page, base revision and numbered changes
(rule label and id, decision, old and new text side by side), then the whole diff. Styles are
inline and there are no scripts, images or links to other sites: the file works offline.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable

from bot.queue.proposals import Proposal

RULE_LABELS = {
    "md-mirror": "Markdown → mirror page",
    "md-url": "Markdown → page URL",
    "ext-self": "external link to this wiki",
    "interwiki": "other wiki",
    "ext-interwiki": "external link to another wiki",
    "category": "category",
    "file": "file / image",
    "md-external": "Markdown → external site",
}

STYLE = """
body { font: 15px/1.5 system-ui, "Noto Sans CJK SC", sans-serif; margin: 2em auto; max-width: 72em; color: #202122; }
h1 { font-size: 1.6em; margin-bottom: .2em; }
.meta { color: #54595d; }
section { border: 1px solid #c8ccd1; border-radius: 4px; margin: 1.5em 0; padding: 0 1em 1em; }
h2 { font-size: 1.2em; border-bottom: 1px solid #eaecf0; padding-bottom: .3em; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #eaecf0; padding: .3em .5em; vertical-align: top; text-align: left; }
th { background: #f8f9fa; }
td.old { background: #fee7e6; } td.new { background: #d5fdf4; }
code { font: 13px/1.4 ui-monospace, "Noto Sans Mono CJK SC", monospace; white-space: pre-wrap; word-break: break-all; }
.rule { display: inline-block; border-radius: 3px; padding: 0 .4em; background: #eaf3ff; color: #36c; font-size: .85em; }
.review { background: #fef6e7; color: #ac6600; }
.approved { color: #14866d; font-weight: bold; } .rejected { color: #d33; font-weight: bold; } .pending { color: #54595d; }
pre.diff { background: #f8f9fa; padding: .5em; overflow-x: auto; font: 12px/1.4 ui-monospace, monospace; }
pre.diff .add { background: #d5fdf4; display: block; } pre.diff .del { background: #fee7e6; display: block; }
pre.diff .hunk { color: #36c; display: block; }
"""


def render_report(proposals: Iterable[Proposal], generated_at: str) -> str:
    proposals = list(proposals)
    changes = sum(len(proposal.changes) for proposal in proposals)
    body = "".join(_section(proposal) for proposal in proposals) or "<p>No proposals are waiting for review.</p>"
    return (
        "<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">"
        "<title>linkbot: proposals waiting for review</title>"
        f"<style>{STYLE}</style></head><body>"
        "<h1>linkbot: proposals waiting for review</h1>"
        f"<p class=\"meta\">{len(proposals)} proposal(s), {changes} change(s); generated {html.escape(generated_at)}. "
        "Decide with <code>linkbot approve ID [--change N ...]</code> or <code>linkbot reject ...</code>, "
        "or interactively with <code>linkbot review</code>.</p>"
        f"{body}</body></html>\n"
    )


def _section(proposal: Proposal) -> str:
    decisions = Counter(item.decision for item in proposal.changes)
    rows = "".join(_row(item) for item in proposal.changes)
    return (
        f"<section id=\"proposal-{proposal.id}\"><h2>#{proposal.id} {html.escape(proposal.title)}</h2>"
        f"<p class=\"meta\">{html.escape(proposal.wiki)}, base revision {proposal.base_revid}, "
        f"status {html.escape(proposal.status)}: {decisions['approved']} approved, {decisions['rejected']} rejected, "
        f"{decisions['pending']} pending</p>"
        "<table><thead><tr><th>#</th><th>rule</th><th>decision</th><th>now</th><th>proposed</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        f"<details><summary>whole diff</summary>{_diff(proposal.diff)}</details></section>"
    )


def _row(item) -> str:
    change = item.change
    label = html.escape(RULE_LABELS.get(change.rule.value, change.rule.value))
    review = ' <span class="rule review">needs review</span>' if change.needs_review else ""
    note = f"<br><small>{html.escape(change.note)}</small>" if change.note else ""
    who = f"<br><small>{html.escape(item.decided_by)}</small>" if item.decided_by else ""
    return (
        f"<tr id=\"change-{change.id}\"><td>{item.number}</td>"
        f"<td><span class=\"rule\">{html.escape(change.rule.value)}</span> {label}{review}"
        f"<br><small>id {html.escape(change.id)}</small>{note}</td>"
        f"<td class=\"{item.decision}\">{item.decision}{who}</td>"
        f"<td class=\"old\"><code>{html.escape(change.old)}</code></td>"
        f"<td class=\"new\"><code>{html.escape(change.new)}</code></td></tr>"
    )


def _diff(diff: str) -> str:
    lines = []
    for line in diff.splitlines():
        kind = "add" if line.startswith("+") and not line.startswith("+++") else (
            "del" if line.startswith("-") and not line.startswith("---") else "hunk" if line.startswith("@@") else ""
        )
        text = html.escape(line)
        lines.append(f'<span class="{kind}">{text}</span>' if kind else text + "\n")
    return f"<pre class=\"diff\">{''.join(lines)}</pre>"
