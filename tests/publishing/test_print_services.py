"""Rendering into place: all or nothing, with a time limit; print-shop variant; page sizes."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from editorial.models import ArticleState, PageSize
from publishing.rendering import MissingGlyphsError, article_preview_pdf, issue_pdf_bytes
from publishing.services import RenderTimeout, issue_render
from tests.factories import ArticleFactory, IssueFactory, PublicationFactory, SectionFactory
from tests.publishing.print_fixtures import read_pdf

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

MM = 72 / 25.4


@pytest.fixture
def small_issue():
    publication = PublicationFactory(slug="small", name="大连数字贸易", publisher="大连市数字贸易协会")
    issue = IssueFactory(publication=publication, number=2)
    section = SectionFactory(publication=publication, name="专家观点")
    paragraph = "<p>数字贸易正在改变全球分工格局，2023 年规模持续扩大。</p>"
    ArticleFactory(issue=issue, section=section, title="数字贸易的新机遇", slug="small-a",
                   body="<h2>一、背景</h2>" + paragraph * 20)
    return issue


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_issue_render_writes_the_pdf_and_html_edition_where_asked(small_issue, tmp_path):
    result = issue_render(issue=small_issue, pdf_path=tmp_path / "issue.pdf",
                          html_dir=tmp_path / "html")
    assert result.pdf_path == (tmp_path / "issue.pdf").resolve()
    assert result.html_dir == (tmp_path / "html").resolve()
    assert result.pdf_path.read_bytes().startswith(b"%PDF-")
    assert result.pages == len(PdfReader(result.pdf_path).pages) >= 3
    assert (result.html_dir / "index.html").is_file()
    assert (result.html_dir / "small-a.html").is_file()
    assert leftovers(tmp_path) == []


def test_a_failed_render_leaves_the_previous_edition_in_place(small_issue, tmp_path):
    first = issue_render(issue=small_issue, pdf_path=tmp_path / "issue.pdf",
                         html_dir=tmp_path / "html")
    pdf_before = first.pdf_path.read_bytes()
    index_before = (first.html_dir / "index.html").read_bytes()
    ArticleFactory(issue=small_issue, section=small_issue.articles.first().section,
                   title="新的会员来稿", slug="small-b", body="<p>太好了🎉</p>",
                   state=ArticleState.APPROVED)

    with pytest.raises(MissingGlyphsError, match="新的会员来稿"):
        issue_render(issue=small_issue, pdf_path=tmp_path / "issue.pdf", html_dir=tmp_path / "html")

    assert first.pdf_path.read_bytes() == pdf_before
    assert (first.html_dir / "index.html").read_bytes() == index_before
    assert not (first.html_dir / "small-b.html").exists()
    assert leftovers(tmp_path) == []


def test_a_render_over_its_time_limit_is_stopped_and_changes_nothing(small_issue, tmp_path):
    target = tmp_path / "issue.pdf"
    target.write_bytes(b"%PDF-1.7 the earlier file")

    with pytest.raises(RenderTimeout, match="time limit"):
        issue_render(issue=small_issue, pdf_path=target, timeout=0.05)

    assert target.read_bytes() == b"%PDF-1.7 the earlier file"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issue.pdf"]


def test_the_time_limit_comes_from_settings(small_issue, tmp_path, settings):
    settings.BULLETIN_RENDER_TIMEOUT = 0.05
    with pytest.raises(RenderTimeout):
        issue_render(issue=small_issue, pdf_path=tmp_path / "issue.pdf")
    assert list(tmp_path.iterdir()) == []


def test_same_content_gives_the_same_bytes(small_issue):
    assert issue_pdf_bytes(small_issue) == issue_pdf_bytes(small_issue)


def test_print_shop_variant_has_bleed_slug_and_crop_marks_outside_the_bleed(small_issue, tmp_path):
    """TrimBox = the page, BleedBox 3 mm beyond it, MediaBox 10 mm further (the slug); the
    cover's red runs into the bleed and stops there; crop marks sit in the slug only."""
    pdf = issue_pdf_bytes(small_issue, print_mode=True)
    reader = PdfReader(io.BytesIO(pdf))
    for page in reader.pages:
        trim, media, bleed = page.trimbox, page.mediabox, page.bleedbox
        assert float(trim.width) == pytest.approx(210 * MM, abs=0.1)
        assert float(trim.left) - float(bleed.left) == pytest.approx(3 * MM, abs=0.05)
        assert float(bleed.top) - float(trim.top) == pytest.approx(3 * MM, abs=0.05)
        assert float(trim.left) - float(media.left) == pytest.approx(13 * MM, abs=0.05)
        assert float(media.top) - float(trim.top) == pytest.approx(13 * MM, abs=0.05)
    path = tmp_path / "print.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "254", "-f", "1", "-l", "2", str(path),
                    str(tmp_path / "page")], check=True)  # 10 pixels per millimetre
    cover = Image.open(tmp_path / "page-1.png").convert("RGB")
    trim = 130  # the trim edge, 13 mm into the image
    red, cream, white = (143, 27, 30), (247, 243, 234), (255, 255, 255)
    near = lambda a, b: all(abs(x - y) < 25 for x, y in zip(a, b, strict=True))  # noqa: E731
    assert near(cover.getpixel((trim - 15, 400)), red)  # left bleed beside the band
    assert near(cover.getpixel((1200, trim - 15)), red)  # top bleed
    assert near(cover.getpixel((trim - 45, 400)), white)  # the slug: no artwork
    assert near(cover.getpixel((1200, cover.height - trim + 15)), cream)  # bottom bleed
    # Crop marks on the trim lines, from 4 to 9 mm outside the trim: in the slug, not the bleed.
    inner = Image.open(tmp_path / "page-2.png").convert("L")
    assert inner.getpixel((trim - 60, trim)) < 128 and inner.getpixel((trim, trim - 60)) < 128
    assert inner.getpixel((trim - 20, trim)) > 200 and inner.getpixel((trim, trim - 20)) > 200
    assert inner.getpixel((trim - 60, trim - 60)) > 200


def test_screen_variant_has_no_bleed(small_issue):
    page = PdfReader(io.BytesIO(issue_pdf_bytes(small_issue))).pages[0]
    assert page.mediabox == page.trimbox


@pytest.mark.parametrize(("page_size", "width", "height", "measure"), [
    (PageSize.A4, 210, 297, 44 * 10.5), (PageSize.B5, 176, 250, 38 * 10),
    (PageSize.A5, 148, 210, 32 * 9.5),
])
def test_page_size_and_text_block_follow_the_publication(page_size, width, height, measure):
    """A5 and B5 are selectable; each sets its text on a whole number of characters."""
    publication = PublicationFactory(slug=f"size-{page_size.lower()}", page_size=page_size)
    issue = IssueFactory(publication=publication, number=1)
    article = ArticleFactory(issue=issue, section=SectionFactory(publication=publication),
                             body="<p>" + "数字贸易" * 200 + "</p>")
    read = read_pdf(article_preview_pdf(article))
    box = read.reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(width * MM, abs=0.2)
    assert float(box.height) == pytest.approx(height * MM, abs=0.2)
    widest = max(line.x_max - line.x_min for page in read.pages for line in page.lines)
    assert widest == pytest.approx(measure, abs=0.5)
