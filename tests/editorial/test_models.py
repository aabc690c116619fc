"""Database constraints and model behaviour of the content model."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from PIL import Image

from editorial.images import ImageRejected, inspect_image
from editorial.models import Publication
from editorial.services import article_slug_for, issue_set_article_order
from editorial.slugs import slug_from_filename, slug_from_text
from tests.factories import (
    ArticleFactory,
    ContributorFactory,
    CreditFactory,
    EditorFactory,
    IssueFactory,
    PublicationFactory,
    SectionFactory,
    png_bytes,
)

pytestmark = pytest.mark.django_db


def test_issue_number_is_unique_per_publication():
    issue = IssueFactory(number=9)
    IssueFactory(number=9, publication=PublicationFactory(slug="other", name="另一刊"))
    with pytest.raises(IntegrityError), transaction.atomic():
        IssueFactory(number=9, publication=issue.publication)


def test_issue_number_must_be_positive():
    with pytest.raises(IntegrityError), transaction.atomic():
        IssueFactory(number=0)


def test_section_name_is_unique_per_publication():
    section = SectionFactory(name="专家观点")
    with pytest.raises(IntegrityError), transaction.atomic():
        SectionFactory(name="专家观点", publication=section.publication)


def test_article_position_is_unique_within_an_issue_but_free_outside_issues():
    article = ArticleFactory(position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(position=1, issue=article.issue, section=article.section)
    ArticleFactory(position=1, issue=None, section=article.section)
    ArticleFactory(position=1, issue=None, section=article.section)


def test_article_slug_is_unique():
    article = ArticleFactory(slug="same")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(slug="same", issue=article.issue, section=article.section)


def test_contributor_credited_once_per_article():
    credit = CreditFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditFactory(article=credit.article, contributor=credit.contributor)


def test_section_must_belong_to_the_issue_publication():
    article = ArticleFactory()
    article.section = SectionFactory(publication=PublicationFactory(slug="x", name="别的刊物"))
    with pytest.raises(ValidationError):
        article.full_clean()


def test_byline_groups_authors_sharing_a_note():
    article = ArticleFactory()
    for name, note in [("张三", "甲研究院"), ("李四", "甲研究院"), ("王五", "乙大学")]:
        CreditFactory(article=article, contributor=ContributorFactory(name=name), note=note)
    assert article.byline_groups() == [(["张三", "李四"], "甲研究院"), (["王五"], "乙大学")]


def test_running_header_uses_issue_number_and_rejects_other_placeholders():
    publication = PublicationFactory()
    assert IssueFactory(number=9, publication=publication).running_header == "《大连数字贸易》季刊第 9 期"
    publication.running_header = "第 {issue} 期"
    with pytest.raises(ValidationError):
        publication.full_clean()
    assert Publication(name="刊").header_for(3) == "《刊》第 3 期"


def test_chinese_titles_give_readable_unique_slugs():
    assert slug_from_text("塑造数字贸易发展新优势") == "su-zao-shu-zi-mao-yi-fa-zhan"
    assert slug_from_text("美国拟限制 ChatGPT 出口") == "mei-guo-ni-xian-zhi-chatgpt-chu-kou"
    ArticleFactory(slug="xie-hui-dong-tai")
    assert article_slug_for("协会动态") == "xie-hui-dong-tai-2"
    assert slug_from_filename("01-li-xilin-advantages") == "li-xilin-advantages"
    assert slug_from_filename("07-协会动态") == "xie-hui-dong-tai"


def test_reordering_an_issue_respects_unique_positions():
    issue = IssueFactory()
    section = SectionFactory(publication=issue.publication)
    a, b, c = (ArticleFactory(issue=issue, section=section, position=i) for i in range(3))
    issue_set_article_order(issue=issue, articles=[c, a, b])
    assert list(issue.articles.order_by("position").values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]


def image_bytes(fmt: str, size=(20, 20), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_allowed_image_formats_pass(fmt):
    assert inspect_image(image_bytes(fmt)).width == 20


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not a readable"),
        (image_bytes("BMP"), "BMP images are not accepted"),
        (image_bytes("TIFF"), "TIFF images are not accepted"),
        (png_bytes()[:60], "damaged or truncated"),
        (image_bytes("PNG", (8000, 6000), "1"), "8000×6000 pixels; the limit is 40 megapixels"),
    ],
    ids=["empty", "svg", "bmp", "tiff", "truncated", "over-pixel-cap"],
)
def test_bad_images_are_rejected_with_a_reason(data, message):
    with pytest.raises(ImageRejected, match=message):
        inspect_image(data)


def test_images_over_the_byte_limit_are_rejected_before_decoding(settings):
    settings.BULLETIN_IMAGE_MAX_BYTES = 1000
    with pytest.raises(ImageRejected, match="the limit is"):
        inspect_image(png_bytes(400, 400, "#123456") + b"\0" * 2000)


def test_arranging_an_issue_orders_sections_and_moves_articles_between_them():
    from editorial.selectors import articles_in_issue_order
    from editorial.services import AssemblyError, issue_arrange

    issue = IssueFactory()
    first = SectionFactory(publication=issue.publication, name="专家观点", position=0)
    second = SectionFactory(publication=issue.publication, name="国内资讯", position=1)
    a, b = (ArticleFactory(issue=issue, section=first, position=i) for i in range(2))
    c = ArticleFactory(issue=issue, section=second, position=2)
    # Sections swapped, and b dragged into the second section.
    editor = EditorFactory()
    issue_arrange(user=editor, issue=issue, layout=[(second.pk, [c.pk, b.pk]), (first.pk, [a.pk])])
    ordered = articles_in_issue_order(issue.articles.select_related("section"))
    assert [(x.pk, x.section_id) for x in ordered] == [
        (c.pk, second.pk), (b.pk, second.pk), (a.pk, first.pk)]
    with pytest.raises(AssemblyError):
        issue_arrange(user=editor, issue=issue, layout=[(first.pk, [a.pk])])
