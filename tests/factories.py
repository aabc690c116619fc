"""factory-boy factories shared by every test package."""

from __future__ import annotations

import datetime as dt
import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
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
from editorial.permissions import EDITOR_GROUP, MEMBER_GROUP, REVIEWER_GROUP
from publishing.models import Membership

PASSWORD = "correct-horse-battery"


def png_bytes(width: int = 40, height: int = 30, color: str = "#9f1d20") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(PASSWORD)


# --------------------------------------------------------------------------- users in a role
# Every test that needs an editor, a reviewer, a member or an administrator builds it here.
# Usernames are looked up first (``django_get_or_create``): ``EditorFactory()`` twice is one editor.


def _joins(group: str):
    """A post-generation step putting the user in ``group`` (created if the test DB lacks it)."""

    @factory.post_generation
    def role(user, create: bool, extracted, **kwargs) -> None:
        if create:
            user.groups.add(Group.objects.get_or_create(name=group)[0])

    return role


class EditorFactory(UserFactory):
    username = "editor"
    first_name = "编辑甲"
    role = _joins(EDITOR_GROUP)


class ReviewerFactory(UserFactory):
    username = "reviewer"
    first_name = "审稿乙"
    role = _joins(REVIEWER_GROUP)


class MemberFactory(UserFactory):
    """A member; ``MemberFactory(expires_on=date)`` also gives a membership running until then."""

    username = "member"
    role = _joins(MEMBER_GROUP)

    @factory.post_generation
    def expires_on(self, create: bool, extracted: dt.date | None, **kwargs) -> None:
        if create and extracted is not None:
            Membership.objects.update_or_create(user=self, defaults={"expires_on": extracted})


class AdminFactory(UserFactory):
    username = "admin"
    is_superuser = True
    is_staff = True


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
