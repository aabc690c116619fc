"""The members' library: archive, issue and article pages, files, search, the members list."""

from django.urls import path

from publishing.library import feeds, views

urlpatterns = [
    path("", views.issue_archive, name="home"),
    path("issues/", views.issue_archive, name="archive"),
    path("issues/feed/", feeds.issue_feed, name="feed"),
    path("search/", views.search, name="search"),
    path("library/members/", views.members, name="members"),
    path("library/members/import/", views.members_import, name="members_import"),
    path("library/members/imports/<int:import_id>/", views.member_import_progress,
         name="member_import"),
    path("media/<path:path>", views.media_file, name="media"),
    path("covers/<path:path>", views.cover_file, name="cover_file"),
    path("issues/<slug:publication_slug>/<int:number>/", views.issue_detail, name="issue_detail"),
    path("issues/<slug:publication_slug>/<int:number>/pdf", views.issue_pdf, name="issue_pdf"),
    path("issues/<slug:publication_slug>/<int:number>/html/", views.issue_html,
         name="issue_html_index"),
    path("issues/<slug:publication_slug>/<int:number>/html/<path:path>", views.issue_html,
         name="issue_html"),
    path("issues/<slug:publication_slug>/<int:number>/v<int:version>.pdf", views.issue_pdf,
         name="issue_pdf_version"),
    path("issues/<slug:publication_slug>/<int:number>/cover.png", views.issue_cover,
         name="issue_cover"),
    path("issues/<slug:publication_slug>/<int:number>/access", views.issue_access,
         name="issue_access"),
    # Last: its <slug> would also match the html/ paths above.
    path("issues/<slug:publication_slug>/<int:number>/<slug:slug>/", views.article_detail,
         name="article_detail"),
]
