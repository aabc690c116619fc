"""Project wiring that belongs to no single app."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


@login_required
def after_login(request: HttpRequest) -> HttpResponse:
    """Editors and reviewers go to their workspace, members to the library."""
    if request.user.has_perm("editorial.use_workspace"):
        return redirect("editorial:dashboard")
    return redirect("publishing:home")
