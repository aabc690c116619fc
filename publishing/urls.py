from django.urls import path

from publishing import board_views, feeds, views

app_name = "publishing"

urlpatterns = [
    path("", views.issue_archive, name="home"),
    path("issues/", views.issue_archive, name="archive"),
    path("issues/feed/", feeds.PublishedIssuesFeed(), name="feed"),
    path("search/", views.search, name="search"),
    path("library/members/", views.members, name="members"),
    path("library/members/import/", views.members_import, name="members_import"),
    path("media/<path:path>", views.media_file, name="media"),
    # The issue planning board sits in the editors' workspace.
    path("editorial/issues/", board_views.board, name="board"),
    path("editorial/issues/<int:pk>/", board_views.board_issue, name="board_issue"),
    path("editorial/issues/<int:pk>/front", board_views.board_front, name="board_front"),
    path("editorial/issues/<int:pk>/add", board_views.board_add, name="board_add"),
    path("editorial/issues/<int:pk>/remove", board_views.board_remove, name="board_remove"),
    path("editorial/issues/<int:pk>/move", board_views.board_move, name="board_move"),
    path("editorial/issues/<int:pk>/arrange", board_views.board_arrange, name="board_arrange"),
    path("editorial/issues/<int:pk>/schedule", board_views.board_schedule, name="board_schedule"),
    path("editorial/issues/<int:pk>/unschedule", board_views.board_unschedule,
         name="board_unschedule"),
    path("editorial/issues/<int:pk>/correct", board_views.board_correct, name="board_correct"),
    path("editorial/issues/<int:pk>/proof", board_views.board_proof, name="board_proof"),
    path("editorial/issues/<int:pk>/proof/<int:proof_id>/status", board_views.board_proof_status,
         name="board_proof_status"),
    path("editorial/issues/<int:pk>/proof/<int:proof_id>/<str:name>", board_views.board_proof_file,
         name="board_proof_file"),
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
    path("issues/<slug:publication_slug>/<int:number>/<slug:slug>/", views.article_detail,
         name="article_detail"),
]
