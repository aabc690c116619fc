"""The typesetting rules of issue 12, case by case (the corpus is the sample issue's text).

Each case is what an editor typed and what print must show; the same rules are checked in a
rendered PDF by test_print_typography.py.
"""

from __future__ import annotations

import pytest

from publishing.rendering.typography import (
    IDEOGRAPHIC_SPACE,
    NO_BREAK_SPACE,
    WORD_JOINER,
    autospace,
    balance_lines,
    bind_paragraph_end,
    bind_units,
    headline_units,
    plain_title,
    typeset_headline,
    typeset_html,
    typeset_text,
)

WJ, NBSP, IDSP = WORD_JOINER, NO_BREAK_SPACE, IDEOGRAPHIC_SPACE
A4_TITLE_EM = 44 / 1.75  # the A4 measure in title-size ems


def plain(text: str) -> str:
    return text.replace(WJ, "")


@pytest.mark.parametrize(("typed", "printed"), [
    ("应对数字服务贸易壁垒 释放中国数字服务贸易潜能", f"应对数字服务贸易壁垒{IDSP}释放中国数字服务贸易潜能"),
    ("报道认为开 放 人 工 智 能 研 究 中 心等", "报道认为开放人工智能研究中心等"),
    ("第一 ，第二 。", "第一，第二。"),
    ("（ 注 ）说明", "（注）说明"),
])
def test_spaces_typed_between_phrases_are_kept_and_extraction_artefacts_go(typed, printed):
    assert autospace(typed) == printed


@pytest.mark.parametrize(("typed", "printed"), [
    ("他说— —这是", "他说——这是"),
    ("各单位可结合自身业务－－尤其是", "各单位可结合自身业务——尤其是"),
    ("——关于适用范围", "——关于适用范围"),
    ("― ―关于", "——关于"),
])
def test_two_em_dash_is_one_unbroken_pair(typed, printed):
    assert autospace(typed) == printed


@pytest.mark.parametrize(("typed", "printed"), [
    ("(一)完善规则对接机制", "（一）完善规则对接机制"),
    ("伙伴关系协定》(CPTPP)和", "伙伴关系协定》（CPTPP）和"),
    ("指导意见》(下称“意见”)", "指导意见》（下称“意见”）"),
    ("see (Fig. 1) below", "see (Fig. 1) below"),
    ("f(x) = 2", "f(x) = 2"),
])
def test_half_width_brackets_in_chinese_become_full_width(typed, printed):
    assert autospace(typed) == printed


@pytest.mark.parametrize(("typed", "bound"), [
    ("达到2600亿元", f"达到 2600{NBSP}亿{WJ}元"),
    ("2.38 万亿元人民币", f"2.38{NBSP}万{WJ}亿{WJ}元人民币"),
    ("5 月 9 日", f"5{NBSP}月 9{NBSP}日"),
    ("增长 6.6%。", "增长 6.6%。"),
    ("首批 24 家公司", f"首批 24{NBSP}家公司"),
])
def test_numbers_are_bound_to_their_units(typed, bound):
    assert bind_units(autospace(typed)) == bound


@pytest.mark.parametrize(("paragraph", "ending"), [
    ("也可能进一步放大科技领域的泡沫。", f"泡{WJ}沫{WJ}。"),
    ("形成自身的比较优势和发展活力。", f"活{WJ}力{WJ}。"),
    ("他说：“好的。”", f"好{WJ}的{WJ}。”"),
])
def test_paragraph_end_binds_two_characters_to_the_stop(paragraph, ending):
    assert bind_paragraph_end(paragraph).endswith(ending)


def test_only_paragraph_ends_are_bound_in_html():
    html = typeset_html("<p>发展活力。</p><h2>小标题文字</h2><ul><li>第一项内容。</li></ul>")
    assert f"活{WJ}力{WJ}。</p>" in html
    assert f"内{WJ}容{WJ}。</li>" in html
    assert "<h2>小标题文字</h2>" in html


@pytest.mark.parametrize(("title", "word"), [
    ("RCEP 框架下关于数据跨境流动和保护知识产权的条款解读会举行", "条款"),
    ("首批 24 家公司公布数据合规承诺", "公司"),
    ("“数据要素×”行动计划发布", "“数据要素×”"),
    ("美国拟限制中俄使用美 AI 软件，涉及 ChatGPT等生成 AI 技术", "生成 AI 技术"),
])
def test_headlines_break_only_between_words(title, word):
    units = [plain(u) for u in headline_units(title)]
    joined = "".join(units)
    start = joined.index(word)
    cuts, position = set(), 0
    for unit in units[:-1]:
        position += len(unit)
        cuts.add(position)
    assert not any(start < cut < start + len(word) for cut in cuts), units


def test_number_and_unit_never_start_or_end_a_headline_line():
    lines = [plain(line) for line in balance_lines(headline_units("首批 24 家公司公布数据合规承诺"), 8)]
    assert not any(line.endswith("24") or line.startswith("家") for line in lines), lines


@pytest.mark.parametrize(("title", "measure", "lines"), [
    ("美国拟限制中俄使用美 AI 软件，涉及 ChatGPT等生成 AI 技术", 17,
     ["美国拟限制中俄使用美 AI 软件，", "涉及 ChatGPT 等生成 AI 技术"]),
    ("应对数字服务贸易壁垒 释放中国数字服务贸易潜能", 14,
     ["应对数字服务贸易壁垒", "释放中国数字服务贸易潜能"]),
])
def test_long_headlines_are_balanced_and_prefer_breaks_after_punctuation_or_phrase_spaces(
        title, measure, lines):
    assert [plain(line) for line in balance_lines(headline_units(title), measure)] == lines


def test_a_headline_that_fits_stays_on_one_line():
    assert typeset_headline("中国推进城市全域数字化转型", A4_TITLE_EM).count("<br>") == 0


def test_manual_break_marker_forces_the_line_break_and_is_not_printed():
    html = typeset_headline("协会发布首份|会员企业数字化转型调查报告", A4_TITLE_EM)
    assert plain(html) == "协会发布首份<br>会员企业数字化转型调查报告"
    assert plain_title("协会发布首份|会员企业数字化转型调查报告") == "协会发布首份会员企业数字化转型调查报告"
    assert plain_title("数字贸易 | 新机遇") == f"数字贸易{IDSP}新机遇"


def test_word_joiners_sit_only_inside_words():
    html = typeset_headline("中国推进城市全域数字化转型")
    assert html.split(WJ)[0] == "中"  # 中⁠国 is one word
    assert f"国{WJ}推" not in html  # 中国 | 推进: a break is allowed between them


def test_typeset_text_keeps_escaping():
    assert typeset_text("<b>2600亿元</b>") == f"&lt;b&gt;2600{NBSP}亿{WJ}元&lt;/b&gt;"
