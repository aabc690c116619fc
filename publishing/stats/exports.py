"""The figures as CSV tables (what an association hands its board each year) and as the
monthly chart. Headers are in the reader's language."""

from __future__ import annotations

from django.http import Http404
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from publishing.stats.charts import Series, bar_chart
from publishing.stats.selectors import Statistics

DOWNLOAD_COLOUR, READ_COLOUR = "#9f1d20", "#2f6f8f"
TABLES = [
    ("months", gettext_lazy("按月")),
    ("issues", gettext_lazy("按期")),
    ("organisations", gettext_lazy("按会员单位")),
    ("articles", gettext_lazy("热门文章")),
]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value) -> object:
    """A spreadsheet shows text, never runs it: text that starts like a formula is quoted."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def group_label(row) -> str:
    return {
        "member": row.name,
        "unnamed": _("（会员，未填单位）"),
        "staff": _("（非会员账号）"),
        "anonymous": _("（未登录读者）"),
    }[row.group]


def monthly_chart(stats: Statistics) -> SafeString:
    return bar_chart(
        title=_("每月下载与阅读"),
        labels=[row.month.strftime("%Y-%m") for row in stats.months],
        series=[Series(_("下载"), [row.downloads for row in stats.months], DOWNLOAD_COLOUR),
                Series(_("阅读"), [row.reads for row in stats.months], READ_COLOUR)],
    )


def table_rows(table: str, stats: Statistics) -> tuple[list[str], list[list]]:
    if table == "months":
        return ([_("月份"), _("下载"), _("阅读")],
                [[r.month.strftime("%Y-%m"), r.downloads, r.reads] for r in stats.months])
    if table == "issues":
        return ([_("刊物"), _("期号"), _("期刊"), _("下载"), _("下载人数"), _("阅读"), _("阅读人数")],
                [[r.issue.publication.name, r.issue.number, r.issue.display_title, r.downloads,
                  r.downloaders, r.reads, r.readers] for r in stats.issues])
    if table == "organisations":
        return ([_("会员单位"), _("会员数"), _("下载"), _("下载人数"), _("阅读"), _("阅读人数")],
                [[group_label(r), r.members, r.downloads, r.downloaders, r.reads, r.readers]
                 for r in stats.organisations])
    if table == "articles":
        return ([_("文章"), _("期刊"), _("阅读"), _("阅读人数")],
                [[r.title, r.issue.display_title, r.reads, r.readers] for r in stats.articles])
    raise Http404
