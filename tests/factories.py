"""factory-boy factories shared by every test package."""

from __future__ import annotations

import io

import factory
from django.contrib.auth import get_user_model
from PIL import Image

from editorial.models import (
    Article,
    ArticleContributor,
    ArticleState,
    Contributor,
    Issue,
    Publication,
    Section,
)


def png_bytes(width: int = 40, height: int = 30, color: str = "#9f1d20") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class PublicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Publication
        django_get_or_create = ("slug",)

    name = "大连数字贸易"
    slug = "dalian-digital-trade"
    publisher = "大连市数字贸易协会"
    running_header = "《大连数字贸易》季刊第 {number} 期"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    publication = factory.SubFactory(PublicationFactory)
    name = factory.Sequence(lambda n: f"栏目{n}")
    position = factory.Sequence(lambda n: n)


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Issue

    publication = factory.SubFactory(PublicationFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda i: f"《{i.publication.name}》季刊第 {i.number} 期")


class ContributorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contributor

    name = factory.Sequence(lambda n: f"作者{n}")
    affiliation = "大连市数字贸易协会"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    issue = factory.SubFactory(IssueFactory)
    section = factory.LazyAttribute(
        lambda a: SectionFactory(publication=a.issue.publication if a.issue else PublicationFactory())
    )
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"数字贸易发展新优势之{n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    body = "<p>当前，数字技术快速发展，深刻改变社会生产生活方式。</p>"
    state = ArticleState.APPROVED


class CreditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ArticleContributor

    article = factory.SubFactory(ArticleFactory)
    contributor = factory.SubFactory(ContributorFactory)
    position = factory.Sequence(lambda n: n)
    note = "商务部国际贸易经济合作研究院研究员"
