"""Logging filters of the project: secret links never reach a log.

A password-reset or invitation link (``/accounts/reset/<uid>/<token>/``) is a key to an
account until it is used. Django's development server logs every request line and
``django.request`` logs the path of failed requests; this filter replaces the token with
``[redacted]`` before any handler sees the record.
"""

from __future__ import annotations

import logging
import re

# Django's tokens are "<timestamp in base 36>-<hash>"; "set-password" is the harmless
# placeholder the confirm view redirects to once it has moved the token into the session.
SECRET_LINK = re.compile(r"(/reset/[0-9A-Za-z_\-=]+/)(?!set-password/)[0-9A-Za-z]+-[0-9A-Za-z]+")


def redact(text: str) -> str:
    return SECRET_LINK.sub(r"\1[redacted]", text)


class RedactSecretLinks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        request = getattr(record, "request", None)
        if request is not None and SECRET_LINK.search(getattr(request, "path", "")):
            record.request = _RedactedRequest(request)
        return True


class _RedactedRequest:
    """What formatters read of a request (path, META), with the token taken out."""

    def __init__(self, request) -> None:
        self._request = request
        self.path = redact(request.path)
        self.path_info = redact(getattr(request, "path_info", ""))
        self.META = {k: redact(v) if isinstance(v, str) else v for k, v in request.META.items()}

    def __getattr__(self, name: str):
        return getattr(self._request, name)

    def get_full_path(self, *args, **kwargs) -> str:
        return redact(self._request.get_full_path(*args, **kwargs))

    def build_absolute_uri(self, *args, **kwargs) -> str:
        return redact(self._request.build_absolute_uri(*args, **kwargs))
