"""Settings come from the environment; production passes Django's deployment checks."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.processes.fork_server import SETTINGS_ENV, ForkServer

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "SECRET_KEY": "kT7#qv2$wL9!xZ4@pN6^rB8&mC1*hJ3(dF5)gS0-yU2+eA7=iO4~tW9",
    "ALLOWED_HOSTS": "bulletin.example.org",
    # A database that answers: `manage.py check` now connects (bulletin.E001 otherwise).
    "DATABASE_URL": "sqlite:////tmp/bulletin-settings-check.sqlite3",
    "SITE_URL": "https://bulletin.example.org",
    "EMAIL_URL": "smtp+tls://mailer:pw@mail.example.org:587",
}


_server: ForkServer | None = None


@pytest.fixture(scope="module", autouse=True)
def _fork_server():
    """tests/processes/fork_server.py: each case in a process of its own that reads its settings
    from its environment at start, forked from one that has already imported Django."""
    global _server
    _server = ForkServer()
    yield
    _server.stop()
    _server = None


def run_python(code: str, settings_module: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``python -c code`` with only ``env`` and the settings module set (as a fresh process)."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    clean.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    assert _server is not None
    return _server.run(code, clean)


SHOW = """
import json, django
from django.conf import settings as s
django.setup()
print(json.dumps({
    "engine": s.DATABASES["default"]["ENGINE"], "name": str(s.DATABASES["default"]["NAME"]),
    "host": s.DATABASES["default"].get("HOST", ""), "debug": s.DEBUG,
    "hosts": s.ALLOWED_HOSTS, "media": str(s.MEDIA_ROOT), "email": s.EMAIL_BACKEND,
    "email_host": s.EMAIL_HOST, "tz": s.TIME_ZONE, "lang": s.LANGUAGE_CODE,
    "langs": [c for c, _ in s.LANGUAGES], "use_tz": s.USE_TZ,
}))
"""


def show(settings_module: str, env: dict[str, str]) -> dict:
    result = run_python(SHOW, settings_module, env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_default_database_is_an_sqlite_file_in_the_project_folder():
    values = show("bulletin.settings.dev", {})
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["name"] == str(ROOT / "db.sqlite3")
    assert values["debug"] is True
    assert values["tz"] == "Asia/Shanghai" and values["use_tz"] is True
    assert values["lang"] == "zh-hans" and values["langs"] == ["zh-hans", "en"]


def test_environment_variables_configure_the_site():
    values = show("bulletin.settings.dev", {
        "DATABASE_URL": "postgres://u:p@db.internal:5433/bulletin",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "a.example,b.example",
        "MEDIA_ROOT": "/srv/media",
        "EMAIL_URL": "smtp://mailer:pw@mail.example:587",
    })
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["host"] == "db.internal" and values["name"] == "bulletin"
    assert values["debug"] is False
    assert values["hosts"] == ["a.example", "b.example"]
    assert values["media"] == "/srv/media"
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["email_host"] == "mail.example"


def test_production_settings_pass_check_deploy_without_warnings():
    result = run_python(
        "import sys; from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])",
        "bulletin.settings.production", PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def _check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return run_python(
        "from django.core.management import execute_from_command_line;"
        "execute_from_command_line(['manage.py', 'check', '--deploy'])",
        "bulletin.settings.production", env,
    )


@pytest.mark.parametrize("email_url", ["consolemail://", "filemail:///tmp/bulletin-mail"])
def test_production_refuses_an_email_backend_that_writes_links_into_logs(email_url):
    result = _check_deploy(PRODUCTION_ENV | {"EMAIL_URL": email_url})
    assert result.returncode != 0
    assert "bulletin.E002" in result.stderr

    on_purpose = _check_deploy(PRODUCTION_ENV | {"EMAIL_URL": email_url,
                                                 "EMAIL_LOG_BACKEND_ALLOWED": "true"})
    assert on_purpose.returncode == 0, on_purpose.stderr


@pytest.mark.parametrize("site_url", ["http://127.0.0.1:8000", "http://localhost", "not a url"])
def test_production_refuses_e_mail_links_that_would_not_reach_the_site(site_url):
    result = _check_deploy(PRODUCTION_ENV | {"SITE_URL": site_url})
    assert result.returncode != 0
    assert "bulletin.E003" in result.stderr


def test_production_trusts_one_proxy_hop_for_the_client_address_unless_told_otherwise():
    code = ("import django; django.setup(); from django.conf import settings as s;"
            "print(s.AXES_IPWARE_PROXY_COUNT, s.AXES_IPWARE_META_PRECEDENCE_ORDER[0])")
    # ipware counts the proxies listed inside X-Forwarded-For: one proxy in front lists none.
    assert run_python(code, "bulletin.settings.production", PRODUCTION_ENV).stdout.split() == [
        "0", "HTTP_X_FORWARDED_FOR"]
    two = run_python(code, "bulletin.settings.production",
                     PRODUCTION_ENV | {"TRUSTED_PROXY_COUNT": "2"})
    assert two.stdout.split()[0] == "1"
    none = run_python(code, "bulletin.settings.production",
                      PRODUCTION_ENV | {"TRUSTED_PROXY_COUNT": "0"})
    assert none.stdout.split() == ["None", "REMOTE_ADDR"]


S3_ENV = {
    "BULLETIN_S3_ENDPOINT_URL": "http://minio.internal:9000",
    "BULLETIN_S3_BUCKET": "bulletin-files",
    "BULLETIN_S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "BULLETIN_S3_SECRET_ACCESS_KEY": "secret-example",
    "BULLETIN_S3_REGION": "cn-north-1",
    "BULLETIN_S3_ADDRESSING_STYLE": "path",
}
SHOW_FILES = """
import json, django
django.setup()
from django.conf import settings as s
from django.core.files.storage import storages
from django.core.cache import caches
def describe(name):
    st = storages[name]
    return [type(st).__name__, getattr(st, "bucket_name", None), str(st.location),
            getattr(st, "endpoint_url", None), getattr(st, "addressing_style", None),
            getattr(st, "querystring_auth", None), getattr(st, "default_acl", "n/a")]
print(json.dumps({
    "stores": {n: describe(n) for n in ("default", "editions", "proofs", "covers")},
    "cache": s.CACHES["default"]["BACKEND"], "cache_at": s.CACHES["default"].get("LOCATION", ""),
    "download_links": s.BULLETIN_DOWNLOAD_LINK_SECONDS,
}))
"""


def _files(env: dict[str, str]) -> dict:
    result = run_python(SHOW_FILES, "bulletin.settings.production", env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_keeps_files_in_folders_and_the_cache_per_process_by_default():
    values = _files(PRODUCTION_ENV)
    assert {name: store[0] for name, store in values["stores"].items()} == {
        "default": "FileSystemStorage", "editions": "EditionsStorage",
        "proofs": "EditionsStorage", "covers": "CoversStorage"}
    assert values["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert values["download_links"] == 0  # signed links need the shared cache


def test_production_puts_every_file_on_one_private_bucket_and_the_cache_on_redis():
    values = _files(PRODUCTION_ENV | S3_ENV | {"BULLETIN_REDIS_URL": "redis://cache.internal:6379/0"})
    prefixes = {}
    kinds = {name: store[0] for name, store in values["stores"].items()}
    assert kinds == {"default": "MediaS3Storage", "editions": "S3Storage", "proofs": "S3Storage",
                     "covers": "CoversS3Storage"}
    for name, (_kind, bucket, location, endpoint, style, signed, acl) in values["stores"].items():
        assert (bucket, endpoint, style, signed, acl) == (
            "bulletin-files", "http://minio.internal:9000", "path", True, None), name
        prefixes[name] = location
    assert prefixes == {"default": "media", "editions": "editions", "proofs": "editions",
                        "covers": "covers"}
    assert values["cache"] == "bulletin.redis_cache.RedisCache"
    assert values["cache_at"] == "redis://cache.internal:6379/0"
    assert values["download_links"] == 300  # signed member PDF links, on with the shared cache
    result = _check_deploy(PRODUCTION_ENV | S3_ENV)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(("left_out", "named"), [
    ("BULLETIN_S3_BUCKET", "BULLETIN_S3_BUCKET"),
    ("BULLETIN_S3_SECRET_ACCESS_KEY", "BULLETIN_S3_SECRET_ACCESS_KEY"),
    ("BULLETIN_S3_ACCESS_KEY_ID", "BULLETIN_S3_ACCESS_KEY_ID"),
])
def test_production_refuses_a_half_configured_bucket(left_out, named):
    env = PRODUCTION_ENV | {k: v for k, v in S3_ENV.items() if k != left_out}
    result = run_python("from django.core.management import execute_from_command_line;"
                        "execute_from_command_line(['manage.py', 'check'])",
                        "bulletin.settings.production", env)
    assert result.returncode != 0
    assert "bulletin.E004" in result.stderr and named in result.stderr


def test_production_refuses_an_unknown_addressing_style_or_download_mode():
    result = _check_deploy(PRODUCTION_ENV | S3_ENV | {"BULLETIN_S3_ADDRESSING_STYLE": "sideways",
                                                      "BULLETIN_DOWNLOADS_OBJECT_MODE": "mail"})
    assert result.returncode != 0
    assert "bulletin.E004" in result.stderr and "bulletin.E005" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = run_python("import django; django.setup()", "bulletin.settings.production", env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_pages_are_chinese_even_for_an_english_browser_until_english_is_chosen(client, db):
    from django.urls import reverse

    page = client.get(reverse("publishing:archive"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="zh-CN"' in page.content.decode()
    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("publishing:archive"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert 'lang="en"' in page.content.decode()
