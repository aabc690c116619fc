"""The one way the product sends e-mail: every message is a subject template, a plain-text body
and an HTML body, rendered in Simplified Chinese (bilingual templates carry their English
part themselves), with a subject that is always a single line.

``<template>_subject.txt`` and ``<template>.txt`` are required; ``<template>.html`` is used
when it exists, otherwise ``email/base.html`` shows the text body, escaped, as HTML.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string, select_template
from django.utils import translation

SUBJECT_MAX = 200


def one_line(subject: str) -> str:
    """A subject on one line: a title holding a line break must not inject mail headers."""
    return " ".join(subject.split())[:SUBJECT_MAX]


def _render(template: str, context: dict) -> tuple[str, str, str]:
    with translation.override("zh-hans"):
        subject = one_line(render_to_string(f"{template}_subject.txt", context))
        text = render_to_string(f"{template}.txt", context).strip() + "\n"
        html = select_template([f"{template}.html", "email/base.html"]).render(
            {**context, "subject": subject, "text": text})
    return subject, text, html


def _message(rendered: tuple[str, str, str], to: list[str], connection) -> EmailMultiAlternatives:
    subject, text, html = rendered
    message = EmailMultiAlternatives(subject, text, to=to, connection=connection)
    message.attach_alternative(html, "text/html")
    return message


def mail_message(template: str, context: dict, to: Iterable[str], *,
                 connection=None) -> EmailMultiAlternatives:
    """The message ``template`` makes for ``to`` (not sent: batches share one connection)."""
    return _message(_render(template, context), list(to), connection)


def mail_messages_each(template: str, context: dict, recipients: Iterable[str], *,
                       connection=None) -> list[EmailMultiAlternatives]:
    """One message per recipient (no one sees the others' addresses), rendered once."""
    rendered = _render(template, context)
    return [_message(rendered, [address], connection) for address in recipients]


def mail_send(template: str, context: dict, to: Iterable[str]) -> int:
    """Send ``template`` to the non-empty addresses in ``to``; returns how many were sent."""
    recipients = [address for address in to if address]
    if not recipients:
        return 0
    return mail_message(template, context, recipients).send(fail_silently=False)
