"""The digest chart: weekly interactions vs the team's first judged outcome attributed to each
platform, 12 weeks, per platform. Weeks without data are left empty, not drawn as zero.

matplotlib with the Agg backend (no display), sized to stay readable at Slack's preview
width: one small panel per platform, interactions as bars on the left axis, the outcome as
a line on the right axis, so a gap between the two is visible at a glance.
"""

from __future__ import annotations

import io
import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

from bot.core.digest import Digest, metric_label
from bot.core.insights import platform_name

BAR = "#8ecae6"
LINE = "#d62828"
INK = "#1d3557"


def render_chart(digest: Digest) -> bytes:
    """PNG bytes of the chart (a note instead of panels when there is no data)."""
    platforms = list(digest.chart)
    outcome = metric_label(digest.outcome) if digest.outcome else "outcomes"
    panels = max(1, len(platforms))
    fig, axes = plt.subplots(panels, 1, figsize=(8, 2.3 * panels + 0.8), dpi=110, squeeze=False)
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
        ax.spines[["top"]].set_visible(False)
        twin = ax.twinx()
        twin.plot(xs, line, color=LINE, marker="o", linewidth=2, label=outcome)
        twin.set_ylabel(outcome, color=LINE, fontsize=9)
        twin.tick_params(axis="y", labelsize=8, colors=LINE)
        twin.set_ylim(bottom=0)
        twin.spines[["top"]].set_visible(False)
        ax.set_ylim(bottom=0)
    fig.suptitle(
        f"Weekly interactions (bars) vs {outcome} (line) · 12 weeks to {digest.label}",
        fontsize=11,
        color=INK,
    )
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()
