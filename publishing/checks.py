"""System checks for the members' library."""

from __future__ import annotations

from django.core.checks import Warning as CheckWarning
from django.db import connections


def check_trigram_locale(app_configs=None, databases=None, **kwargs) -> list[CheckWarning]:
    """pg_trgm ignores Chinese characters when the database's LC_CTYPE is C/POSIX."""
    problems: list[CheckWarning] = []
    for alias in databases or []:
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
            (ctype,) = cursor.fetchone()
        if ctype in {"C", "POSIX"}:
            problems.append(CheckWarning(
                f"Database '{alias}' uses LC_CTYPE={ctype}: trigram search will not index "
                "Chinese characters.",
                hint="Create the database with a UTF-8 locale, e.g. "
                     "CREATE DATABASE bulletin TEMPLATE template0 LC_CTYPE 'C.UTF-8' LC_COLLATE 'C.UTF-8'.",
                id="publishing.W001",
            ))
    return problems
