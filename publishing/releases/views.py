"""Release actions on the planning board: schedule, unschedule, publish a correction."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from editorial.models import Issue
from publishing.library.forms import form_errors
from publishing.library.permissions import editor_required
from publishing.releases import services
from publishing.releases.claims import EditionBusy
from publishing.releases.editions import PublishError
from publishing.releases.forms import CorrectionForm, ScheduleForm


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _busy(request: HttpRequest, pk: int, exc: EditionBusy) -> HttpResponse:
    """409: another publish or correction of this issue is running; it is left alone."""
    back = reverse("publishing:board_issue", kwargs={"pk": pk})
    return render(request, "409.html", {"message": str(exc), "back": back}, status=409)


def _ask_to_confirm(pk: int, action: str, **params: str) -> HttpResponse:
    """Back to the board, which asks whether to release with a stale proof."""
    query = urlencode({"confirm": action, **params})
    return redirect(f"{reverse('publishing:board_issue', kwargs={'pk': pk})}?{query}#confirm")


def _confirmed(request: HttpRequest) -> bool:
    return request.POST.get("confirm_stale") == "1"


@editor_required
@require_POST
def board_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            services.issue_schedule(issue=issue, release_at=form.cleaned_data["release_at"],
                                    actor=request.user, stale_proof_ok=_confirmed(request))
        except services.StaleProof:
            return _ask_to_confirm(pk, "schedule", release_at=request.POST["release_at"])
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except EditionBusy as exc:
            return _busy(request, pk, exc)
        else:
            messages.success(request, _("已排期。"))
    else:
        messages.error(request, form_errors(form))
    return redirect("publishing:board_issue", pk=pk)


@editor_required
@require_POST
def board_publish_now(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the publish at once; the worker renders it (progress and outcome on the board)."""
    issue = get_object_or_404(Issue, pk=pk)
    try:
        services.issue_release_now(issue=issue, actor=request.user,
                                   stale_proof_ok=_confirmed(request))
    except services.StaleProof:
        return _ask_to_confirm(pk, "publish-now")
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except EditionBusy as exc:
        return _busy(request, pk, exc)
    else:
        messages.success(request, _("已提交立即出版，后台正在生成本期版本；完成后此页显示线上期刊的链接。"))
    return redirect("publishing:board_issue", pk=pk)


@editor_required
@require_POST
def board_unschedule(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    try:
        services.issue_unschedule(issue=issue, actor=request.user)
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    except EditionBusy as exc:
        return _busy(request, pk, exc)
    else:
        messages.success(request, _("已取消排期。"))
    return redirect("publishing:board_issue", pk=pk)


@editor_required
@require_POST
def board_correct(request: HttpRequest, pk: int) -> HttpResponse:
    issue = get_object_or_404(Issue, pk=pk)
    form = CorrectionForm(request.POST)
    # WeasyPrint is imported only where a render happens: web workers start light.
    from publishing.rendering import RenderError

    if form.is_valid():
        try:
            edition = services.edition_correct(
                issue=issue, erratum=form.cleaned_data["erratum"], actor=request.user
            )
        except ValidationError as exc:
            messages.error(request, _errors(exc))
        except EditionBusy as exc:
            return _busy(request, pk, exc)
        except (PublishError, RenderError) as exc:
            messages.error(request, _("更正版生成失败：%(error)s") % {"error": exc})
        else:
            messages.success(request, _("已发布第 %(v)s 版。") % {"v": edition.version})
    return redirect("publishing:board_issue", pk=pk)
