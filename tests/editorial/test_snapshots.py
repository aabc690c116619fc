"""One snapshot type maps an article's content to and from the Article row, a Revision, the
workspace form and print, and each way back gives the same content."""

from __future__ import annotations

import pytest

from editorial import services
from editorial.forms import ArticleForm
from editorial.models import ArticleState
from editorial.snapshots import ArticleContent, CreditLine
from publishing.rendering.selectors import issue_articles_for_print
from tests.editorial import factories_workspace as wf
from tests.factories import EditorFactory, IssueFactory, ReviewerFactory, SectionFactory

pytestmark = pytest.mark.django_db

CONTENT = dict(
    title="塑造数字贸易发展新优势", subtitle="把握数字化变革大势", summary="数字贸易是新引擎。",
    body="<p>当前，数字技术快速发展。</p>", source="参考消息", tags=("DEPA", "数字贸易"),
    credits=(CreditLine("李西林", "商务部研究院", "研究员"), CreditLine("王晓红", "", "教授")),
)


@pytest.fixture
def article():
    section = SectionFactory(name="专家观点")
    return services.article_create(user=EditorFactory(),
                                   content=ArticleContent(section=section, **CONTENT))


def test_article_and_its_revision_hold_the_same_content(article):
    content = ArticleContent.of_article(article)
    assert content == ArticleContent(section=article.section, **CONTENT)
    revision = article.revisions.get()
    assert content.is_recorded_by(revision)
    assert ArticleContent.of_revision(revision, section=article.section) == content


def test_the_form_shows_and_returns_the_same_content(article):
    initial = ArticleForm.initial_for(article)
    assert initial["credits"] == "李西林｜商务部研究院｜研究员\n王晓红｜｜教授"
    form = ArticleForm({k: v for k, v in initial.items() if v is not None})
    assert form.is_valid(), form.errors
    assert form.content(lead_image=None) == ArticleContent.of_article(article)


def test_diffs_compare_form_and_revision_alike(article):
    form = ArticleForm({**ArticleForm.initial_for(article), "issue": ""})
    assert form.is_valid(), form.errors
    from editorial.forms import snapshot_from_form, snapshot_from_revision

    assert snapshot_from_form(form, lead_image=None) == snapshot_from_revision(
        article.revisions.get())


def test_print_reads_the_approved_revision_without_touching_the_articles_own_relations():
    editor, reviewer = EditorFactory(), ReviewerFactory()
    issue = IssueFactory()
    section = SectionFactory(publication=issue.publication)
    article = wf.in_review_article(by=editor, reviewers=[reviewer], section=section,
                                   credits=(CreditLine("李西林", note="研究员"),), tags=("旧",))
    services.article_approve(user=reviewer, article_id=article.pk)
    services.issue_add_article(user=editor, issue=issue, article=article)
    article.refresh_from_db()
    services.article_update(user=editor, article_id=article.pk, base_version=article.version,
                            content=ArticleContent(title="改后", section=section, issue=issue, tags=("新",),
                                                   credits=(CreditLine("王晓红"),)))
    [printed] = issue_articles_for_print(issue)
    assert printed.title == "数字贸易发展新优势" and printed.state == ArticleState.DRAFT
    assert printed.printed.credits == (CreditLine("李西林", note="研究员"),)
    assert printed.printed.tags == ("旧",)
    # the article's own relations still say what it holds now
    assert [c.contributor.name for c in printed.credits.all()] == ["王晓红"]
    assert list(printed.tags.names()) == ["新"]
