"""System checks of the project's wiring: the database answers; in production, e-mail really
leaves the machine and its links point at the site."""

from __future__ import annotations

from contextvars import ContextVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error

from bulletin.database import database_description, database_unreachable
from bulletin.storages import ADDRESSING_STYLES

# Backends that write whole messages (with their password-reset and invitation links) to the
# process's output or to files, instead of sending them.
LOGGING_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
}
# Set by ``manage.py check``: only that command reports an unreachable database as a check
# error. Other commands that run database checks (migrate) then fail on their first query,
# which manage.py turns into one line.
reporting_reachability: ContextVar[bool] = ContextVar("reporting_reachability", default=False)
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0", ""}  # noqa: S104 - names, not a bind


def check_database_reachable(app_configs=None, databases=None, **kwargs) -> list[Error]:
    """``manage.py check`` says so when the database does not answer (instead of "no issues")."""
    problems = []
    if not reporting_reachability.get():
        return problems
    for alias in databases or []:
        reason = database_unreachable(alias)
        if reason is not None:
            problems.append(Error(
                f"The database '{alias}' ({database_description(alias)}) is unreachable: {reason}",
                hint="Start the database server, or correct DATABASE_URL.",
                id="bulletin.E001",
            ))
    return problems


def check_email_backend(app_configs=None, **kwargs) -> list[Error]:
    """A console or file e-mail backend puts every reset and invitation link into the logs."""
    if settings.DEBUG or settings.BULLETIN_EMAIL_LOG_BACKEND_ALLOWED:
        return []
    if settings.EMAIL_BACKEND in LOGGING_EMAIL_BACKENDS:
        return [Error(
            f"EMAIL_BACKEND is {settings.EMAIL_BACKEND}: e-mails, with their password-reset and "
            "invitation links, would be written to the log instead of being sent.",
            hint="Set EMAIL_URL to your mail server (smtp+tls://user:password@host:587), or set "
                 "EMAIL_LOG_BACKEND_ALLOWED=true if that is really what you want.",
            id="bulletin.E002",
        )]
    return []


def check_site_url(app_configs=None, **kwargs) -> list[Error]:
    """Links in e-mails are built from SITE_URL; on a real site it is the site's own address."""
    if settings.DEBUG:
        return []
    parts = urlsplit(settings.SITE_URL)
    if parts.scheme not in {"http", "https"} or (parts.hostname or "") in LOOPBACK_HOSTS:
        return [Error(
            f"SITE_URL is '{settings.SITE_URL}': links in e-mails (invitations, password "
            "resets, announcements) would not reach the site.",
            hint="Set SITE_URL to the address members use, e.g. https://bulletin.example.org.",
            id="bulletin.E003",
        )]
    return []


def check_object_storage(app_configs=None, **kwargs) -> list[Error]:
    """A half-configured bucket would put some files nowhere: refuse to start instead."""
    s3 = {key: value for key, value in settings.BULLETIN_S3.items() if key != "URL_EXPIRE"}
    problems = []
    if any(s3.values()):
        missing = [f"BULLETIN_S3_{key}" for key in ("BUCKET",) if not s3.get(key)]
        if bool(s3.get("ACCESS_KEY_ID")) != bool(s3.get("SECRET_ACCESS_KEY")):
            missing.append("BULLETIN_S3_SECRET_ACCESS_KEY" if s3.get("ACCESS_KEY_ID")
                           else "BULLETIN_S3_ACCESS_KEY_ID")
        if not s3.get("ENDPOINT_URL") and not s3.get("REGION"):
            missing.append("BULLETIN_S3_ENDPOINT_URL (or BULLETIN_S3_REGION for AWS)")
        if missing:
            problems.append(Error(
                "Object storage is half-configured: " + ", ".join(missing) + " missing.",
                hint="Set every BULLETIN_S3_* setting the bucket needs (docs/deploy.md), or none "
                     "of them to keep files in folders on this machine.",
                id="bulletin.E004",
            ))
        style = s3.get("ADDRESSING_STYLE")
        if style and style not in ADDRESSING_STYLES:
            problems.append(Error(
                f"BULLETIN_S3_ADDRESSING_STYLE is '{style}'.",
                hint="Use one of: " + ", ".join(ADDRESSING_STYLES) + " (MinIO: path; OSS: virtual).",
                id="bulletin.E004",
            ))
    if settings.BULLETIN_DOWNLOADS_OBJECT_MODE not in {"redirect", "proxy"}:
        problems.append(Error(
            f"BULLETIN_DOWNLOADS_OBJECT_MODE is '{settings.BULLETIN_DOWNLOADS_OBJECT_MODE}'.",
            hint="Use 'redirect' (a signed URL) or 'proxy' (Django streams the object).",
            id="bulletin.E005",
        ))
    if settings.BULLETIN_DOWNLOADS_URL_EXPIRE <= 0:
        problems.append(Error(
            f"BULLETIN_DOWNLOADS_URL_EXPIRE is {settings.BULLETIN_DOWNLOADS_URL_EXPIRE}.",
            hint="Give the signed download URLs' lifetime in seconds (default 60).",
            id="bulletin.E005",
        ))
    return problems
