"""Project URL map: each app owns its own URLs."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from bulletin import views
from publishing.library.forms import MemberPasswordResetForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset doubles as "set your password" for invited members.
    path("accounts/password_reset/", auth_views.PasswordResetView.as_view(
        html_email_template_name=None, form_class=MemberPasswordResetForm),
        name="password_reset"),
    path("accounts/password_reset/done/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        post_reset_login=False), name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("accounts/after-login/", views.after_login, name="after_login"),
    path("editorial/", include("editorial.urls")),
    path("", include("publishing.urls")),
]

# Error pages in the site's language and design (templates/<status>.html); the 500 handler
# answers 503 with a page that needs no database when the database is what failed.
handler400 = "bulletin.views.bad_request"
handler500 = "bulletin.views.server_error"
