"""`impact serve` as a person runs it: a subprocess, with an environment and a working
directory of its own."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

IMPACT = Path(sys.executable).with_name("impact")


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IMPACT_", "SLACK_"))}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
            "SLACK_SIGNING_SECRET": "test-signing-secret",
            "SLACK_BOT_TOKEN": "xoxb-test-token",
            "PORT": "0",
            **extra,
        }
    )
    return env


def test_serve_refuses_to_start_without_a_secret_key_and_says_how_to_make_one(tmp_path):
    done = subprocess.run(
        [str(IMPACT), "serve"],
        env=_env(tmp_path),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "Impact listening" not in done.stdout
    assert "IMPACT_SECRET_KEY is not set" in done.stderr
    assert "impact keygen" in done.stderr and ".env" in done.stderr
    assert "Traceback" not in done.stderr


def test_socket_mode_refuses_too(tmp_path):
    done = subprocess.run(
        [str(IMPACT), "socket"],
        env=_env(tmp_path, SLACK_APP_TOKEN="xapp-not-used"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and "impact keygen" in done.stderr


def test_serve_starts_without_a_key_only_when_told_to(tmp_path):
    process = subprocess.Popen(
        [str(IMPACT), "serve"],
        env=_env(tmp_path, IMPACT_REQUIRE_SECRET_KEY="false"),
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and "Impact listening" not in line:
            line = process.stdout.readline() if process.stdout else ""
            if not line and process.poll() is not None:
                break
        assert "Impact listening" in line, process.stderr.read() if process.stderr else ""
    finally:
        process.terminate()
        process.wait(30)


def test_env_example_documents_the_key_and_the_escape_hatch():
    example = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    assert "IMPACT_SECRET_KEY=" in example and "impact keygen" in example
    assert "IMPACT_REQUIRE_SECRET_KEY" in example
