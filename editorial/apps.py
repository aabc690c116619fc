from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = _("编辑部")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from editorial import receivers  # noqa: F401 - connects the signal receivers
