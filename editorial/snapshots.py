"""One snapshot of an article's content, and the one place it is mapped to and from everything
that holds article content: the Article row (with its credits and tags), a Revision, the
workspace form, a bundle article and the form-shaped strings that diffs and merges compare.

``ArticleContent`` is what an editor can change. Services write it (``apply_to``) and record
it (``revision_fields``); the form produces it (``from_form_data``) and shows it
(``form_initial``); print reads an article as approved through it (``of_revision``).
"""

from __future__ import annotations

from dataclasses import dataclass

from editorial.models import Article, Asset, Issue, Revision, Section
from editorial.models.content import group_bylines


@dataclass(frozen=True)
class CreditLine:
    """One byline entry: the contributor, their affiliation, and the note printed beside it."""

    name: str
    affiliation: str = ""
    note: str = ""

    def form_line(self) -> str:
        return "｜".join([self.name, self.affiliation, self.note]).rstrip("｜")

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "affiliation": self.affiliation, "note": self.note}


@dataclass(frozen=True)
class ArticleContent:
    """Everything an editor can change in the article form, already validated."""

    title: str
    section: Section
    subtitle: str = ""
    summary: str = ""
    body: str = ""
    source: str = ""
    issue: Issue | None = None
    tags: tuple[str, ...] = ()
    credits: tuple[CreditLine, ...] = ()
    lead_image: Asset | None = None

    # ------------------------------------------------------------------ from

    @classmethod
    def of_article(cls, article: Article) -> ArticleContent:
        """What the article row holds now (credits in byline order, tags sorted)."""
        return cls(
            title=article.title, subtitle=article.subtitle, summary=article.summary,
            body=article.body, source=article.source, section=article.section,
            issue=article.issue, lead_image=article.lead_image,
            tags=tuple(sorted(t.name for t in article.tags.all())),
            credits=tuple(
                CreditLine(c.contributor.name, c.contributor.affiliation, c.note)
                for c in sorted(article.credits.all(), key=lambda c: c.position)
            ),
        )

    @classmethod
    def of_revision(cls, revision: Revision, *, section: Section | None,
                    issue: Issue | None = None) -> ArticleContent:
        """What a revision recorded. A revision keeps the section's name only, so the caller
        says which section the content belongs to."""
        return cls(
            title=revision.title, subtitle=revision.subtitle, summary=revision.summary,
            body=revision.body, source=revision.source, section=section, issue=issue,
            lead_image=revision.lead_image, tags=tuple(sorted(revision.tags)),
            credits=tuple(CreditLine(c.get("name", ""), c.get("affiliation", ""),
                                     c.get("note", "")) for c in revision.credits),
        )

    @classmethod
    def from_form_data(cls, data: dict, *, lead_image: Asset | None) -> ArticleContent:
        """The workspace form's cleaned data (credits already ``CreditLine``s)."""
        return cls(
            title=data["title"], subtitle=data["subtitle"], section=data["section"],
            issue=data["issue"], summary=data["summary"], body=data["body"],
            source=data["source"], tags=tuple(data["tags"]), credits=tuple(data["credits"]),
            lead_image=lead_image,
        )

    # ------------------------------------------------------------------ to

    def revision_fields(self) -> dict:
        """The fields of a ``Revision`` recording this content."""
        return {
            "title": self.title, "subtitle": self.subtitle, "summary": self.summary,
            "body": self.body, "source": self.source, "section_name": self.section.name,
            "section": self.section, "issue": self.issue,
            "tags": sorted(self.tags), "credits": [c.as_dict() for c in self.credits],
            "lead_image": self.lead_image,
        }

    def is_recorded_by(self, revision: Revision | None) -> bool:
        """Whether ``revision`` recorded exactly this content."""
        if revision is None:
            return False
        mine = self.revision_fields()
        ids = {"section", "issue", "lead_image"}  # compared by id: no queries
        return all(getattr(revision, name) == value for name, value in mine.items()
                   if name not in ids | {"tags"}) \
            and sorted(revision.tags) == mine["tags"] \
            and all(getattr(revision, f"{name}_id") == (mine[name].pk if mine[name] else None)
                    for name in ids)

    def form_initial(self) -> dict:
        """The workspace form's initial values (without ``base_version``)."""
        return {
            "title": self.title, "subtitle": self.subtitle, "section": self.section.pk,
            "issue": self.issue.pk if self.issue else None,
            "credits": "\n".join(c.form_line() for c in self.credits), "source": self.source,
            "tags": "，".join(sorted(self.tags)), "summary": self.summary, "body": self.body,
            "lead_image": self.lead_image.pk if self.lead_image else None,
        }

    def comparable(self) -> dict[str, str]:
        """The form-shaped strings that revision diffs and three-way merges compare."""
        return {
            "title": self.title.strip(), "subtitle": self.subtitle.strip(),
            "summary": self.summary.strip(), "body": self.body, "source": self.source.strip(),
            "tags": "，".join(sorted(self.tags)),
            "credits": "\n".join(c.form_line() for c in self.credits),
        }

    def byline_groups(self) -> list[tuple[list[str], str]]:
        """Authors grouped by shared note, in byline order: [(["张三", "李四"], "某研究院")]."""
        return group_bylines((c.name, c.note) for c in self.credits)
