from django.apps import AppConfig
from django.core import checks


class BulletinConfig(AppConfig):
    """The project's own wiring: system checks on settings and on the database connection, the
    error pages, and the ``check`` command that also looks at the database."""

    name = "bulletin"
    verbose_name = "bulletin"

    def ready(self) -> None:
        from bulletin import checks as project_checks

        checks.register(project_checks.check_database_reachable, checks.Tags.database)
        checks.register(project_checks.check_email_backend, checks.Tags.security, deploy=True)
        checks.register(project_checks.check_site_url, checks.Tags.security, deploy=True)
        checks.register(project_checks.check_object_storage)
