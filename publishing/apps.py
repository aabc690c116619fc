from django.apps import AppConfig
from django.core import checks
from django.utils.translation import pgettext_lazy


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = pgettext_lazy("app name", "出版")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from publishing.checks import (
            check_accel_redirect_prefix,
            check_download_links_cache,
            check_overdue_releases,
            check_weasyprint_version,
        )

        checks.register(check_weasyprint_version)
        checks.register(check_accel_redirect_prefix)
        checks.register(check_download_links_cache)
        checks.register(check_overdue_releases)

        from publishing.library.download_links import connect_receivers

        connect_receivers()
