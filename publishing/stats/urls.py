"""The statistics page sits in the editors' workspace."""

from django.urls import path

from publishing.stats import views

urlpatterns = [
    path("editorial/statistics/", views.statistics, name="statistics"),
    path("editorial/statistics/<slug:table>.csv", views.statistics_csv, name="statistics_csv"),
]
