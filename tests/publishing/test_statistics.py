"""Statistics for the secretariat: the figures on known data (per month, per issue, per member
organisation, top articles), the CSV export, reads recorded where members read, and editors
only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from editorial.models import IssueStatus
from publishing.models import Download, Membership, Read
from publishing.stats.charts import nice_ceiling
from publishing.stats.selectors import Period, statistics_for
from tests.factories import (
    AdminFactory,
    ArticleFactory,
    EditorFactory,
    IssueFactory,
    MemberFactory,
    ReviewerFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def at(year: int, month: int, day: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(year, month, day, 12, 0))


def member(username: str, organisation: str):
    user = MemberFactory(username=username)
    Membership.objects.update_or_create(user=user, defaults={"organisation": organisation})
    return user


def download(issue, user, when):
    row = Download.objects.create(issue=issue, user=user)
    Download.objects.filter(pk=row.pk).update(downloaded_at=when)


@pytest.fixture
def archive():
    """Two issues; members of two organisations and one without; reads and downloads spread
    over 2026 (and one in 2025, outside the period asked for)."""
    port, bank = member("port1", "大连港集团"), member("bank1", "大连银行")
    port2, loose = member("port2", "大连港集团"), member("loose", "")
    editor = EditorFactory()
    nine = IssueFactory(number=9, status=IssueStatus.PUBLISHED)
    ten = IssueFactory(number=10, status=IssueStatus.PUBLISHED)
    expert = ArticleFactory(issue=nine, slug="expert", title="塑造数字贸易发展新优势")
    ArticleFactory(issue=nine, slug="news", title="跨境电商布局海外仓")
    download(nine, port, at(2026, 1))
    download(nine, port2, at(2026, 1))
    download(nine, port, at(2026, 2))
    download(ten, bank, at(2026, 3))
    download(ten, None, at(2026, 3))  # a public issue, anonymously
    download(nine, port, at(2025, 12))  # before the period
    for user, slug, when in [(port, "expert", at(2026, 1)), (bank, "expert", at(2026, 2)),
                             (bank, "expert", at(2026, 2, 11)), (loose, "news", at(2026, 3)),
                             (editor, "", at(2026, 3)), (None, f"article-{expert.pk}", at(2026, 3))]:
        Read.objects.create(issue=nine, slug=slug, user=user, read_at=when)
    return {"nine": nine, "ten": ten, "expert": expert, "editor": editor}


PERIOD = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 1))


def test_totals_and_months_on_known_data(archive):
    stats = statistics_for(PERIOD)
    assert (stats.downloads, stats.reads) == (5, 6)
    assert stats.people == 5  # port1, port2, bank1, loose, the editor; not the anonymous ones
    assert [(m.month.month, m.downloads, m.reads) for m in stats.months] == [
        (1, 2, 1), (2, 1, 2), (3, 2, 3)]


def test_per_issue_counts_downloads_reads_and_people(archive):
    rows = {r.issue.number: r for r in statistics_for(PERIOD).issues}
    assert (rows[9].downloads, rows[9].downloaders, rows[9].reads, rows[9].readers) == (3, 2, 6, 4)
    assert (rows[10].downloads, rows[10].downloaders, rows[10].reads) == (2, 1, 0)


def test_per_organisation_with_members_and_the_rest_apart(archive):
    rows = {(r.group, r.name): r for r in statistics_for(PERIOD).organisations}
    port = rows[("member", "大连港集团")]
    assert (port.members, port.downloads, port.downloaders, port.reads, port.readers) == (2, 3, 2, 1, 1)
    bank = rows[("member", "大连银行")]
    assert (bank.members, bank.downloads, bank.reads, bank.readers) == (1, 1, 2, 1)
    assert rows[("unnamed", "")].reads == 1 and rows[("unnamed", "")].members == 1
    assert rows[("staff", "")].reads == 1
    assert rows[("anonymous", "")].downloads == 1 and rows[("anonymous", "")].reads == 1
    order = [r.group for r in statistics_for(PERIOD).organisations]
    assert order == ["member", "member", "unnamed", "staff", "anonymous"]


def test_top_articles_resolve_edition_page_names(archive):
    rows = statistics_for(PERIOD).articles
    assert [(r.title, r.reads, r.readers) for r in rows] == [
        ("塑造数字贸易发展新优势", 3, 2), ("塑造数字贸易发展新优势", 1, 0), ("跨境电商布局海外仓", 1, 1)]
    assert rows[1].slug == f"article-{archive['expert'].pk}"


def test_one_issue_only(archive):
    stats = statistics_for(Period(PERIOD.first, PERIOD.last, archive["ten"]))
    assert (stats.downloads, stats.reads) == (2, 0)
    assert [r.issue.number for r in stats.issues] == [10]


def test_the_page_shows_the_figures_and_a_chart(client, archive):
    client.force_login(archive["editor"])
    page = client.get(reverse("publishing:statistics"), {"start": "2026-01", "end": "2026-03"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-total="downloads">5<' in html and 'data-total="reads">6<' in html
    assert "<svg" in html and "2026-02 下载：1" in html
    assert "大连港集团" in html and "塑造数字贸易发展新优势" in html


def test_bad_months_are_explained_not_a_crash(client, archive):
    client.force_login(archive["editor"])
    html = client.get(reverse("publishing:statistics"),
                      {"start": "2026-13", "end": "2025-01"}).content.decode()
    assert "请按“年-月”填写" in html
    html = client.get(reverse("publishing:statistics"),
                      {"start": "2026-03", "end": "2026-01"}).content.decode()
    assert "截止月份不能早于起始月份" in html


def test_csv_export_per_table(client, archive):
    client.force_login(archive["editor"])
    response = client.get(reverse("publishing:statistics_csv", args=["organisations"]),
                          {"start": "2026-01", "end": "2026-03"})
    assert response["Content-Disposition"] == (
        'attachment; filename="statistics-organisations-202601-202603.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["会员单位", "会员数", "下载", "下载人数", "阅读", "阅读人数"]
    assert ["大连港集团", "2", "3", "2", "1", "1"] in rows
    months = client.get(reverse("publishing:statistics_csv", args=["months"]),
                        {"start": "2026-01", "end": "2026-03"}).content.decode("utf-8-sig")
    assert months.splitlines() == ["月份,下载,阅读", "2026-01,2,1", "2026-02,1,2", "2026-03,2,3"]
    assert client.get(reverse("publishing:statistics_csv", args=["secrets"])).status_code == 404


def test_csv_cells_never_become_formulas(client, archive):
    member("evil", "=HYPERLINK(\"http://evil.example\")")
    download(archive["nine"], Membership.objects.get(user__username="evil").user, at(2026, 2))
    client.force_login(archive["editor"])
    text = client.get(reverse("publishing:statistics_csv", args=["organisations"]),
                      {"start": "2026-01", "end": "2026-03"}).content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text


@pytest.mark.parametrize("role,status", [("anonymous", 302), ("member", 403), ("reviewer", 403),
                                         ("plain", 403), ("editor", 200), ("admin", 200)])
def test_editors_only(client, role, status):
    users = {"member": MemberFactory, "reviewer": ReviewerFactory, "editor": EditorFactory,
             "admin": AdminFactory, "plain": lambda: UserFactory(username="plain")}
    if role != "anonymous":
        client.force_login(users[role]())
    assert client.get(reverse("publishing:statistics")).status_code == status
    csv_status = client.get(reverse("publishing:statistics_csv", args=["issues"])).status_code
    assert csv_status == status


def test_queries_do_not_grow_with_the_data(client, archive, django_assert_max_num_queries):
    client.force_login(archive["editor"])
    url = reverse("publishing:statistics")
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url, {"start": "2026-01", "end": "2026-03"})
    for n in range(30):
        user = member(f"m{n}", f"单位{n % 7}")
        issue = IssueFactory(status=IssueStatus.PUBLISHED)
        ArticleFactory(issue=issue, slug=f"s{n}")
        download(issue, user, at(2026, 2))
        Read.objects.create(issue=issue, slug=f"s{n}", user=user, read_at=at(2026, 2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url, {"start": "2026-01", "end": "2026-03"})


def test_nice_axis_maximum():
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 10, 11, 230, 501)] == [1, 1, 5, 10, 10, 20, 500, 1000]


def test_the_page_and_csv_in_english(client, archive):
    client.force_login(archive["editor"])
    client.post(reverse("set_language"), {"language": "en", "next": "/editorial/"})
    html = client.get(reverse("publishing:statistics")).content.decode()
    assert "Per member organisation" in html and "Export CSV" in html
    text = client.get(reverse("publishing:statistics_csv", args=["issues"])).content.decode("utf-8-sig")
    assert text.startswith("Publication,")


@pytest.mark.parametrize("top,ticks", [(1, ["0", "1"]), (5, ["0", "1", "2", "3", "4", "5"]),
                                       (20, ["0", "5", "10", "15", "20"])])
def test_chart_axis_steps_are_whole_numbers(top, ticks):
    import re

    from publishing.stats.charts import Series, bar_chart

    svg = bar_chart(title="t", labels=["2026-01"], series=[Series("下载", [top], "#000")])
    assert re.findall(r'text-anchor="end" fill="#555">(\d+)<', svg) == ticks


def test_every_row_of_the_issue_table_opens_that_issue_alone(client, archive):
    planned = IssueFactory(number=11, status=IssueStatus.PLANNING)
    download(planned, archive["editor"], at(2026, 2))  # an editor's look before release
    client.force_login(archive["editor"])
    response = client.get(reverse("publishing:statistics"),
                          {"start": "2026-01", "end": "2026-03", "issue": planned.pk})
    html = response.content.decode()
    assert 'data-total="downloads">1<' in html and "aria-invalid" not in html
