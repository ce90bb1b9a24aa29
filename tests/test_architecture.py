"""Imports point inward: the core is pure, integrations and storage never import each other,
the Slack listeners and the CLI reach storage only through services.

The rules are import-linter contracts in pyproject.toml (`[tool.importlinter]`); this runs
them so `make test` and CI fail on a wrong import, with import-linter's report as the reason.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OURS = ("bot", "integrations", "storage")
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_import_contracts_are_kept():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"an import breaks a contract:\n{result.stdout}{result.stderr}"
    assert "0 broken" in result.stdout


def test_the_pure_core_contract_forbids_every_dependency():
    """The core contract lists third-party packages one by one (import-linter has no "stdlib
    only"); a dependency added to pyproject.toml must be added there too."""
    core = next(
        c
        for c in PYPROJECT["tool"]["importlinter"]["contracts"]
        if c["source_modules"] == ["bot.core"]
    )
    distributions = {
        re.split(r"[\[<>=~! ]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        for requirement in PYPROJECT["project"]["dependencies"]
    }
    top_level = {
        module
        for module, dists in packages_distributions().items()
        if any(d.lower().replace("_", "-") in distributions for d in dists)
        and module.isidentifier()
        and not module.startswith("_")
    }
    missing = sorted(top_level - set(core["forbidden_modules"]))
    assert not missing, f"add these to the core contract's forbidden_modules: {missing}"


def test_only_settings_reads_the_environment():
    offenders = [
        str(p.relative_to(ROOT))
        for package in OURS
        for p in sorted((ROOT / package).rglob("*.py"))
        if "os.environ" in p.read_text(encoding="utf-8")
        or "os.getenv" in p.read_text(encoding="utf-8")
    ]
    allowed = {"bot/settings.py", "bot/cli/base.py"}
    assert set(offenders) <= allowed, f"read the environment through Settings: {offenders}"
