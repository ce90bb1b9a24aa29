"""False alarms on stationary noise: the property test's run, as a figure.

Teams in which nothing happens (tests/scenarios/noise.py: two or three platforms wobbling
4–10% a week, outcomes wobbling on their own) are judged week by week; every alarm shown is
a false alarm. Target (issue 12): under 2% of platform-weeks. Also prints the headline kinds
those normal weeks got, and the time per digest.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from pathlib import Path

SEEDS = 300


def main() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests.scenarios import noise

    started = time.perf_counter()
    run = noise.run(range(SEEDS))
    elapsed = time.perf_counter() - started
    kinds = Counter(d.headline.kind for d in run.digests)
    types = Counter(i.type for d in run.digests for i in d.insights if i.kind == "alarm")
    print(
        f"noise: {SEEDS} teams × {noise.JUDGED_WEEKS} weeks = {run.platform_weeks:,} "
        f"platform-weeks, {len(run.digests):,} digests in {elapsed:.1f} s "
        f"({elapsed / len(run.digests) * 1000:.1f} ms per digest)"
    )
    print(
        f"false alarms: {run.false_alarms} = {run.rate:.2%} of platform-weeks   target < 2%: "
        f"{'met' if run.rate < 0.02 else 'NOT met'}"
    )
    print("  by type: " + (", ".join(f"{t} {n}" for t, n in types.most_common()) or "none"))
    print(
        "headline kinds of these normal weeks: "
        + ", ".join(f"{k} {n / len(run.digests):.1%}" for k, n in kinds.most_common())
    )


if __name__ == "__main__":
    main()
