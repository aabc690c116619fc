"""Publishing's URLs, one include per sub-package. The includes have no namespace of their own:
every name stays ``publishing:<name>`` and every path stays as it was."""

from django.urls import include, path

app_name = "publishing"

urlpatterns = [
    path("", include("publishing.library.urls")),
    path("", include("publishing.board.urls")),
    path("", include("publishing.previews.urls")),
    path("", include("publishing.releases.urls")),
    path("", include("publishing.proofs.urls")),
    path("", include("publishing.stats.urls")),
]
