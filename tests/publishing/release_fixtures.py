"""An issue ready to publish: approved articles and a cover."""

from __future__ import annotations

import hashlib
from pathlib import Path

from editorial.services import asset_store
from tests.factories import (
    ArticleFactory,
    IssueFactory,
    PublicationFactory,
    SectionFactory,
    png_bytes,
)


def ready_issue(number: int = 9):
    publication = PublicationFactory()
    issue = IssueFactory(publication=publication, number=number,
                         cover_image=asset_store(data=png_bytes(120, 170, "#1f3a5f"),
                                                 original_name="cover.png"))
    expert = (publication.sections.filter(name="专家观点").first()
              or SectionFactory(publication=publication, name="专家观点", position=0))
    news = (publication.sections.filter(name="国内资讯").first()
            or SectionFactory(publication=publication, name="国内资讯", position=1))
    ArticleFactory(issue=issue, section=expert, position=0, slug=f"trade-{number}",
                   title="塑造数字贸易发展新优势",
                   body="<p>当前，数字技术快速发展，跨境电商进出口 2.38 万亿元。</p>"
                        "<h2>数字技术激发新动能</h2><p>推动贸易融合发展。</p>")
    ArticleFactory(issue=issue, section=news, position=1, slug=f"news-{number}",
                   title="我市跨境电商企业加快布局海外仓", source="大连日报",
                   body="<p>海外仓建设提速，服务 RCEP 市场。</p>")
    return issue


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_hashes(root: Path) -> dict[str, str]:
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): file_hash(p) for p in sorted(root.rglob("*")) if p.is_file()}
