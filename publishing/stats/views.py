"""The statistics page and its CSV export: editors only (``publishing.manage_issues``)."""

from __future__ import annotations

import csv

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from publishing.library.permissions import editor_required
from publishing.stats import exports, selectors
from publishing.stats.forms import StatisticsForm


def _period_and_form(request: HttpRequest):
    """The period asked for; the last twelve months when nothing (or something invalid) is."""
    if {"start", "end"} & set(request.GET):
        form = StatisticsForm(request.GET)
        if form.is_valid():
            return form.period(), form
        return selectors.Period.last_twelve_months(), form
    period = selectors.Period.last_twelve_months()
    return period, StatisticsForm.for_period(period)


@require_GET
@editor_required
def statistics(request: HttpRequest) -> HttpResponse:
    period, form = _period_and_form(request)
    figures = selectors.statistics_for(period)
    return render(request, "publishing/statistics.html", {
        "form": form, "stats": figures, "chart": exports.monthly_chart(figures),
        "tables": exports.TABLES, "query": request.GET.urlencode(),
    })


@require_GET
@editor_required
def statistics_csv(request: HttpRequest, table: str) -> HttpResponse:
    period, _form = _period_and_form(request)
    header, rows = exports.table_rows(table, selectors.statistics_for(period))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"statistics-{table}-{period.first:%Y%m}-{period.last:%Y%m}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # Excel opens UTF-8 Chinese correctly only with the BOM
    writer = csv.writer(response)
    writer.writerow(header)
    writer.writerows([exports.cell(value) for value in row] for row in rows)
    return response
