"""Publication settings: what the printed issue says about the publication (masthead, back
cover) and how each of its sections is set."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from editorial.models import Publication
from editorial.permissions import require


@transaction.atomic
def publication_update_settings(*, user, publication: Publication, data: dict,
                                section_layouts: dict[int, tuple[str, bool]]) -> Publication:
    """Save the masthead/print settings and each section's layout, all or nothing. Sections
    not of this publication are refused."""
    require(user, "editorial.change_publication", message=_("只有编辑可以修改刊物设置。"))
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    for name, value in data.items():
        setattr(publication, name, value)
    publication.full_clean()
    publication.save()
    sections = {s.pk: s for s in publication.sections.select_for_update()}
    if set(section_layouts) - set(sections):
        raise ValidationError(_("栏目不属于该刊物。"))
    for pk, (layout, new_pages) in section_layouts.items():
        section = sections[pk]
        if (section.layout, section.new_page_per_article) != (layout, new_pages):
            section.layout, section.new_page_per_article = layout, new_pages
            section.full_clean()
            section.save(update_fields=["layout", "new_page_per_article"])
    return publication
