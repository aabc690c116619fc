"""刊物设置: a publication's settings and its sections."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from editorial import services
from editorial.forms import PublicationSettingsForm, SectionSettingsForm
from editorial.models import Publication
from editorial.views.access import _check, workspace_view


@require_http_methods(["GET", "POST"])
@workspace_view
def publication_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """刊物设置: what the printed issue says about the publication, and each section's layout."""
    _check(request, "editorial.change_publication", message=_("只有编辑可以修改刊物设置。"))
    publication = get_object_or_404(Publication, slug=slug)
    sections = list(publication.sections.all())
    data = request.POST if request.method == "POST" else None
    form = PublicationSettingsForm(data, instance=publication)
    section_forms = [(section, SectionSettingsForm(data, prefix=f"section-{section.pk}", initial={
        "layout": section.layout, "new_page_per_article": section.new_page_per_article}))
        for section in sections]
    if data is not None and form.is_valid() and all(f.is_valid() for _s, f in section_forms):
        try:
            services.publication_update_settings(
                user=request.user, publication=publication,
                data={name: form.cleaned_data[name] for name in form.Meta.fields},
                section_layouts={s.pk: (f.cleaned_data["layout"],
                                        f.cleaned_data["new_page_per_article"])
                                 for s, f in section_forms})
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("刊物设置已保存，下次排版生效。"))
            return redirect("editorial:publication_settings", slug=publication.slug)
    return render(request, "editorial/publication_settings.html", {
        "publication": publication, "form": form, "section_forms": section_forms,
    }, status=400 if data is not None else 200)
