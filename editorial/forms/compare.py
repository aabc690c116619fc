"""Articles, revisions and the form as flat snapshots, for merging a conflict and showing
diffs.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from editorial.forms.articles import ArticleForm
from editorial.models import Article, Asset, Issue, Section
from editorial.snapshots import ArticleContent


def _id(value) -> str:
    return "" if value is None else str(getattr(value, "pk", value))


def snapshot_from_revision(revision) -> dict:
    """A revision as the form-shaped strings that merging and diffs compare. Where it was
    filed (section, issue) is known for revisions that recorded it; an older revision's issue
    is left out, so a merge treats it as unknown rather than guessing."""
    if revision is None:
        return {}
    snapshot = ArticleContent.of_revision(revision, section=None).comparable()
    snapshot["lead_image"] = _id(revision.lead_image_id)
    if revision.section_id is not None:
        snapshot["section"] = _id(revision.section_id)
        snapshot["issue"] = _id(revision.issue_id)
    else:
        section = Section.objects.filter(publication__sections__articles=revision.article_id,
                                         name=revision.section_name).first()
        if section is not None:
            snapshot["section"] = _id(section)
    return snapshot


def snapshot_from_article(article: Article) -> dict:
    """The article as saved now: its latest revision's words, and where it is filed now (the
    board files articles without writing a revision)."""
    snapshot = snapshot_from_revision(article.revisions.filter(number=article.version).first())
    snapshot.update(section=_id(article.section_id), issue=_id(article.issue_id),
                    lead_image=_id(article.lead_image_id))
    return snapshot


def snapshot_from_form(form: ArticleForm, *, lead_image) -> dict:
    data = form.cleaned_data
    return form.content(lead_image=lead_image).comparable() | {
        "section": _id(data["section"]), "issue": _id(data["issue"]), "lead_image": _id(lead_image),
    }


def snapshot_for_display(snapshot: dict) -> dict:
    """The same snapshot with section, issue and lead image named instead of numbered."""
    shown = dict(snapshot)
    models = {"section": Section, "issue": Issue, "lead_image": Asset}
    for key, model in models.items():
        value = snapshot.get(key)
        if value:
            found = model.objects.filter(pk=value).first()
            shown[key] = str(found) if found is not None else value
    return shown


SNAPSHOT_LABELS = {
    "title": _("标题"), "subtitle": _("副标题"), "section": _("栏目"), "issue": _("期刊"),
    "credits": _("作者"), "source": _("来源"), "tags": _("标签"), "summary": _("摘要"),
    "lead_image": _("题图"), "body": _("正文"),
}
