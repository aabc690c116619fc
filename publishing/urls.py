from django.urls import path

from publishing import feeds, views

app_name = "publishing"

urlpatterns = [
    path("", views.issue_archive, name="home"),
    path("issues/", views.issue_archive, name="archive"),
    path("issues/feed/", feeds.PublishedIssuesFeed(), name="feed"),
    path("search/", views.search, name="search"),
    path("library/members/", views.members, name="members"),
    path("library/members/import/", views.members_import, name="members_import"),
    path("media/<path:path>", views.media_file, name="media"),
    path("issues/<slug:publication_slug>/<int:number>/", views.issue_detail, name="issue_detail"),
    path("issues/<slug:publication_slug>/<int:number>/pdf", views.issue_pdf, name="issue_pdf"),
    path("issues/<slug:publication_slug>/<int:number>/cover.png", views.issue_cover,
         name="issue_cover"),
    path("issues/<slug:publication_slug>/<int:number>/access", views.issue_access,
         name="issue_access"),
    path("issues/<slug:publication_slug>/<int:number>/<slug:slug>/", views.article_detail,
         name="article_detail"),
]
