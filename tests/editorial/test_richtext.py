"""Sanitising, Markdown rendering and the Markdown writer used by export."""

from __future__ import annotations

import pytest

from editorial.richtext import (
    find_hostile_markup,
    html_to_markdown,
    markdown_to_html,
    sanitize_html,
)


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src="/media/x.png" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<svg><script>alert(1)</script></svg>',
        '<img src="data:image/svg+xml;base64,PHN2Zz4=">',
        '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    ],
)
def test_sanitize_leaves_nothing_executable(payload):
    clean = sanitize_html(payload)
    lowered = clean.lower()
    for marker in ("<script", "onerror", "javascript:", "<iframe", "style=", "<svg", "data:"):
        assert marker not in lowered


def test_sanitize_keeps_article_structure():
    html = (
        "<h2>标题</h2><p>正文<strong>加粗</strong><em>斜体</em></p><ul><li>一</li></ul>"
        "<blockquote><p>引文</p></blockquote><table><thead><tr><th>年</th></tr></thead>"
        '<tbody><tr><td>2024</td></tr></tbody></table><figure><img src="/media/images/a.png" '
        'alt="图"><figcaption>图1</figcaption></figure>'
    )
    assert sanitize_html(html) == html


def test_sanitize_drops_images_that_are_not_stored_media():
    clean = sanitize_html('<img src="http://127.0.0.1:9/x.png" alt="a"><img src="file:///etc/passwd">')
    assert "127.0.0.1" not in clean and "passwd" not in clean


def test_find_hostile_markup_names_each_problem():
    problems = find_hostile_markup('<p onclick="x()">a</p><a href=" JaVaScRiPt:alert(1)">b</a>')
    assert problems == [
        "event handler attribute 'onclick' on <p> is not allowed",
        "javascript: URL in 'href' on <a> is not allowed",
    ]


def test_cjk_line_breaks_join_without_space_latin_keeps_space():
    html = markdown_to_html("数字贸易\n快速发展\n\nhello\nworld")
    assert "<p>数字贸易快速发展</p>" in html
    assert "hello\nworld" in html


ROUND_TRIP_SAMPLES = [
    "当前，数字技术快速发展。\n",
    "## 小标题\n\n正文 **加粗** 和 *斜体*，以及 `code`。\n",
    "- 第一\n- 第二\n\n1. 甲\n2. 乙\n",
    "> 引文一段。\n>\n> 第二段。\n",
    "| 年份 | 规模 |\n|---|---|\n| 2023 | 2.38 万亿元 |\n",
    "见[网站](https://example.org/a_b \"标题\")。\n",
    "特殊字符 \\* \\_ \\[x\\] 1\\. 不是列表\n\n\\# 不是标题\n",
    "第一行\\\n第二行\n",
    "上标<sup>2</sup>与下标<sub>n</sub>\n",
]


@pytest.mark.parametrize("markdown", ROUND_TRIP_SAMPLES)
def test_markdown_writer_is_a_fixpoint(markdown):
    html = markdown_to_html(markdown)
    written = html_to_markdown(html)
    assert markdown_to_html(written) == html
    assert html_to_markdown(markdown_to_html(written)) == written


def test_markdown_writer_maps_figure_images_to_bundle_paths():
    html = '<figure><img src="/media/images/abc.png" alt="图1"><figcaption>图1 规模</figcaption></figure>'
    written = html_to_markdown(html, image_src=lambda src: "images/chart.png")
    assert written == "![图1 规模](images/chart.png)\n"


@pytest.mark.parametrize(
    "href",
    ["\x01javascript:alert(1)", " \x00javascript:alert(1)", "java\tscript:alert(1)",
     "\x0bJavaScript:alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>"],
)
def test_sanitize_drops_urls_browsers_would_run_as_scripts(href):
    clean = sanitize_html(f'<a href="{href}">x</a>')
    assert "script" not in clean.lower().replace("<a>", "") and "data:" not in clean


def test_sanitize_keeps_ordinary_links():
    assert 'href="https://www.mofcom.gov.cn/"' in sanitize_html(
        '<a href="https://www.mofcom.gov.cn/">商务部</a>')
    assert 'href="/issues/x/1/"' in sanitize_html('<a href="/issues/x/1/">本刊</a>')


def test_plain_text_drops_tags_and_decodes_entities():
    from editorial.richtext import plain_text

    html = "<h2>数字&amp;贸易</h2><p>当前 &lt;2023&gt;，<em>增长</em>。</p>"
    assert plain_text(html) == "数字&贸易当前 <2023>，增长。"
