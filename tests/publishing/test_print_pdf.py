"""The issue PDF itself, read back with pdftotext and pypdf: what a reader and a printer see."""

from __future__ import annotations

import re

import pytest

from publishing.rendering.typography import CLOSING_PUNCTUATION, OPENING_PUNCTUATION, autospace
from tests.publishing.print_fixtures import RUNNING_HEADER, squash

pytestmark = [pytest.mark.slow, pytest.mark.django_db]  # the module fixture renders from the test database

MM = 72 / 25.4
# A4 geometry of the renderer: 24 mm top margin, 22 mm bottom margin.
TOP_MARGIN = 24 * MM
BOTTOM_MARGIN = 22 * MM


def header_lines(page):
    return [line for line in page.lines if line.y_min < TOP_MARGIN]


def footer_lines(page):
    return [line for line in page.lines if line.y_min > page.height - BOTTOM_MARGIN]


def body_lines(page):
    return [line for line in page.lines
            if TOP_MARGIN <= line.y_min <= page.height - BOTTOM_MARGIN]


def toc_pages(printed):
    return [p for p in printed.pdf.pages if "目录" in squash(p.text) and p.number > 1
            and any(squash(a.title) in squash(p.text) for a in printed.articles)
            and "." * 5 in p.text.replace(" ", "")]


def start_page(printed, title: str) -> int:
    """First page after the contents whose text holds the article's title."""
    after = max(p.number for p in toc_pages(printed))
    for page in printed.pdf.pages:
        if page.number > after and squash(title) in squash(page.text):
            return page.number
    raise AssertionError(f"{title} is not printed")


def test_cover_has_no_running_header_or_page_number(printed):
    cover = printed.pdf.pages[0]
    assert "大连数字贸易" in cover.text and "数字贸易专题" in squash(cover.text)
    assert squash(RUNNING_HEADER) not in squash(cover.text)
    words = [w.text for line in cover.lines for w in line.words]
    assert "1" not in words
    assert not footer_lines(cover) or all(line.text != "1" for line in footer_lines(cover))


def test_cover_shows_date_publisher_and_the_lead_title_of_each_section(printed):
    cover = squash(printed.pdf.pages[0].text)
    assert "2024年6月30日" in cover
    assert "大连市数字贸易协会" in cover
    leads = {}
    for article in printed.articles:
        leads.setdefault(article.section, article.title)
    for section, title in leads.items():
        assert squash(section) in cover and squash(title) in cover
    second_in_section = printed.articles[1]
    assert squash(second_in_section.title) not in cover


def inner_pages(printed):
    """The pages between the cover and the end matter (masthead page, back cover)."""
    return printed.pdf.pages[1:-2]


def test_every_page_after_the_cover_has_the_running_header_and_its_number(printed):
    pages = printed.pdf.pages
    assert len(pages) >= 8
    for page in inner_pages(printed):
        header = squash(" ".join(line.text for line in header_lines(page)))
        assert squash(RUNNING_HEADER) in header, f"page {page.number}: header {header!r}"
        folio = [line.text for line in footer_lines(page)]
        assert folio == [str(page.number)], f"page {page.number}: footer {folio!r}"


def test_running_header_and_folio_are_mirrored_on_left_and_right_pages(printed):
    for page in inner_pages(printed):
        middle = page.width / 2
        issue_line = next(line for line in header_lines(page)
                          if squash(RUNNING_HEADER) in squash(line.text))
        other = [line for line in header_lines(page) if line is not issue_line]
        folio = footer_lines(page)[0]
        if page.number % 2 == 0:  # left-hand page: issue and folio on the outer (left) edge
            assert issue_line.x_max < middle and folio.x_max < middle
            assert all(line.x_min > middle for line in other)
        else:
            assert issue_line.x_min > middle and folio.x_min > middle
            assert all(line.x_max < middle for line in other)


def test_section_name_is_printed_once_on_the_page_where_the_section_opens(printed):
    """Not in the running header, the section label, and a label above each article."""
    opened = set()
    for article in printed.articles:
        if article.section in opened:
            continue
        opened.add(article.section)
        page = printed.pdf.pages[start_page(printed, article.title) - 1]
        names = [line for line in page.lines if squash(line.text) == squash(article.section)]
        assert len(names) == 1, (article.section, page.number)
        assert not header_lines(page) or names[0] not in header_lines(page)


def test_continuation_pages_name_their_section_in_the_running_header(printed):
    first = printed.articles[0]  # the long article: its section runs over several pages
    opening = start_page(printed, first.title)
    page = printed.pdf.pages[opening]  # the page after the opening page
    assert squash(first.section) in [squash(line.text) for line in header_lines(page)]


def test_contents_page_numbers_are_the_pages_where_articles_start(printed):
    lines = [squash(line.text) for page in toc_pages(printed) for line in body_lines(page)]
    contents = "|".join(lines)
    assert contents.index(squash(printed.sections[0])) < contents.index(
        squash(printed.sections[-1]))
    for article in printed.articles:
        match = re.search(re.escape(squash(article.title)) + r"[^.]*?\.{3,}(\d+)(\||$)",
                          contents)
        assert match, f"{article.title} is not in the contents"
        assert int(match.group(1)) == start_page(printed, article.title), article.title


def test_bookmarks_are_sections_with_their_articles_at_their_pages(printed):
    reader = printed.pdf.reader
    outline = reader.outline
    sections = [item for item in outline if not isinstance(item, list)]
    children = {}
    for index, item in enumerate(outline):
        if not isinstance(item, list):
            following = outline[index + 1] if index + 1 < len(outline) else None
            children[item.title] = following if isinstance(following, list) else []
    assert [s.title for s in sections] == printed.sections
    expected = {}
    for article in printed.articles:
        # An article titled like its section (协会动态) is the section's own bookmark.
        titles = expected.setdefault(article.section, [])
        if article.title != article.section:
            titles.append(article.title)
    for section in sections:
        kids = children[section.title]
        # Labelled with the title as printed, i.e. with Latin runs spaced.
        assert [k.title for k in kids] == [autospace(t) for t in expected[section.title]]
        for kid in kids:
            assert not isinstance(kid, list), "subheadings must not be bookmarked"
            page = reader.get_destination_page_number(kid) + 1
            assert page == start_page(printed, kid.title)
    titles = {s.title for s in sections} | {k.title for kids in children for k in kids}
    assert not titles & set(printed.subheadings)


def test_fonts_are_noto_cjk_embedded_as_subsets_and_nothing_else(printed):
    fonts = {}
    for page in printed.pdf.reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font["/BaseFont"])] = embedded
    assert fonts and all(fonts.values()), fonts
    assert all(re.match(r"^/[A-Z]{6}\+Noto-(Serif|Sans)-CJK-SC", name) for name in fonts), fonts
    assert any("Serif" in name for name in fonts) and any("Sans" in name for name in fonts)


def test_every_cjk_character_of_the_content_is_in_the_text_layer(printed):
    wanted = {c for c in printed.content_text if "\u3400" <= c <= "\u9fff"}
    layer = set("".join(p.text for p in printed.pdf.pages))
    assert len(wanted) > 300
    assert wanted - layer == set()


def test_metadata_names_issue_publisher_subject_keywords_language_and_date(printed):
    reader = printed.pdf.reader
    info = reader.metadata
    assert info["/Title"] == printed.title
    assert info["/Author"] == printed.publisher
    assert RUNNING_HEADER in info["/Subject"] and "专家观点" in info["/Subject"]
    assert [k.strip() for k in info["/Keywords"].split(",")] == printed.tags
    assert info["/CreationDate"].startswith("D:20240630")
    assert reader.trailer["/Root"]["/Lang"] == "zh-CN"


def test_only_approved_articles_are_printed_each_with_its_source(printed):
    text = squash(" ".join(p.text for p in printed.pdf.pages))
    assert squash(printed.draft_title) not in text
    for article in printed.articles:
        if article.source:
            assert f"（来源：{article.source}）" in text


def test_latin_and_digit_runs_are_spaced_cleanly_from_chinese(printed):
    text = re.sub(r"\s+", " ", " ".join(p.text for p in printed.pdf.pages[1:]))
    # Stored without spaces or with odd ones; printed with exactly one on each side.
    for printed_form in ("2.38 万亿元", "2023 年", "像 ChatGPT 这样", "专有 AI 模型", "（DEPA）进程",
                         "2070.1 亿美元", "第 12 位"):
        assert printed_form in text, printed_form
    assert "开放人工智能研究中心" in text  # a copy artefact's spaces between Han are dropped
    assert "2.38万亿元" not in text and "ChatGPT这样" not in text


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation(printed):
    checked = 0
    for page in printed.pdf.pages[1:]:
        for line in body_lines(page):
            text = line.text.strip()
            checked += 1
            assert text[0] not in CLOSING_PUNCTUATION, f"page {page.number}: {text}"
            assert text[-1] not in OPENING_PUNCTUATION, f"page {page.number}: {text}"
    assert checked > 150


def test_body_lines_are_justified_flush_with_the_right_edge(printed):
    """Every full line of the body ends at the text block's edge, however much Latin it holds.

    Lines that end a sentence may be a paragraph's last line, and centred titles are not
    justified; every other line that reaches within an em of the edge must touch it.
    """
    ragged, flush = [], 0
    for page in printed.pdf.pages[3:]:
        lines = body_lines(page)
        left = min(line.x_min for line in lines)
        right = max(line.x_max for line in lines)
        for line in lines:
            starts_at_margin = abs(line.x_min - left) < 0.6 or abs(line.x_min - left - 21) < 0.6
            ends_sentence = line.text.rstrip()[-1] in "。！？”）"
            if line.x_max >= right - 0.6:
                flush += 1
            elif line.x_max > right - 10.5 and starts_at_margin and not ends_sentence:
                ragged.append((page.number, line.text))
    assert flush > 90
    assert ragged == []


def test_subheadings_are_never_the_last_line_of_a_page(printed):
    headings = {squash(h) for h in printed.subheadings}
    used = 0
    for page in printed.pdf.pages[3:]:
        lines = body_lines(page)
        used += sum(squash(line.text) in headings for line in lines)
        assert squash(lines[-1].text) not in headings, f"page {page.number}"
    assert used == len(headings)


def test_long_article_flows_over_several_pages(printed):
    first = printed.articles[0]
    second = printed.articles[1]
    assert start_page(printed, second.title) - start_page(printed, first.title) >= 3


def test_paragraphs_start_with_a_two_character_indent(printed):
    page = printed.pdf.pages[start_page(printed, printed.articles[0].title) - 1]
    lines = body_lines(page)
    left = min(line.x_min for line in lines)
    indented = [line for line in lines if abs(line.x_min - left - 21) < 1]  # 2 × 10.5 pt
    assert len(indented) >= 3
