"""compose.yaml, the Dockerfile and README "Running at scale" describe one deployment:
the services start the very commands the README gives, those commands parse, and nothing
secret is baked into the image. Docker itself is not needed (nor run) here."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest
import yaml

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
IMPACT_SERVICES = ("migrate", "web", "worker", "scheduler")


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def services() -> dict:
    return compose()["services"]


def readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## )", text, re.M | re.S)
    assert match, f'README.md has no "## {title}" section'
    return match.group(1)


def readme_commands() -> list[list[str]]:
    """The `impact ...` lines of the section's code block, without their comments."""
    lines = readme_section("Running at scale").splitlines()
    return [shlex.split(line.split("#", 1)[0]) for line in lines if line.startswith("    impact ")]


def test_compose_runs_exactly_the_commands_the_readme_gives():
    commands = readme_commands()
    started = [services()[name]["command"] for name in IMPACT_SERVICES]
    assert sorted(map(tuple, started)) == sorted(map(tuple, commands)), (
        "compose.yaml and README 'Running at scale' give different commands: change both"
    )
    assert commands[0] == ["impact", "db", "upgrade"], "the README says to migrate first"


def parses(args: list[str]) -> None:
    """Resolve `impact ARGS` to its command and parse its options (names, types, ranges)
    as click would, without running it. Raises click.UsageError."""
    group: click.Group = main
    context = group.make_context("impact", list(args))
    name, command, rest = group.resolve_command(context, list(args))
    while isinstance(command, click.Group):
        context = command.make_context(name or "", rest, parent=context)
        group = command
        name, command, rest = group.resolve_command(context, rest)
    assert command is not None
    command.make_context(name or "", rest, parent=context).close()


def test_a_command_the_cli_refuses_is_caught():
    for wrong in (["worker", "--procs", "2"], ["worker", "--processes", "0"], ["db", "ugprade"]):
        with pytest.raises(click.UsageError):
            parses(wrong)
    parses(["db", "upgrade"])


@pytest.mark.parametrize("service", IMPACT_SERVICES)
def test_each_command_is_one_the_cli_accepts(service):
    program, *args = services()[service]["command"]
    assert program == "impact"
    try:
        parses(args)
    except click.UsageError as err:
        pytest.fail(f"compose.yaml's {service} runs `impact {shlex.join(args)}`: {err}")


@pytest.mark.parametrize("service", ("web", "worker", "scheduler"))
def test_the_processes_share_postgres_and_redis_and_wait_for_the_migration(service):
    spec = services()[service]
    env = spec["environment"]
    assert env["DATABASE_URL"].startswith("postgresql+psycopg://impact:")
    assert env["DATABASE_URL"].endswith("@postgres:5432/impact")
    assert env["IMPACT_BROKER_URL"] == "redis://redis:6379/0"
    assert spec["env_file"] == ".env"
    assert spec["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
    assert spec["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert spec["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert "healthcheck" in spec


def test_web_is_healthy_when_healthz_answers_and_workers_when_their_metrics_do():
    web, worker = services()["web"], services()["worker"]
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    assert f":{web['environment']['PORT']}/healthz" in " ".join(web["healthcheck"]["test"])
    port = worker["environment"]["IMPACT_METRICS_PORT"]
    assert f":{port}/metrics" in " ".join(worker["healthcheck"]["test"])
    processes = int(worker["command"][worker["command"].index("--processes") + 1])
    assert worker["expose"] == [str(int(port) + i) for i in range(processes)]
    for name in ("postgres", "redis"):
        assert "healthcheck" in services()[name]


def test_every_variable_compose_reads_is_in_env_example():
    documented = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", (ROOT / ".env.example").read_text(), re.M))
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    set_for_impact = {
        name for service in IMPACT_SERVICES for name in services()[service].get("environment", {})
    }
    missing = (interpolated | set_for_impact) - documented
    assert not missing, f".env.example does not describe {sorted(missing)}"


def test_the_image_runs_as_a_user_installs_the_package_and_holds_no_secret():
    lines = [
        line.strip()
        for line in (ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert re.fullmatch(r"FROM python:3\.1[1-9]-slim", lines[0])
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in ("root", "0"), "the image must not run as root"
    assert any("pip install ." in line for line in lines)
    assert not any(re.match(r"COPY \.\s", line) for line in lines), "copy named paths only"
    baked = [
        line
        for line in lines
        if line.startswith(("ENV", "ARG")) and re.search(r"SECRET|TOKEN|PASSWORD|KEY", line)
    ]
    assert not baked, f"secrets belong in the environment at run time, not in {baked}"
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert ".env" in ignored and "*.db" in ignored


def test_the_readme_section_covers_what_an_operator_needs():
    section = readme_section("Running at scale")
    for needed in (
        "IMPACT_BROKER_URL",
        "DATABASE_URL",
        "IMPACT_METRICS_PORT",
        "impact db upgrade",
        "/healthz",
        "/metrics",
        "How many workers",
    ):
        assert needed in section, f'README "Running at scale" does not mention {needed}'
