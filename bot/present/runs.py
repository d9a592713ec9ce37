"""Recorded runs as people read them: a line per run, a run's whole record, and a trial report.

The trial report lists every edit of the run with a link to the wiki's diff of that revision, its
rules and change counts and its edit summary: as wikitext to paste into the bot-approval request,
as Markdown and as HTML (bot/present/templates/trial.html) for the operator.
"""

from __future__ import annotations

import json
import urllib.parse
from dataclasses import asdict

from bot.core.reviewpage import literal
from bot.present.html import environment
from bot.queue.runlog import RunEdit, RunRecord


def run_line(run: RunRecord) -> str:
    trial = f" trial of {run.trial}" if run.trial else ""
    undoes = f" undoing {run.undoes}" if run.undoes else ""
    state = "unfinished" if run.ended_at is None else f"stopped: {run.outcome['stopped']}" if run.outcome.get("stopped") else "done"
    review = f" + {len(run.review_page_edits)} of the review page" if run.review_page_edits else ""
    return (f"{run.id}  {run.command:<5} {run.mode:<7} {run.wiki}  {run.started_at}  {len(run.page_edits)} edit(s){review}"
            f"{trial}{undoes}  ({state})")  # fmt: skip


def run_record(run: RunRecord) -> dict:
    record = asdict(run)
    record["edits"] = [asdict(edit) for edit in run.edits]
    record["skips"] = [asdict(skip) for skip in run.skips]
    return record


def run_text(run: RunRecord, index_url: str) -> str:
    """``linkbot runs show ID``: the record, the rate and load settings, each edit with its diff link."""
    lines = [run_line(run), f"  config digest {run.config_digest}; sources: {' '.join(run.sources) or '-'}"]
    lines.append("  rate and load: " + ", ".join(f"{key} {value}" for key, value in run.settings.items() if value not in (None, "")))
    lines.append(f"  ended {run.ended_at or '- (killed, or still running)'}; outcome: {json.dumps(dict(run.outcome), ensure_ascii=False)}")
    for edit in run.edits:
        kind = "review page" if edit.kind == "review-page" else "edit"
        lines.append(f"  {kind}: {edit.title}  r{edit.old_revid} -> r{edit.new_revid}  {_rules(edit)}  {diff_link(index_url, edit) or ''}")
        lines.append(f"        summary: {edit.summary}")
    lines += [f"  left alone: {skip.title}: {skip.why}" for skip in run.skips]
    return "\n".join(lines) + "\n"


def diff_link(index_url: str, edit: RunEdit) -> str:
    """The wiki's diff of the revision the edit saved ("" when the queue does not know the wiki's address)."""
    return f"{index_url}?diff={edit.new_revid}&oldid={edit.old_revid}" if index_url else ""


def _rules(edit: RunEdit) -> str:
    return ", ".join(f"{rule} {count}" for rule, count in edit.rules.items()) or "-"


def trial_wikitext(run: RunRecord, index_url: str) -> str:
    """The trial as wikitext, for the bot-approval request: every edit the run made (its publications of
    the review page listed apart, after the task's edits). Whatever comes from a page or a setting
    (titles, summaries built from page text, the wiki's name) is shown literally: pasted into the
    request, nothing in it transcludes, links, categorises, switches or signs."""
    lines = [
        f"Trial run <code>{literal(run.id)}</code> of linkbot on {literal(run.wiki)}: {len(run.page_edits)} edit(s)"
        f"{f' of {run.trial} allowed' if run.trial else ''}, {literal(run.started_at)} to {literal(run.ended_at or '?')} (UTC).",
        "",
    ]
    for edit in run.page_edits:
        lines.append(f"# {_page(index_url, edit.title)} ({_diff(index_url, edit)}): {literal(_rules(edit))}; summary: {literal(edit.summary)}")
    if run.review_page_edits:
        lines += ["", f"Besides, {len(run.review_page_edits)} edit(s) of the bot's review page:"]
        lines += [f"* {_page(index_url, edit.title)} ({_diff(index_url, edit)})" for edit in run.review_page_edits]
    return "\n".join(lines) + "\n"


def _page(index_url: str, title: str) -> str:
    """A page as an external link to it (its title percent-encoded whole, so no ``__X__`` or ``~~~``
    of it is read as markup), labelled with its title shown literally."""
    if not index_url:
        return literal(title)
    encoded = urllib.parse.quote(title.replace(" ", "_"), safe="").replace("_", "%5F").replace("~", "%7E")
    return f"[{index_url}?title={encoded} {literal(title)}]"


def _diff(index_url: str, edit: RunEdit) -> str:
    link = diff_link(index_url, edit)
    return f"[{link} diff]" if link else f"revision {edit.new_revid}"


def trial_markdown(run: RunRecord, index_url: str) -> str:
    lines = [f"# Trial run {run.id}", "", f"{run.wiki}, {len(run.page_edits)} edit(s), {run.started_at} to {run.ended_at or '?'} (UTC)", "",
             "| page | diff | rules | summary |", "|---|---|---|---|"]  # fmt: skip
    for edit in run.edits:
        link = diff_link(index_url, edit)
        title = f"{edit.title} (review page)" if edit.kind == "review-page" else edit.title
        cells = (title, f"[r{edit.new_revid}]({link})" if link else f"r{edit.new_revid}", _rules(edit), edit.summary)
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def trial_html(run: RunRecord, index_url: str) -> str:
    edits = [(edit, diff_link(index_url, edit), _rules(edit)) for edit in run.page_edits]
    review = [(edit, diff_link(index_url, edit), _rules(edit)) for edit in run.review_page_edits]
    return environment().get_template("trial.html").render(run=run, edits=edits, review=review)


TRIAL_FORMATS = {"wiki": trial_wikitext, "md": trial_markdown, "html": trial_html}
