"""Run `impact` as a person does: a real process, its exit code, stdout and stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    @property
    def both(self) -> str:
        return self.out + self.err


class Impact:
    """`impact ...` in a subprocess against one SQLite file in a temporary folder."""

    def __init__(self, folder: Path, **env: str) -> None:
        self.folder = folder
        self.db = folder / "impact.db"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("IMPACT_", "SLACK_", "DATABASE_URL"))
        }
        self.env.update(
            {
                "DATABASE_URL": f"sqlite:///{self.db}",
                "IMPACT_LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(ROOT),
                "COLUMNS": "200",
            }
        )
        self.env.update(env)

    def __call__(self, *args: str, stdin: bytes | None = None, **env: str) -> Ran:
        done = subprocess.run(
            [sys.executable, "-m", "bot.cli", *args],
            cwd=self.folder,
            env={**self.env, **env},
            input=stdin,
            capture_output=True,
            timeout=120,
        )
        ran = Ran(done.returncode, done.stdout.decode(), done.stderr.decode())
        assert "Traceback" not in ran.both, ran.both
        return ran


@pytest.fixture
def impact(tmp_path: Path) -> Impact:
    return Impact(tmp_path)
