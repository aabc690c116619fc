from django.urls import path

from editorial import media_views, notification_views, views

app_name = "editorial"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/bulk/", views.article_bulk, name="article_bulk"),
    path("articles/new/", views.article_create, name="article_create"),
    path("articles/import/", views.article_import, name="article_import"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("articles/<int:pk>/autosave/", views.article_autosave, name="article_autosave"),
    path("articles/<int:pk>/presence/", views.article_presence, name="article_presence"),
    path("articles/<int:pk>/submit/", views.article_submit, name="article_submit"),
    path("articles/<int:pk>/approve/", views.article_approve, name="article_approve"),
    path("articles/<int:pk>/request-changes/", views.article_request_changes,
         name="article_request_changes"),
    path("articles/<int:pk>/withdraw/", views.article_withdraw, name="article_withdraw"),
    path("articles/<int:pk>/reopen/", views.article_reopen, name="article_reopen"),
    path("articles/<int:pk>/comments/", views.comment_create, name="comment_create"),
    path("comments/<int:pk>/resolve/", views.comment_resolve, name="comment_resolve"),
    path("articles/<int:pk>/revisions/", views.revision_list, name="revision_list"),
    path("articles/<int:pk>/revisions/compare/", views.revision_compare, name="revision_compare"),
    path("articles/<int:pk>/revisions/<int:number>/", views.revision_detail,
         name="revision_detail"),
    path("articles/<int:pk>/revisions/<int:number>/restore/", views.revision_restore,
         name="revision_restore"),
    path("images/upload/", views.image_upload, name="image_upload"),
    path("notifications/", notification_views.notification_list, name="notification_list"),
    path("notifications/read-all/", notification_views.notifications_read_all,
         name="notifications_read_all"),
    path("notifications/<int:pk>/", notification_views.notification_open,
         name="notification_open"),
    path("notifications/<int:pk>/read/", notification_views.notification_read,
         name="notification_read"),
    path("media/", media_views.media_library, name="media_library"),
    path("media/picker/", media_views.media_picker, name="media_picker"),
    path("media/<int:pk>/", media_views.media_detail, name="media_detail"),
    path("publications/<slug:slug>/settings/", views.publication_settings,
         name="publication_settings"),
]
