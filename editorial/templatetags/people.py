"""How a person is named on a page: ``{{ revision.created_by|person }}``.

Records keep their rows when the person behind them is gone or never existed (a revision
that came in through an issue bundle has no author), so every name on a page goes through
this filter instead of ``user.get_full_name|default:user.get_username``, which fails on None.
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def person(user) -> str:
    """Full name, else user name; "—" (nobody) when there is no user."""
    if user is None or not hasattr(user, "get_username"):
        return _("—（无记录）")
    return user.get_full_name() or user.get_username()
