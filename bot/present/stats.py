"""``linkbot stats``: the queue's statistics as a table, and as an HTML page with plots.

The plots are drawn by matplotlib (Agg, no display) as SVG and put inline: the page fetches nothing
and runs no script. The numbers on the page are the ones ``stats --format json`` prints.
"""

from __future__ import annotations

import io

from markupsafe import Markup

from bot.present.html import environment
from bot.present.rules import rule_label
from bot.queue.stats import Stats


def stats_text(stats: Stats) -> str:
    lines = [
        f"{stats.edits} edit(s) on {stats.pages_fixed} page(s), {stats.changes_saved} change(s) saved, "
        f"{stats.waiting} waiting for review; reverted: {stats.undone_by_linkbot} revision(s) by linkbot undo, "
        f"{stats.reverted_by_others} change(s) by others",
        "",
        f"{stats.by:<10} {'edits':>6} {'pages':>6}  changes per rule",
    ]
    for period in stats.periods:
        rules = ", ".join(f"{rule} {count}" for rule, count in sorted(period.changes.items()))
        lines.append(f"{period.period:<10} {period.edits:>6} {period.pages:>6}  {rules}")
    lines += ["", f"{'rule':<16} {'saved':>6} {'approved':>9} {'rejected':>9} {'approval':>9} {'waiting':>8} {'reverted':>9}"]
    for rule in stats.rules:
        rate = f"{rule.approval_rate:.0%}" if rule.approval_rate is not None else "-"
        lines.append(f"{rule.rule:<16} {rule.saved:>6} {rule.approved:>9} {rule.rejected:>9} {rate:>9} {rule.waiting:>8} {rule.reverted:>9}")
    return "\n".join(lines) + "\n"


def stats_html(stats: Stats, generated_at: str) -> str:
    plots = [("Changes saved per rule", _changes_plot(stats)), ("Decisions per rule", _decisions_plot(stats))]
    return environment().get_template("stats.html").render(
        stats=stats, generated_at=generated_at, rule_label=rule_label, plots=[(title, svg) for title, svg in plots if svg],
    )  # fmt: skip


def _figure():
    import matplotlib

    matplotlib.use("Agg")  # no display, no window: only files
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(8, 3.2), layout="constrained")
    axes = figure.subplots()
    for axis in (axes.xaxis, axes.yaxis):
        axis.set_major_locator(MaxNLocator(integer=True))  # counts: whole numbers only
    return figure, axes


def _svg(figure) -> Markup:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg")
    text = buffer.getvalue()
    return Markup(text[text.index("<svg") :])  # the XML prologue does not belong inside HTML


def _changes_plot(stats: Stats) -> Markup | None:
    """Stacked bars: changes saved per period, one color per rule."""
    if not stats.periods:
        return None
    figure, axes = _figure()
    periods = [period.period for period in stats.periods]
    bottom = [0] * len(periods)
    for rule in sorted({rule for period in stats.periods for rule in period.changes}):
        heights = [period.changes.get(rule, 0) for period in stats.periods]
        axes.bar(periods, heights, bottom=bottom, label=rule)
        bottom = [low + high for low, high in zip(bottom, heights, strict=True)]
    axes.set_ylabel("changes saved")
    axes.legend(fontsize="small", ncols=2)
    return _svg(figure)


def _decisions_plot(stats: Stats) -> Markup | None:
    """Horizontal bars per rule: approved, rejected, waiting."""
    rules = [rule for rule in stats.rules if rule.approved or rule.rejected or rule.waiting]
    if not rules:
        return None
    figure, axes = _figure()
    names = [rule.rule for rule in rules]
    left = [0] * len(rules)
    for label, values, color in (("approved", [r.approved for r in rules], "#14866d"),
                                 ("rejected", [r.rejected for r in rules], "#d33"),
                                 ("waiting", [r.waiting for r in rules], "#ac6600")):  # fmt: skip
        axes.barh(names, values, left=left, label=label, color=color)
        left = [start + width for start, width in zip(left, values, strict=True)]
    axes.set_xlabel("changes")
    axes.legend(fontsize="small")
    return _svg(figure)
