"""Inputs the workspace's forms share: the rich-text editor's extensions, posted ids, ISO
date inputs.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import BadRequest
from django.utils.translation import gettext

PROSE_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Figure": True,
    "Image": True,
    "Caption": True,
    "FigureKeys": True,
    "History": True,
}

# Ids and version numbers posted by our own forms and scripts: ASCII digits that fit a
# database integer. Anything else is a bad request, said plainly (never a 500).
MAX_DB_INTEGER = 2**63 - 1
_DIGITS = re.compile(r"[0-9]{1,19}", re.ASCII)


def posted_integer(value, *, field: str, minimum: int = 1) -> int:
    """``value`` (from request.POST or JSON) as an integer ≥ ``minimum``, or ``BadRequest``
    naming the field and showing (a safe, short piece of) what was sent."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        number = None
    if number is None or not minimum <= number <= MAX_DB_INTEGER:
        shown = "".join(c if c.isprintable() else "?" for c in str(value)[:20])
        raise BadRequest(gettext("“%(field)s”应为不小于 %(minimum)d 的整数，收到的是“%(value)s”。")
                         % {"field": field, "minimum": minimum,
                            "value": shown + ("…" if len(str(value)) > 20 else "")})
    return number


class ISODateInput(forms.DateInput):
    """``<input type="date">`` takes only ISO values (2026-12-01). Django would render the
    active language's first input format (2026/12/01 in Chinese), which the browser refuses:
    the field shows empty and saving the form unchanged wipes the date."""

    input_type = "date"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class ISODateTimeInput(forms.DateTimeInput):
    """``<input type="datetime-local">``, likewise ISO only (2026-12-01T09:30)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class ISODateField(forms.DateField):
    """A date as browsers' date pickers send it, in every language."""

    widget = ISODateInput
    input_formats = ["%Y-%m-%d"]


class ISODateTimeField(forms.DateTimeField):
    widget = ISODateTimeInput
    input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]
