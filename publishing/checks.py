"""System checks: the WeasyPrint the renderer was written for, the download hand-off and its
signed links, releases."""

from __future__ import annotations

from importlib import metadata

from django.core.checks import Error as CheckError
from django.core.checks import Warning as CheckWarning

from publishing.rendering.justification import version_problem


def check_weasyprint_version(app_configs=None, **kwargs) -> list[CheckError]:
    """The CJK justification patch runs on one WeasyPrint version only: refuse to start on
    another (read from the package metadata: the web process never imports WeasyPrint)."""
    try:
        installed = metadata.version("weasyprint")
    except metadata.PackageNotFoundError:
        installed = "(not installed)"
    problem = version_problem(installed)
    if problem is None:
        return []
    return [CheckError(problem, hint="The renderer refuses to run until this is fixed.",
                       id="publishing.E001")]


def check_accel_redirect_prefix(app_configs=None, **kwargs) -> list[CheckError]:
    """DOWNLOADS_ACCEL_REDIRECT_PREFIX must be a location path nginx can match ("/_editions/"):
    anything else would hand members a broken download on every request."""
    from django.conf import settings

    prefix = settings.DOWNLOADS_ACCEL_REDIRECT_PREFIX
    if not prefix or (prefix.startswith("/") and prefix.endswith("/") and len(prefix) > 2
                      and prefix.isascii() and not any(c.isspace() or c in "?#%" for c in prefix)):
        return []
    return [CheckError(
        f"DOWNLOADS_ACCEL_REDIRECT_PREFIX={prefix!r} is not an internal location path.",
        hint='Use the path of the web server\'s internal location, starting and ending with "/" '
             '(deploy/nginx/bulletin.conf: "/_editions/"), or leave it empty to stream from Django.',
        id="publishing.E002")]


# Caches each process keeps for itself: a change of access made in one process (or the task
# worker) would not reach the others' copy of a download link's access generation.
_PROCESS_LOCAL_CACHES = {"django.core.cache.backends.locmem.LocMemCache",
                         "django.core.cache.backends.dummy.DummyCache"}


def check_download_links_cache(app_configs=None, **kwargs) -> list[CheckError]:
    """Signed download links (``BULLETIN_DOWNLOAD_LINK_SECONDS``) are refused at the next click
    after an access change only where every process shares the cache of access generations."""
    from django.conf import settings

    if settings.BULLETIN_DOWNLOAD_LINK_SECONDS <= 0:
        return []
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in _PROCESS_LOCAL_CACHES:
        return []
    return [CheckError(
        f"BULLETIN_DOWNLOAD_LINK_SECONDS is set but the cache ({backend}) is not shared by the "
        "site's processes: a revoked membership could still download until its link expired.",
        hint="Set BULLETIN_REDIS_URL (a cache every process shares), or "
             "BULLETIN_DOWNLOAD_LINK_SECONDS=0 to keep every download on the full check.",
        id="publishing.E003")]


def check_overdue_releases(app_configs=None, **kwargs) -> list[CheckWarning]:
    """`manage.py check` warns about issues whose release time passed unpublished: the sign of
    a worker or cron job that is not running."""
    from django.db import DatabaseError

    from publishing.releases.selectors import issues_overdue

    try:
        overdue = issues_overdue()
    except DatabaseError:  # not migrated yet: nothing can be overdue
        return []
    return [
        CheckWarning(
            f"Issue '{issue}' was due at {issue.release.release_at:%Y-%m-%d %H:%M %Z} and is "
            "not published.",
            hint="Start the task worker (manage.py db_worker) or run manage.py publish_due; "
                 "the issue's board shows the last error, if any.",
            obj=issue,
            id="publishing.W002",
        )
        for issue in overdue
    ]
