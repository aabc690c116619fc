"""A realistic issue to print, and helpers that read a rendered PDF the way a person checks it.

The issue is built from the shared factories with bodies made the way the editor makes them
(Markdown → sanitised HTML), stored images, several sections and authors, and a draft that
must never print.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw
from pypdf import PdfReader

from editorial.models import ArticleState, Issue, PageSize
from editorial.richtext import (
    markdown_to_html,
    parse_markdown,
    plain_text,
    render_markdown,
    sanitize_html,
)
from editorial.services import asset_store
from tests.factories import (
    ArticleFactory,
    ContributorFactory,
    CreditFactory,
    IssueFactory,
    PublicationFactory,
    SectionFactory,
)

SENTENCES = [
    "当前，数字技术快速发展，深刻改变社会生产生活方式和国际贸易方式，加速推动全球贸易数字化变革与转型。",
    "2023年，我国跨境电商进出口2.38万亿元人民币，占外贸进出口比重达5.7%。",
    "数字贸易加快数据信息在价值链不同环节间的流动与共享，促进形成贸易需求与产业供给高效反馈机制。",
    "我国积极推进加入《数字经济伙伴关系协定》（DEPA）进程，深化与“一带一路”国家的数字贸易合作。",
    "美国商务部正考虑限制专有AI模型的出口，初步计划包括对像ChatGPT 这样的模型设置防护栏。",
    "世界知识产权组织报告显示，2023 年中国在全球创新指数排名中位居第 12 位。",
    "外贸企业借助数字化、智能化技术，不断推动生产制造、营销推广、物流运输、售后服务等领域创新。",
    "可数字化交付服务出口2070.1亿美元，实现顺差 474.1 亿美元，同比分别增长6.6%和10.6%。",
    "数字技术打破传统贸易壁垒，大幅降低国际贸易信息成本和交易成本，为中小企业参与全球价值链分工拓展空间。",
    "报道认为开 放 人 工 智 能 研 究 中 心（OpenAI）等企业已开发出一些强有力的闭源模型。",
    "协会秘书长表示，将围绕数据合规、生成式 AI 应用和复合型人才培养，分批组织专题培训和供需对接活动。",
    "“单一窗口”“智慧口岸”等应用推广，简化贸易流程，提升通关效能和物流效率，促进跨境贸易便利化。",
]
SUBHEADINGS = ["数字技术激发新动能", "数字贸易蓬勃发展", "不断推进改革创新", "几点建议"]
RUNNING_HEADER = "《大连数字贸易》季刊第 9 期"
# An A4 line holds 44 characters and a paragraph starts with a 2-character indent: in the first
# paragraph "，" falls on character 45 (the start of line 2), in the second "（" and "“" on the
# last place of line 1 — both would break the line-start/line-end rules if nothing prevented it.
_HAN_42 = "数字技术快速发展深刻改变社会生产生活方式和国际贸易方式加速推动全球贸易数字化变革与转型大力"
LINE_END_TRAPS = (
    _HAN_42[:42] + "，这是第一处陷阱。\n\n" + _HAN_42[:41] + "（注）与" + _HAN_42[:40]
    + "“引号”紧随其后。"
)


def paragraph(seed: int, sentences: int = 5) -> str:
    return "".join(SENTENCES[(seed + i * 5) % len(SENTENCES)] for i in range(sentences))


def image_bytes(width: int, height: int, fill: str, *, label: str = "") -> bytes:
    image = Image.new("RGB", (width, height), fill)
    draw = ImageDraw.Draw(image)
    for x in range(0, width, 40):
        draw.line([(x, 0), (x, height)], fill="#ffffff", width=2)
    if label:
        draw.text((10, 10), label, fill="#000000")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def markdown_body(markdown: str, images: dict[str, str] | None = None) -> str:
    """Markdown → the sanitised HTML an imported article stores, with image paths resolved."""
    tokens = parse_markdown(markdown)
    text = render_markdown(tokens)
    for placeholder, url in (images or {}).items():
        text = text.replace(placeholder, url)
    return sanitize_html(text)


def long_article_markdown(figure_src: str) -> str:
    parts = [paragraph(0, 4)]
    for index, heading in enumerate(SUBHEADINGS):
        parts.append(f"## {heading}")
        parts.append(paragraph(index + 1, 6))
        parts.append(paragraph(index + 2, 7))
        if index == 0:
            parts.append("- 贸易数字化取得突破性进展。\n- 数字贸易创新发展态势良好。\n"
                         "- 数字贸易治理体系不断完善。")
        if index == 1:
            parts.append(
                "| 议题 | RCEP | CPTPP | DEPA |\n|---|---|---|---|\n"
                "| 数据跨境流动 | 原则上不得阻止 | 例外条件较严 | 与 CPTPP 大体一致 |\n"
                "| 数字产品非歧视待遇 | 未纳入 | 纳入 | 纳入 |"
            )
            parts.append(f"![图 1　2023 年跨境电商进出口规模]({figure_src})")
        if index == 2:
            parts.append("> 规则问题答不好，技术再好也拿不到订单。")
            parts.append("### 第一，加强数字贸易顶层设计")
            parts.append(paragraph(index + 3, 5))
            parts.append("1. 建立规则跟踪与解读机制。\n2. 提升企业数据合规能力。")
        parts.append(paragraph(index + 4, 5))
    return "\n\n".join(parts)


@dataclass
class PrintIssue:
    issue: Issue
    articles: list  # printed articles, in print order
    draft_title: str
    subheadings: list[str]
    content_text: str  # every text the PDF must carry, for the CJK check
    tags: list[str] = field(default_factory=list)


def build_print_issue(*, slug: str = "print-test", page_size: str = PageSize.A4,
                      number: int = 9) -> PrintIssue:
    """Publication 大连数字贸易 (publisher set), issue 9 with a cover image, four sections,
    five approved articles (one long, with every kind of body element) and one draft."""
    publication = PublicationFactory(
        slug=slug, name="大连数字贸易", publisher="大连市数字贸易协会",
        running_header="《大连数字贸易》季刊第 {number} 期", page_size=page_size,
    )
    sections = [SectionFactory(publication=publication, name=name, position=index)
                for index, name in enumerate(["专家观点", "国内资讯", "国际资讯", "协会动态"])]
    cover = asset_store(data=image_bytes(900, 600, "#1d3557", label="cover"),
                        original_name="cover.png")
    figure = asset_store(data=image_bytes(800, 420, "#457b9d", label="figure 1"),
                         original_name="figure-1.png")
    issue = IssueFactory(
        publication=publication, number=number, title="数字贸易专题",
        cover_date=dt.date(2024, 6, 30), cover_image=cover,
        editor_note=markdown_to_html(paragraph(3, 3) + "\n\n" + paragraph(7, 2)),
    )
    specs = [
        dict(section=sections[0], title="塑造数字贸易发展新优势", subtitle="兼论服务外包企业的转型路径",
             summary="本文分析数字贸易规则的新变化，并提出五点建议。",
             body=markdown_body(long_article_markdown("FIGURE"), {"FIGURE": figure.file.url}),
             authors=[("李西林", "商务部国际贸易经济合作研究院研究员"),
                      ("周文澜", "商务部国际贸易经济合作研究院研究员")],
             tags=["DEPA", "数字贸易"]),
        dict(section=sections[0], title="在规则重构中把握数字贸易新机遇",
             body=markdown_body(paragraph(2, 6) + "\n\n" + paragraph(5, 5) + "\n\n"
                                + LINE_END_TRAPS),
             authors=[("韩启明", "东北亚数字贸易研究中心")], tags=["RCEP"]),
        dict(section=sections[1], title="中国推进城市全域数字化转型", source="中国新闻网",
             body=markdown_body(paragraph(6, 5) + "\n\n" + paragraph(8, 4))),
        dict(section=sections[2], title="美国拟限制中俄使用美 AI 软件，涉及 ChatGPT等生成 AI 技术",
             source="参考消息", body=markdown_body(paragraph(4, 6))),
        dict(section=sections[3], title="协会动态", body=markdown_body(paragraph(10, 4)),
             tags=["协会"]),
    ]
    articles = []
    for position, spec in enumerate(specs):
        authors = spec.pop("authors", [])
        tags = spec.pop("tags", [])
        article = ArticleFactory(issue=issue, position=position, state=ArticleState.APPROVED,
                                 slug=f"{slug}-{position}", **spec)
        for order, (name, note) in enumerate(authors):
            CreditFactory(article=article, contributor=ContributorFactory(name=name),
                          position=order, note=note)
        if tags:
            article.tags.set(tags)
        articles.append(article)
    draft = ArticleFactory(issue=issue, position=len(specs), section=sections[1],
                           state=ArticleState.DRAFT, title="尚未审定的草稿不应付印",
                           slug=f"{slug}-draft")
    texts = [publication.name, publication.publisher, issue.title, RUNNING_HEADER,
             plain_text(issue.editor_note)]
    for article in articles:
        texts += [article.section.name, article.title, article.subtitle, article.summary,
                  article.source, plain_text(article.body)]
        texts += [c.contributor.name for c in article.credits.all()]
        texts += [c.note for c in article.credits.all()]
    return PrintIssue(issue, articles, draft.title,
                      [*SUBHEADINGS, "第一，加强数字贸易顶层设计"], "\n".join(texts),
                      sorted({"DEPA", "数字贸易", "RCEP", "协会"}))


# --------------------------------------------------------------------------- reading PDFs

def readable(text: str) -> str:
    """Text as a reader sees it: bound units (no-break space, word joiners) read as plain."""
    return text.replace("\u00a0", " ").replace("\u2060", "")


def squash(text: str) -> str:
    """Text without any whitespace: line breaks and justification gaps don't matter."""
    return re.sub(r"\s+", "", text)


@dataclass
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass
class Line:
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def x_min(self) -> float:
        return min(w.x_min for w in self.words)

    @property
    def x_max(self) -> float:
        return max(w.x_max for w in self.words)

    @property
    def y_min(self) -> float:
        return min(w.y_min for w in self.words)


@dataclass
class PdfPage:
    number: int  # 1-based
    width: float
    height: float
    text: str
    lines: list[Line]


@dataclass
class ReadPdf:
    data: bytes
    reader: PdfReader
    pages: list[PdfPage]

    def page_text(self, number: int) -> str:
        return self.pages[number - 1].text


_PAGE_RE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_LINE_RE = re.compile(r"<line[^>]*>(.*?)</line>", re.S)
_WORD_RE = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


def read_pdf(data: bytes) -> ReadPdf:
    """Text per page (pdftotext) and word boxes per line (pdftotext -bbox-layout)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "issue.pdf"
        path.write_bytes(data)
        texts = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],
                               capture_output=True, text=True, check=True).stdout.split("\f")
        layout = subprocess.run(["pdftotext", "-enc", "UTF-8", "-bbox-layout", str(path), "-"],
                                capture_output=True, text=True, check=True).stdout
    pages = []
    for number, match in enumerate(_PAGE_RE.finditer(layout), start=1):
        lines = []
        for line in _LINE_RE.finditer(match.group(3)):
            words = [Word(html.unescape(w[4]), float(w[0]), float(w[1]), float(w[2]), float(w[3]))
                     for w in _WORD_RE.findall(line.group(1))]
            if words:
                lines.append(Line(words))
        pages.append(PdfPage(number, float(match.group(1)), float(match.group(2)),
                             texts[number - 1], lines))
    return ReadPdf(data, PdfReader(io.BytesIO(data)), pages)


def decoded_streams(reader: PdfReader) -> list[bytes]:
    """Every stream of the PDF, decompressed: what a reader could extract from the file."""
    streams = []
    for number in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(number)
        if obj is not None and hasattr(obj, "get_data"):
            try:
                streams.append(obj.get_data())
            except Exception:  # some image filters pypdf cannot decode: keep the raw bytes
                streams.append(obj._data)
    return streams
