"""Whether a database answers, said in one line: for ``manage.py check``, for commands that
fail because it does not, and for the web's 503 page."""

from __future__ import annotations

import contextlib

from django.db import DatabaseError, InterfaceError, OperationalError, connections

# What a dropped or refused connection raises (Django wraps the driver's errors in these).
CONNECTION_ERRORS = (OperationalError, InterfaceError)


def database_description(alias: str = "default") -> str:
    """``PostgreSQL bulletin at 127.0.0.1:5432`` — where, never the password."""
    settings_dict = connections[alias].settings_dict
    vendor = connections[alias].display_name
    name = settings_dict.get("NAME") or ""
    host = settings_dict.get("HOST") or ""
    port = settings_dict.get("PORT") or ""
    where = f" at {host}:{port}" if host and port else (f" at {host}" if host else "")
    return f"{vendor} '{name}'{where}"


def one_line(exc: BaseException, limit: int = 240) -> str:
    text = " ".join(str(exc).split()) or exc.__class__.__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def database_unreachable(alias: str = "default", *, fresh: bool = False) -> str | None:
    """None when the database answers now; otherwise the reason, in one line.

    ``fresh`` closes the connection first and opens a new one: for after a failure, when the
    old connection may be dead. Without it the current connection is asked (``SELECT 1``), so
    a check run inside a transaction does not end that transaction.
    """
    connection = connections[alias]
    try:
        if fresh:
            connection.close()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        if fresh:
            with contextlib.suppress(DatabaseError):
                connection.close()
        return one_line(exc)
    return None
