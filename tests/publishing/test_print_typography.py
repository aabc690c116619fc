"""The typesetting rules of issue 12, checked in the rendered PDF of the typography corpus
(tests/publishing/typography_corpus: the sample issue's cases as an issue bundle)."""

from __future__ import annotations

import io
import itertools
import re
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from PIL import Image

from editorial.bundles import bundle_import
from editorial.models import SectionLayout
from tests.publishing.conftest import render_rolled_back
from tests.publishing.print_fixtures import PrintIssue, squash

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CORPUS = Path(__file__).resolve().parent / "typography_corpus"
HAN = re.compile(r"[\u3400-\u9fff]")


def build_corpus() -> PrintIssue:
    issue = bundle_import(directory=CORPUS).issue
    issue.publication.sections.filter(name__in=["国内资讯", "国际资讯"]).update(
        layout=SectionLayout.TWO_COLUMNS)
    articles = list(issue.articles.select_related("section").order_by("position"))
    return PrintIssue(issue, articles, draft_title="(none)", subheadings=[], content_text="")


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        return render_rolled_back(tmp_path_factory, build_corpus)


def all_lines(corpus) -> list[str]:
    return [line.text for page in corpus.pdf.pages for line in page.lines]


def test_two_em_dash_is_never_split_or_opened_up(corpus, tmp_path):
    lines = all_lines(corpus)
    assert sum(line.startswith("——") for line in lines) >= 4  # the policy article's four
    assert not any("— —" in line for line in lines)
    assert not any(line.endswith("—") and not line.endswith("——") for line in lines)
    # Looked at: at 600 dpi the row through the dashes has no light gap between them.
    page = next(p for p in corpus.pdf.pages if any(line.text.startswith("——关于适用范围")
                                                     for line in p.lines))
    word = next(w for line in page.lines for w in line.words if w.text.startswith("——关于"))
    path = tmp_path / "page.pdf"
    path.write_bytes(corpus.pdf.data)
    scale = 600 / 72
    x, y = int(word.x_min * scale), int(word.y_min * scale)
    height = int((word.y_max - word.y_min) * scale)
    subprocess.run(["pdftoppm", "-r", "600", "-f", str(page.number), "-l", str(page.number),
                    "-x", str(x), "-y", str(y), "-W", str(int(2 * 10.5 * scale)), "-H",
                    str(height), "-gray", "-png", str(path), str(tmp_path / "dash")], check=True)
    image = Image.open(next(tmp_path.glob("dash*.png"))).convert("L")
    rows = [[image.getpixel((cx, cy)) for cx in range(image.width)] for cy in range(image.height)]
    dash_row = min(rows, key=lambda row: sum(row))  # the darkest row: the stroke of the dashes
    dark = [value < 128 for value in dash_row]
    first, last = dark.index(True), len(dark) - 1 - dark[::-1].index(True)
    assert last - first > 0.9 * 2 * 10.5 * scale * 0.9  # two ems of stroke …
    assert all(dark[first:last + 1]), "the dashes are drawn apart"  # … without a gap


def test_phrase_space_of_a_title_is_kept_in_article_contents_and_bookmark(corpus):
    pages = [p.text for p in corpus.pdf.pages if "应对数字服务贸易壁垒" in p.text]
    assert len(pages) >= 3  # the cover's leads, the contents, the article's head
    for text in pages:  # a space or the line break the phrase space allowed; never run together
        assert re.search(r"壁垒\s+释放", text) and "壁垒释放" not in text
    bookmarks = [b.title for item in corpus.pdf.reader.outline
                 for b in (item if isinstance(item, list) else [item])]
    assert "应对数字服务贸易壁垒\u3000释放中国数字服务贸易潜能" in bookmarks


@pytest.mark.parametrize(("head", "tail"), [
    ("的条", "款"), ("公", "司"), ("数据要素", "×"), ("等生成", "AI"), ("24", "家"),
])
def test_headlines_are_not_broken_inside_words(corpus, head, tail):
    lines = all_lines(corpus)
    for above, below in itertools.pairwise(lines):
        assert not (squash(above).endswith(head) and squash(below).startswith(tail)), (
            above, below)


def test_two_line_headlines_are_balanced(corpus):
    lines = [line for page in corpus.pdf.pages for line in page.lines]
    first = next(line for line in lines if squash(line.text) == "美国拟限制中俄使用美AI软件，")
    below = [line for line in lines if abs(line.x_min - first.x_min) < 2
             and 0 < line.y_min - first.y_min < 30]
    assert [squash(line.text) for line in below] == ["涉及ChatGPT等生成AI技术"]


def test_no_paragraph_ends_with_a_lone_character(corpus):
    """No 孤字: a last line never holds one character and its stop."""
    for line in all_lines(corpus):
        text = squash(line)
        if re.fullmatch(r"[\u3400-\u9fff][，。；：？！”’）]+", text):
            pytest.fail(f"孤字: {line!r}")


def test_numbers_stay_with_their_units(corpus):
    lines = [squash(line) for line in all_lines(corpus)]
    for above, below in itertools.pairwise(lines):
        assert not (re.search(r"\d$", above) and re.match(r"(亿|万|元|年|月|日|家|个)", below)), (
            above, below)


def test_brackets_around_chinese_are_full_width(corpus):
    text = "".join(squash(p.text) for p in corpus.pdf.pages)
    assert "（一）完善规则对接机制" in text and "（CPTPP）" in text and "（DEPA）" in text
    assert not re.search(r"[(][^)]*[\u3400-\u9fff]|[\u3400-\u9fff][()]", text)


def test_extraction_artefact_spaces_are_closed_up(corpus):
    text = " ".join(all_lines(corpus))
    assert "开放人工智能研究中心" in text.replace(" ", "") and "开 放 人" not in text


def test_article_titled_like_its_section_is_shown_once(corpus):
    cover, pages = corpus.pdf.pages[0], corpus.pdf.pages
    assert squash(cover.text).count("协会动态") == 1
    contents = next(p for p in pages if "目录" in squash(p.text))
    assert squash(contents.text).count("协会动态") == 1
    opening = next(p for p in pages[2:] if "协会动态" in squash(p.text) and "4月18日" in
                   squash(p.text).replace("\u2060", ""))
    body = [line for line in opening.lines if squash(line.text) == "协会动态"]
    assert len(body) == 1


def test_body_lines_sit_on_one_grid_on_every_page(corpus):
    """Headings and spaces are whole body lines: every line of body text on a page is a whole
    number of body lines below the first, and facing pages share the grid."""
    pitch = 10.5 * 1.8
    offsets = []
    for page in corpus.pdf.pages[2:-2]:
        heights = Counter(round(w.y_max - w.y_min, 1) for line in page.lines for w in line.words)
        if not heights:
            continue
        body_height = heights.most_common(1)[0][0]
        body = [line for line in page.lines
                if all(abs((w.y_max - w.y_min) - body_height) < 0.05 for w in line.words)
                and 60 < line.y_min < page.height - 60]
        if len(body) < 5:
            continue
        top = body[0].y_min
        for line in body:
            steps = (line.y_min - top) / pitch
            assert abs(steps - round(steps)) < 0.04, (page.number, line.text, steps)
        offsets.append(round((top - 24 * 72 / 25.4) % pitch, 1))
    assert len(offsets) >= 2 and max(offsets) - min(offsets) < 0.6, offsets


def test_news_sections_are_set_in_two_columns_with_items_run_on(corpus):
    titles = ["首批24家公司公布数据合规承诺", "“数据要素×”行动计划发布"]
    page = next(p for p in corpus.pdf.pages if any(squash(line.text) == titles[0]
                                                     for line in p.lines))
    middle = page.width / 2
    columns = set()
    for line in page.lines:
        if squash(line.text) in titles:
            columns.add(line.x_min < middle)
    assert columns == {True, False}  # items in both columns of one page, one after another


def test_pdf_of_the_corpus_is_deterministic(corpus, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        again = render_rolled_back(tmp_path_factory, build_corpus)
    assert io.BytesIO(again.pdf.data).getvalue() == corpus.pdf.data


def test_html_edition_keeps_the_phrase_space_in_the_h1(corpus, django_db_blocker):
    from django.db import transaction
    from django.test import override_settings

    from publishing.rendering import edition_write

    with django_db_blocker.unblock(), tempfile.TemporaryDirectory() as folder, \
            override_settings(MEDIA_ROOT=folder), transaction.atomic():
        issue = build_corpus().issue
        edition_write(issue, Path(folder) / "edition")
        pages = [p.read_text(encoding="utf-8") for p in (Path(folder) / "edition").glob("*.html")]
        transaction.set_rollback(True)
    h1 = [m.group(1).replace("\u2060", "") for p in pages
          if (m := re.search(r"<h1[^>]*>(.*?)</h1>", p, re.S)) and "壁" in m.group(1)]
    assert h1 and all("壁垒\u3000释放" in h for h in h1), h1

