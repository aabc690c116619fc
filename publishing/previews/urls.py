"""Article previews, linked from the editorial workspace by URL name."""

from django.urls import path

from publishing.previews import views

urlpatterns = [
    path("editorial/articles/<int:pk>/preview/", views.article_preview,
         name="article_preview"),
    path("editorial/articles/<int:pk>/preview.pdf", views.article_preview_pdf,
         name="article_preview_pdf"),
]
