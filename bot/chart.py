"""The digest chart: weekly interactions vs the team's first judged outcome attributed to each
platform, 12 weeks, per platform. Weeks without data are left empty, not drawn as zero.

matplotlib with the Agg backend (no display), sized to stay readable at Slack's preview
width: one small panel per platform, interactions as bars on the left axis, the outcome as
a line on the right axis, so a gap between the two is visible at a glance.
"""

from __future__ import annotations

import io
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from bot.core.catalogue import is_money
from bot.core.digest import Digest, metric_label
from bot.core.insights import platform_name

BAR = "#8ecae6"
LINE = "#d62828"
INK = "#1d3557"
#: the figure's layout, in inches (8 wide at 110 dpi: Slack's preview width stays readable)
WIDTH_INCHES, DPI = 8.0, 110
PANEL_INCHES, TITLE_INCHES, BOTTOM_INCHES, GAP_INCHES = 2.3, 0.7, 0.35, 0.6
MARGIN_INCHES = 0.85


def _whole_ticks() -> MaxNLocator:
    """matplotlib's usual ticks (as many as the axis has room for), whole numbers only."""
    return MaxNLocator(nbins="auto", steps=[1, 2, 2.5, 5, 10], integer=True)


def render_chart(digest: Digest) -> bytes:
    """PNG bytes of the chart (a note instead of panels when there is no data)."""
    buffer = io.BytesIO()
    draw_chart(digest).savefig(buffer, format="png")
    return buffer.getvalue()


def draw_chart(digest: Digest) -> Figure:
    """The chart's figure: one panel per platform."""
    platforms = list(digest.chart)
    outcome = metric_label(digest.outcome) if digest.outcome else "outcomes"
    panels = max(1, len(platforms))
    height = PANEL_INCHES * panels + TITLE_INCHES
    # a Figure of its own, not pyplot's global one: workers draw charts on several threads
    fig = Figure(figsize=(WIDTH_INCHES, height), dpi=DPI)
    FigureCanvasAgg(fig)
    # fixed margins, in inches, instead of tight_layout (which draws the whole figure once
    # more to measure its labels: a third of the chart's time)
    fig.subplots_adjust(
        left=MARGIN_INCHES / WIDTH_INCHES,
        right=1 - MARGIN_INCHES / WIDTH_INCHES,
        top=1 - TITLE_INCHES / height,
        bottom=BOTTOM_INCHES / height,
        hspace=GAP_INCHES / (PANEL_INCHES - GAP_INCHES),
    )
    axes = fig.subplots(panels, 1, squeeze=False)
    labels = [f"{w.start:%b} {w.start.day}" for w in digest.chart_weeks]
    for ax, platform in zip(axes[:, 0], platforms or [None], strict=False):
        if platform is None:
            ax.text(0.5, 0.5, "No data yet", ha="center", va="center", color=INK)
            ax.axis("off")
            continue
        data = digest.chart[platform]
        xs = range(len(labels))
        # Absent weeks (before a source's first day) stay empty, never drawn as zero.
        bars = [math.nan if v is None else v for v in data["interactions"]]
        line = [math.nan if v is None else v for v in data["outcomes"]]
        ax.bar(xs, bars, color=BAR, label="interactions")
        ax.set_ylabel("interactions", color=INK, fontsize=9)
        ax.set_title(platform_name(platform), loc="left", fontsize=11, color=INK, fontweight="bold")
        ax.set_xticks(list(xs), labels, fontsize=8)
        ax.set_xlim(-0.6, len(labels) - 0.4)  # every week keeps its slot, with data or not
        ax.tick_params(axis="y", labelsize=8)
        # counts are whole: no "12.5 interactions" on an axis
        ax.yaxis.set_major_locator(_whole_ticks())
        ax.spines[["top"]].set_visible(False)
        twin = ax.twinx()
        twin.plot(xs, line, color=LINE, marker="o", linewidth=2, label=outcome)
        twin.set_ylabel(outcome, color=LINE, fontsize=9)
        twin.tick_params(axis="y", labelsize=8, colors=LINE)
        if not (digest.outcome and is_money(digest.outcome)):  # signups, orders, leads...
            twin.yaxis.set_major_locator(_whole_ticks())
        highest = max((v for v in data["outcomes"] if v is not None), default=0)
        # room above the highest point, so its marker is never cut by the frame
        twin.set_ylim(0, highest * 1.12 or 1)
        twin.spines[["top"]].set_visible(False)
        ax.set_ylim(bottom=0)
    fig.suptitle(
        f"Weekly interactions (bars) vs {outcome} (line) · 12 weeks to {digest.label}",
        fontsize=11,
        color=INK,
    )
    return fig
