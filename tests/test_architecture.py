"""Imports point inward: the core is pure, integrations and storage never import each other.

A wrong import fails here in CI (the job import-linter would do, with no extra dependency).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("bot", "integrations", "storage")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _allowed(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("path", modules("bot/core"), ids=lambda p: p.name)
def test_core_imports_only_the_standard_library_and_itself(path):
    for name in imports_of(path):
        top = name.split(".")[0]
        assert top in sys.stdlib_module_names or _allowed(name, ("bot.core",)), (
            f"{path.relative_to(ROOT)} imports {name}: the core must stay pure (stdlib only)"
        )


@pytest.mark.parametrize("path", modules("integrations"), ids=lambda p: p.name)
def test_integrations_never_import_storage_or_the_shell(path):
    for name in imports_of(path):
        if name.split(".")[0] in OURS:
            assert _allowed(name, ("bot.core", "bot.logconfig", "integrations")), (
                f"{path.relative_to(ROOT)} imports {name}: integrations see only bot.core"
            )


@pytest.mark.parametrize("path", modules("storage"), ids=lambda p: p.name)
def test_storage_never_imports_integrations_or_the_shell(path):
    for name in imports_of(path):
        if name.split(".")[0] in OURS:
            assert _allowed(name, ("bot.core", "storage")), (
                f"{path.relative_to(ROOT)} imports {name}: storage sees only bot.core"
            )


def test_only_settings_reads_the_environment():
    offenders = [
        str(p.relative_to(ROOT))
        for package in OURS
        for p in modules(package)
        if "os.environ" in p.read_text(encoding="utf-8")
        or "os.getenv" in p.read_text(encoding="utf-8")
    ]
    allowed = {"bot/settings.py", "bot/cli/base.py"}
    assert set(offenders) <= allowed, f"read the environment through Settings: {offenders}"
