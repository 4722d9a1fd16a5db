"""Production settings from the environment (issue 11, item 11): HSTS, the HTTPS redirect, secure
cookies and the proxy's X-Forwarded-Proto header can all be turned on, and then
``manage.py check --deploy`` has nothing at all to warn about. Each check runs in a subprocess with
a clean environment and the production settings module, as a deployment would."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "example.org",
    "SITE_URL": "https://example.org",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_COOKIES": "1",
    "PROXY_SETS_X_FORWARDED_PROTO": "1",
}

SHOW = (
    "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in ("
    "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SECURE_SSL_REDIRECT',"
    "'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SECURE_REDIRECT_EXEMPT')}))"
)


def _manage(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    var = tmp_path / "var"
    var.mkdir(exist_ok=True)
    clean = {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "TOUCHPOINTS_VAR_DIR": str(var),
        "SECRET_KEY": secrets.token_urlsafe(64),
        **env,
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=clean, capture_output=True, text=True, timeout=120
    )


def _settings(tmp_path: Path, **env: str) -> dict:
    done = _manage(tmp_path, "shell", "-c", SHOW, **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_it_passes_check_deploy_with_no_warning_at_all_under_production_settings(tmp_path):
    done = _manage(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "WARNINGS" not in output and "security.W" not in output, output
    assert "System check identified no issues" in output, output


def test_it_reads_hsts_the_https_redirect_secure_cookies_and_the_proxy_header_from_the_environment(tmp_path):
    values = _settings(tmp_path, **PRODUCTION)
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] is True and values["CSRF_COOKIE_SECURE"] is True
    assert values["SECURE_REDIRECT_EXEMPT"] == [r"^healthz$"], "the proxy's health check may stay on plain HTTP"


def test_it_keeps_everything_off_by_default_for_the_embedded_demo_on_plain_http(tmp_path):
    values = _settings(tmp_path)
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False and values["SECURE_HSTS_PRELOAD"] is False
    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_PROXY_SSL_HEADER"] is None, "never trust X-Forwarded-Proto unless a proxy sets it"
    assert values["SESSION_COOKIE_SECURE"] is False
