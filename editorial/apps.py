from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EditorialConfig(AppConfig):
    name = "editorial"
    verbose_name = _("编辑部")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from editorial import receivers

        # After every migrate and every flush (a transactional test's teardown, `manage.py
        # flush`): the 0003 data migration made the role groups once, a flush deletes them.
        post_migrate.connect(receivers.ensure_role_groups, sender=self,
                             dispatch_uid="editorial.ensure_role_groups")
