"""The Dockerfile and compose.yaml keep the operator's process layout (tests/test_entrypoint.py runs the
script itself), and the image, which installs requirements.txt only, can load every module it serves."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = {"migrate", "web", "worker", "worker-more"}
# Import names of requirements-dev.txt packages that requirements.txt (the image) does not install.
DEVELOPMENT_ONLY = [
    "django_stubs_ext",
    "pytest",
    "hypothesis",
    "playwright",
    "moto",
    "locust",
    "pyinstrument",
    "sklearn",
    "statsmodels",
    "textblob",
    "aiosmtpd",
    "mypy",
    "importlinter",
    "pre_commit",
    "yaml",
]


def instructions() -> list[tuple[str, str]]:
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line.strip() else "")
        for line in (raw.strip() for raw in text.splitlines())
        if line and not line.startswith("#")
    ]


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_the_image_is_python_312_slim_runs_as_a_user_and_starts_through_the_entrypoint():
    steps = instructions()
    args = dict(value.split("=", 1) for kind, value in steps if kind == "ARG" and "=" in value)
    assert re.fullmatch(r"python:3\.12-slim(-\w+)?", args["PYTHON_IMAGE"])
    assert ("FROM", "${PYTHON_IMAGE}") in steps
    users = [value for kind, value in steps if kind == "USER"]
    assert users and users[-1] not in {"root", "0"}
    assert ("ENTRYPOINT", '["scripts/entrypoint.sh"]') in steps
    runs = " ".join(value for kind, value in steps if kind == "RUN")
    assert "pip install -r requirements.txt" in runs and "collectstatic" in runs
    assert "postgresql-client" in runs  # pg_dump and pg_restore for manage.py backup / restore


def test_compose_runs_migrate_then_web_and_one_scheduling_worker_with_the_same_image():
    services = compose()["services"]
    assert APP_SERVICES | {"db", "redis"} == set(services)
    for name in APP_SERVICES:
        assert "entrypoint" not in services[name]  # the image's: scripts/entrypoint.sh
        assert services[name]["image"] == "touchpoints:latest" and services[name]["build"] == "."
    assert services["migrate"]["command"] == ["migrate"]
    web = services["web"]
    assert web["command"] == ["web"]
    assert {"WEB_PROCESSES", "WEB_THREADS", "BIND"} <= set(web["environment"])
    assert web["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "/healthz" in " ".join(web["healthcheck"]["test"])
    workers = [services[name] for name in ("worker", "worker-more")]
    assert all(worker["command"] == ["worker"] for worker in workers)
    assert sorted(worker["environment"]["WORKER_PERIODIC"] for worker in workers) == ["0", "1"]
    # Bookworm's pg_dump (in the image) is 15: the server must not be newer.
    assert services["db"]["image"] == "postgres:15"


def test_every_module_the_site_serves_loads_without_the_development_requirements():
    blocker = (
        "import sys, importlib.abc\n"
        "class Block(importlib.abc.MetaPathFinder):\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name.split('.')[0] in {DEVELOPMENT_ONLY!r}:\n"
        "            raise ModuleNotFoundError(f'{name} is a development requirement')\n"
        "sys.meta_path.insert(0, Block())\n"
        "import django; django.setup()\n"
        "from django.urls import get_resolver\n"
        "def walk(patterns):\n"
        "    for p in patterns:\n"
        "        walk(p.url_patterns) if hasattr(p, 'url_patterns') else p.callback\n"
        "walk(get_resolver().url_patterns)\n"
        "from django.core.management import call_command; call_command('check')\n"
        "import core.backup, core.private_storage, demo.practices\n"
        "print('loaded')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", blocker],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.settings_test", "HOME": str(ROOT)},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "loaded" in result.stdout
