from django.urls import path

from publishing import views

app_name = "publishing"

urlpatterns = [
    path("", views.home, name="home"),
    path("issues/<slug:publication_slug>/<int:number>/", views.issue_detail, name="issue_detail"),
    path("issues/<slug:publication_slug>/<int:number>/pdf", views.issue_pdf, name="issue_pdf"),
]
