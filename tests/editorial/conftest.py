"""Fixtures for editorial tests: a small valid issue bundle written to a temp folder."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.factories import png_bytes

ISSUE_YAML = """\
publication: 大连数字贸易
publication_slug: dalian-digital-trade
number: 9
title: 《大连数字贸易》季刊第 9 期
date: 2024-06-30
sections:
  - 专家观点
  - 国内资讯
  - 协会动态
editor_note: |
  本期聚焦**数字贸易**新优势。

  欢迎会员来稿。
cover_image: images/cover.png
"""

EXPERT = """\
---
title: 塑造数字贸易发展新优势
section: 专家观点
authors: [李西林, 王晓红]
author_note: 商务部国际贸易经济合作研究院研究员
subtitle: 把握数字化变革大势
summary: 数字贸易是贸易强国建设的新引擎。
tags: [数字贸易, DEPA]
---

当前，数字技术快速发展，
深刻改变社会生产生活方式。2023年跨境电商进出口 2.38 万亿元。

## 数字技术激发新动能

- 推动贸易融合发展
- 拓展贸易范围

> 数字贸易是未来贸易发展的方向。

| 年份 | 规模 |
|---|---|
| 2022 | 2.11 万亿元 |
| 2023 | 2.38 万亿元 |

![图1 跨境电商进出口规模](images/chart.png)

详见[商务部网站](https://www.mofcom.gov.cn/)。
"""

NEWS = """\
---
title: 美国拟限制中俄使用美 AI 软件
section: 国内资讯
source: 参考消息
---

据新加坡《联合早报》网站报道，美国计划限制 ChatGPT 等模型出口。
"""

ASSOCIATION = """\
---
title: 协会动态
section: 协会动态
---

4 月 18 日下午，协会理事会监事会座谈交流会召开。
"""


def write_bundle(root: Path, articles: dict[str, str] | None = None,
                 issue_yaml: str = ISSUE_YAML, images: dict[str, bytes] | None = None) -> Path:
    """Write a bundle; tests pass replacements to make it broken in one specific way."""
    (root / "articles").mkdir(parents=True, exist_ok=True)
    (root / "images").mkdir(exist_ok=True)
    (root / "issue.yaml").write_text(issue_yaml, encoding="utf-8")
    if articles is None:
        articles = {
            "01-li-xilin-advantages.md": EXPERT,
            "05-ai-export-limits.md": NEWS,
            "19-association-news.md": ASSOCIATION,
        }
    for name, text in articles.items():
        (root / "articles" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    if images is None:
        images = {"cover.png": png_bytes(60, 80, "#1f3a5f"), "chart.png": png_bytes(120, 70)}
    for name, data in images.items():
        (root / "images" / name).write_bytes(data)
    return root


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return write_bundle(tmp_path / "bundle")
