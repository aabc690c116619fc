"""Zero missing glyphs: a character the fonts cannot draw fails the render, naming where it is."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from editorial.models import ArticleState
from publishing.rendering import (
    MissingGlyphsError,
    article_preview_pdf,
    issue_pdf_bytes,
    pdf_from_html,
    undrawable_characters,
)
from tests.factories import ArticleFactory, IssueFactory, SectionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue_with_emoji():
    issue = IssueFactory(number=3)
    section = SectionFactory(publication=issue.publication, name="协会动态")
    ArticleFactory(issue=issue, section=section, title="协会年会顺利召开",
                   body="<p>会议气氛热烈。</p>", state=ArticleState.APPROVED)
    ArticleFactory(issue=issue, section=section, title="会员风采",
                   body="<p>大家都很开心😀，还有一个罕见字\U0002B7F7。</p>",
                   state=ArticleState.APPROVED)
    return issue


def test_article_the_fonts_cannot_draw_fails_naming_the_article_and_characters(issue_with_emoji):
    with pytest.raises(MissingGlyphsError) as caught:
        issue_pdf_bytes(issue_with_emoji)
    message = str(caught.value)
    assert "会员风采" in message
    assert "U+1F600" in message and "😀" in message
    assert "协会年会顺利召开" not in message
    assert caught.value.problems == [("文章《会员风采》", "😀\U0002B7F7")]
    assert message.startswith("文章《会员风采》：字体里没有这些字符")


def test_unapproved_articles_do_not_block_the_render(issue_with_emoji):
    issue_with_emoji.articles.filter(title="会员风采").update(state=ArticleState.DRAFT)
    assert issue_pdf_bytes(issue_with_emoji).startswith(b"%PDF-")


def test_article_preview_checks_glyphs_too(issue_with_emoji):
    article = issue_with_emoji.articles.get(title="会员风采")
    with pytest.raises(MissingGlyphsError, match="会员风采"):
        article_preview_pdf(article)


def test_issue_texts_outside_articles_are_checked(issue_with_emoji):
    issue_with_emoji.articles.filter(title="会员风采").delete()
    issue_with_emoji.editor_note = "<p>本期卷首语用了一个表情🎉。</p>"
    issue_with_emoji.save()
    with pytest.raises(MissingGlyphsError, match=r"编者按.*U\+1F389"):
        issue_pdf_bytes(issue_with_emoji)


def test_render_issue_command_reports_missing_glyphs_without_a_traceback(issue_with_emoji,
                                                                        tmp_path):
    target = tmp_path / "issue.pdf"
    with pytest.raises(CommandError) as caught:
        call_command("render_issue", issue_with_emoji.publication.slug, "3", pdf=str(target))
    assert "会员风采" in str(caught.value) and "U+1F600" in str(caught.value)
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_notdef_backstop_fails_a_render_the_check_did_not_see():
    """WeasyPrint only logs a warning when it draws .notdef; the renderer turns it into an error
    and names the place whose text holds the character."""
    html = ('<html lang="zh-CN"><body style="font-family: \'Noto Serif CJK SC\'">'
            "<p>私用区字符\ue000出现在模板里。</p></body></html>")
    with pytest.raises(MissingGlyphsError) as caught:
        pdf_from_html(html, sources=[("article “模板测试”", "私用区字符\ue000")])
    assert caught.value.problems == [("article “模板测试”", "\ue000")]


def test_whitespace_and_invisible_marks_are_not_missing_glyphs():
    assert undrawable_characters("数字 贸易\n\t\u200b\u00a0\ufe0f DEPA 2.38% “引号”《书名》") == ""
    assert undrawable_characters("数字😀贸易😀\ue000") == "😀\ue000"
